import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSummary } from '../../src/cluster/index.js';
import { computeRates, processBatch, RateBase, type Batch } from '../../src/model/index.js';
import { buildSummary, Workload } from '../../src/simulator/index.js';
import { fixture } from '../helpers/paths.js';

const EPOCH = Date.UTC(2026, 10, 26, 10);
const w = new Workload({ seed: 3, nodes: 2, podsPerNode: 8, epoch: EPOCH });
const node = w.nodes[0]!;
const batch = (summary: any, ts: number): Batch => ({ timestamp: ts, sets: new Map(decodeSummary(summary, { now: ts }).map((s) => [s.key, s])) });
const empty = { pods: new Map(), nodes: new Map() };

// ---
test('cpu/usage_rate is whole millicores from two payloads, truncated; other rates are float per second', () => {
  const t1 = EPOCH + 3600_000, t2 = t1 + 60_000;
  const s1 = JSON.parse(JSON.stringify(buildSummary(w, node, t1)));
  const s2 = JSON.parse(JSON.stringify(buildSummary(w, node, t2)));
  const b1 = batch(s1, t1), b2 = batch(s2, t2);
  computeRates(b1, b2);
  const dtNs = (Date.parse(s2.node.cpu.time) - Date.parse(s1.node.cpu.time)) * 1e6;
  const nodeSet = b2.sets.get(`node:${node.name}`)!;
  const expected = Math.trunc((1000 * (s2.node.cpu.usageCoreNanoSeconds - s1.node.cpu.usageCoreNanoSeconds)) / dtNs);
  assert.is(nodeSet.values.get('cpu/usage_rate'), expected);
  assert.ok(Number.isInteger(expected) && expected > 0);
  const rx = (1e9 * (s2.node.network.rxBytes - s1.node.network.rxBytes)) / dtNs;
  assert.ok(Math.abs(nodeSet.values.get('network/rx_rate')! - rx) < 1e-9 * rx);
  // every container present in both with the same start time gets its rate from its own counters
  let checked = 0;
  for (const p2 of s2.pods) {
    const p1 = s1.pods.find((p: any) => p.podRef.uid === p2.podRef.uid);
    for (const c2 of p2.containers) {
      const c1 = p1?.containers.find((c: any) => c.name === c2.name);
      const set = b2.sets.get(`namespace:${p2.podRef.namespace}/pod:${p2.podRef.name}/container:${c2.name}`)!;
      if (!c1 || c1.startTime !== c2.startTime) {
        assert.not.ok(set.values.has('cpu/usage_rate'), 'a restarted or new container has no rate this tick');
        continue;
      }
      const dt = (Date.parse(c2.cpu.time) - Date.parse(c1.cpu.time)) * 1e6;
      assert.is(set.values.get('cpu/usage_rate'), Math.trunc((1000 * (c2.cpu.usageCoreNanoSeconds - c1.cpu.usageCoreNanoSeconds)) / dt));
      checked++;
    }
  }
  assert.ok(checked >= 8);
});

test('the example from the reference: 3e9 ns over 60 s is 50 millicores', () => {
  const s1 = fixture('summary/kind-v1.17-metrics-server-e2e.json');
  const s2 = structuredClone(s1);
  s2.node.cpu.usageCoreNanoSeconds += 3e9;
  s2.node.cpu.time = '2020-04-16T20:26:28Z';
  const b1 = batch(s1, 1000), b2 = batch(s2, 61_000);
  computeRates(b1, b2);
  assert.is(b2.sets.get(`node:${s1.node.nodeName}`)!.values.get('cpu/usage_rate'), 50);
});

test('no rate when the counter went down, the start time changed, time did not move, or the batch is not newer', () => {
  const s1 = fixture('summary/kind-v1.17-metrics-server-e2e.json');
  const key = `node:${s1.node.nodeName}`;
  const variant = (f: (s: any) => void, ts = 61_000) => {
    const s2 = structuredClone(s1);
    s2.node.cpu.time = '2020-04-16T20:26:28Z';
    s2.node.cpu.usageCoreNanoSeconds += 3e9;
    f(s2);
    const b2 = batch(s2, ts);
    computeRates(batch(s1, 1000), b2);
    return b2.sets.get(key)!.values.get('cpu/usage_rate');
  };
  assert.is(variant(() => undefined), 50);
  assert.is(variant((s) => (s.node.cpu.usageCoreNanoSeconds = 1e9)), undefined);
  assert.is(variant((s) => (s.node.startTime = '2020-04-16T20:26:00Z')), undefined);
  assert.is(variant((s) => (s.node.cpu.time = s1.node.cpu.time)), undefined);
  assert.is(variant(() => undefined, 1000), undefined);
});

test('pods without pod-level network get their rate as the sum of their containers', () => {
  const t1 = EPOCH + 7200_000, t2 = t1 + 60_000;
  const s1 = JSON.parse(JSON.stringify(buildSummary(w, node, t1)));
  const s2 = JSON.parse(JSON.stringify(buildSummary(w, node, t2)));
  for (const s of [s1, s2]) for (const p of s.pods) delete p.network;
  const b1 = processBatch(batch(s1, t1), undefined, empty);
  const b2 = processBatch(batch(s2, t2), b1, empty);
  const p = s2.pods.find((x: any) => s1.pods.some((y: any) => y.podRef.uid === x.podRef.uid && y.containers[0].startTime === x.containers[0].startTime))!;
  const podSet = b2.sets.get(`namespace:${p.podRef.namespace}/pod:${p.podRef.name}`)!;
  const sum = p.containers.reduce((acc: number, c: any) => acc + b2.sets.get(`namespace:${p.podRef.namespace}/pod:${p.podRef.name}/container:${c.name}`)!.values.get('cpu/usage_rate')!, 0);
  assert.is(podSet.values.get('cpu/usage_rate'), sum);
});

test('what RateBase keeps of a batch is all the next one needs: rates as the payloads give them', () => {
  const t1 = EPOCH + 3600_000, t2 = t1 + 60_000;
  const s1 = JSON.parse(JSON.stringify(buildSummary(w, node, t1)));
  const s2 = JSON.parse(JSON.stringify(buildSummary(w, node, t2)));
  const b1 = processBatch(batch(s1, t1), undefined, empty);
  const base = RateBase.of(b1);
  b1.sets.clear(); // the batch itself is gone, as in record
  const b2 = processBatch(batch(s2, t2), base, empty);
  const dtMs = Date.parse(s2.node.network.time) - Date.parse(s1.node.network.time);
  assert.is(b2.sets.get(`node:${node.name}`)!.values.get('network/rx_rate'), (1000 * (s2.node.network.rxBytes - s1.node.network.rxBytes)) / dtMs);
  let checked = 0;
  for (const p2 of s2.pods) {
    const p1 = s1.pods.find((p: any) => p.podRef.uid === p2.podRef.uid);
    const set = b2.sets.get(`namespace:${p2.podRef.namespace}/pod:${p2.podRef.name}`)!;
    if (!p1?.network || !p2.network || p1.startTime !== p2.startTime) continue;
    const dt = Date.parse(p2.network.time) - Date.parse(p1.network.time);
    assert.is(set.values.get('network/tx_rate'), (1000 * (p2.network.txBytes - p1.network.txBytes)) / dt);
    checked++;
  }
  assert.ok(checked >= 4, 'pods with network stats in both payloads');
});

test('at 1 s, finer than the stats move: a container keeps the rate of its last move, worked out from the payloads, and a namespace sums every pod at every batch', () => {
  const t0 = EPOCH + 3600_000;
  let prev: RateBase | undefined;
  const seen: { s: any; b: Batch }[] = [];
  for (let i = 0; i < 25; i++) {
    const s = JSON.parse(JSON.stringify(buildSummary(w, node, t0 + i * 1000)));
    const b = processBatch(batch(s, t0 + i * 1000), prev, empty);
    prev = RateBase.of(b);
    seen.push({ s, b });
  }
  const key = (p: any, c: any) => `namespace:${p.podRef.namespace}/pod:${p.podRef.name}/container:${c.name}`;
  // a container's rate at batch i: that of the newest move at or before i (its cpu time changed from
  // the batch before, same start time), from the two payloads; none before its first move
  const expected = (i: number, uid: string, name: string): number | undefined => {
    for (let j = i; j > 0; j--) {
      const c = seen[j]!.s.pods.find((p: any) => p.podRef.uid === uid)?.containers.find((x: any) => x.name === name);
      const b = seen[j - 1]!.s.pods.find((p: any) => p.podRef.uid === uid)?.containers.find((x: any) => x.name === name);
      if (!c || !b || c.startTime !== b.startTime) return undefined;
      if (c.cpu.time !== b.cpu.time) return Math.trunc((1000 * (c.cpu.usageCoreNanoSeconds - b.cpu.usageCoreNanoSeconds)) / ((Date.parse(c.cpu.time) - Date.parse(b.cpu.time)) * 1e6));
    }
    return undefined;
  };
  let carried = 0, moved = 0;
  for (let i = 1; i < seen.length; i++) {
    const { s, b } = seen[i]!;
    for (const p of s.pods) {
      for (const c of p.containers) {
        const want = expected(i, p.podRef.uid, c.name);
        assert.is(b.sets.get(key(p, c))!.values.get('cpu/usage_rate'), want, `${key(p, c)} at ${i} s`);
        if (want !== undefined) {
          const before = seen[i - 1]!.s.pods.find((x: any) => x.podRef.uid === p.podRef.uid)?.containers.find((x: any) => x.name === c.name);
          if (before?.cpu.time === c.cpu.time) carried++;
          else moved++;
        }
      }
    }
    // after the first move every pod has a rate, so a namespace's sum holds all its pods
    if (i > 10) {
      for (const ns of new Set(s.pods.map((p: any) => p.podRef.namespace as string))) {
        const pods = s.pods.filter((p: any) => p.podRef.namespace === ns).map((p: any) => b.sets.get(`namespace:${ns}/pod:${p.podRef.name}`)!.values.get('cpu/usage_rate'));
        assert.ok(pods.every((v: number | undefined) => v !== undefined), `${ns} at ${i} s: ${pods}`);
        assert.is(b.sets.get(`namespace:${ns}`)!.values.get('cpu/usage_rate'), pods.reduce((a: number, v: number) => a + v, 0));
      }
    }
  }
  assert.ok(carried > 5 * moved && moved > 0, `${carried} carried, ${moved} measured`);
});

test('a rate is carried for a minute at most, not through a restart, and not at 16 s, where Heapster\'s rule holds', () => {
  const s1 = fixture('summary/kind-v1.17-metrics-server-e2e.json');
  const key = `node:${s1.node.nodeName}`;
  const s2 = structuredClone(s1);
  s2.node.cpu.time = '2020-04-16T20:26:28Z';
  s2.node.cpu.usageCoreNanoSeconds += 3e9;
  // measured at 61 s (50m over the 60 s the stats moved), then the same stats a second apart
  const run = (times: number[], last = s2) => {
    let prev: Batch | RateBase = batch(s1, 1000);
    let b!: Batch;
    times.forEach((ts, i) => {
      b = batch(i === times.length - 1 ? last : s2, ts);
      computeRates(prev, b);
      prev = RateBase.of(b);
    });
    return b.sets.get(key)!.values.get('cpu/usage_rate');
  };
  const ticks = (to: number) => Array.from({ length: to - 60 }, (_, k) => (61 + k) * 1000);
  assert.is(run(ticks(62)), 50);
  assert.is(run(ticks(121)), 50);
  assert.is(run(ticks(122)), undefined);
  const restarted = structuredClone(s2);
  restarted.node.startTime = '2020-04-16T20:26:00Z';
  assert.is(run(ticks(70), restarted), undefined);
  assert.is(run([61_000, 77_000]), undefined);
  assert.is(run([61_000, 76_000]), 50);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeRates, newMetricSet, nodeKey, podContainerKey, podKey, type Batch, type MetricSet } from '../../src/model/index.js';
import { tempArchive, writeBatches } from '../helpers/archive.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';

// Recorded at 1 s, finer than the kubelet's CPU counters move: each entity's stats move in a few
// batches only, where `cpu` gives the rate they move at. The model keeps the rate through the batches
// between, for a minute (computeRates). What `top` shows is the newest rate within a minute wherever
// the entity has a working set, worked out below from these definitions.
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0), TICKS = 90, LOOKBACK = 60;
interface Entity { kind: 'node' | 'pod' | 'pod_container'; name: string; alive: (i: number) => boolean; ws: (i: number) => number; cpu: (i: number) => number | undefined }
const ENTITIES: Entity[] = [
  { kind: 'node', name: 'n1', alive: () => true, ws: () => 5e9, cpu: (i) => (i % 15 === 0 ? 900 + i : undefined) },
  { kind: 'pod', name: 'a', alive: () => true, ws: (i) => 1e8 + i, cpu: (i) => (i % 10 === 0 ? 100 + i : undefined) },
  // one rate, at 5 s: too old for a moment after 65 s
  { kind: 'pod', name: 'b', alive: () => true, ws: () => 2e8, cpu: (i) => (i === 5 ? 40 : undefined) },
  // gone after 49 s
  { kind: 'pod', name: 'c', alive: (i) => i < 50, ws: () => 3e8, cpu: (i) => (i % 10 === 3 ? 7 + i : undefined) },
  { kind: 'pod_container', name: 'app', alive: () => true, ws: () => 5e7, cpu: (i) => (i % 10 === 0 ? 60 + i : undefined) },
];
const at = (i: number) => new Date(T0 + i * 1000).toISOString();

/** The newest rate of `e` at or before tick i and at most a minute older; undefined where there is none or `e` is gone. */
function shown(e: Entity, i: number): number | undefined {
  if (!e.alive(i)) return undefined;
  for (let j = i; j >= Math.max(0, i - LOOKBACK); j--) if (e.alive(j) && e.cpu(j) !== undefined) return e.cpu(j);
  return undefined;
}

/** The batches as the recorder makes them: counters that move at the definitions' rates, and the model's rates of them. */
function batches(): Batch[] {
  // per entity: its stats' time and CPU counter (ns), which move only where `cpu` gives a rate
  const stats = new Map(ENTITIES.map((e) => [e, { time: T0, ns: 0 }]));
  let prev: Batch | undefined;
  return Array.from({ length: TICKS }, (_, i) => {
    const sets = new Map<string, MetricSet>();
    for (const e of ENTITIES.filter((x) => x.alive(i))) {
      const labels = { nodename: 'n1', hostname: 'n1', host_id: '' };
      const set = e.kind === 'node' ? newMetricSet(nodeKey('n1'), 'node', { type: 'node', ...labels })
        : e.kind === 'pod' ? newMetricSet(podKey('web', e.name), 'pod', { type: 'pod', ...labels, pod_id: `uid-${e.name}`, pod_name: e.name, namespace_name: 'web' })
        : newMetricSet(podContainerKey('web', 'a', e.name), 'pod_container', { type: 'pod_container', ...labels, pod_id: 'uid-a', pod_name: 'a', namespace_name: 'web', container_name: e.name });
      set.values.set('memory/working_set', e.ws(i));
      const cpu = e.cpu(i), st = stats.get(e)!;
      // a rate of R millicores over dt ms is R * dt * 1,000 ns of CPU
      if (cpu !== undefined && i > 0) {
        st.ns += cpu * (T0 + i * 1000 - st.time) * 1000;
        st.time = T0 + i * 1000;
      }
      set.values.set('cpu/usage', st.ns);
      set.scrapeTime = st.time;
      set.startTime = T0 - 3_600_000;
      sets.set(set.key, set);
    }
    const batch = { timestamp: T0 + i * 1000, sets };
    computeRates(prev, batch);
    prev = batch;
    return batch;
  });
}

let dir: string;
test.before(async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'fine', batches(), 1000);
  dir = archive.dir;
});

const top = async (...args: string[]) => {
  const r = await cli(['top', ...args, '--archive', dir, '-o', 'json'], pluginEnv());
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).items as { name: string; pod?: string; cpu: { usageMillicores: number | null }; memory: { workingSetBytes: number | null } }[];
};
const cpuOf = (items: Awaited<ReturnType<typeof top>>) => Object.fromEntries(items.map((x) => [x.name, x.cpu.usageMillicores]));
const pods = ENTITIES.filter((e) => e.kind === 'pod');

test('top --at on a recording finer than the CPU counters: each row the newest rate within a minute, none older, none of a pod gone', async () => {
  for (const i of [37, 62, 89]) {
    const expected = Object.fromEntries(pods.filter((p) => p.alive(i)).map((p) => [p.name, shown(p, i) ?? null]));
    assert.equal(cpuOf(await top('pods', '-n', 'web', '--at', at(i))), expected, `pods at ${i} s`);
  }
  // the cases the definitions are there for, in plain numbers
  assert.equal(cpuOf(await top('pods', '-n', 'web', '--at', at(37))), { a: 130, b: 40, c: 40 });
  assert.equal(cpuOf(await top('pods', '-n', 'web', '--at', at(89))), { a: 180, b: null });
  assert.equal(cpuOf(await top('nodes', '--at', at(37))), { n1: shown(ENTITIES[0]!, 37)! });
  assert.equal(cpuOf(await top('containers', '-n', 'web', '--at', at(37))), { app: shown(ENTITIES[4]!, 37)! });
});

test('top namespaces over a fine recording sums every pod\'s newest rate at each time, not only the pods whose counters moved then', async () => {
  const sums = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => pods.reduce((s, p) => s + (shown(p, from + k) ?? 0), 0));
  const window = sums(60, 89);
  const [web] = await top('namespaces', 'web', '--start', at(60), '--end', at(89), '--agg', 'max');
  assert.is(web!.cpu.usageMillicores, Math.max(...window));
  // the batches' own rates in the window would give 180, at 80 s
  assert.is(Math.max(...window), 200);
  const [avg] = await top('namespaces', 'web', '--start', at(60), '--end', at(89), '--agg', 'avg');
  assert.ok(Math.abs(avg!.cpu.usageMillicores! - window.reduce((s, v) => s + v, 0) / window.length) < 1e-6, `${avg!.cpu.usageMillicores}`);
  const [moment] = await top('namespaces', 'web', '--at', at(62));
  assert.is(moment!.cpu.usageMillicores, sums(62, 62)[0]);
  assert.is(moment!.memory.workingSetBytes, pods.reduce((s, p) => s + (p.alive(62) ? p.ws(62) : 0), 0));
});

test.run();

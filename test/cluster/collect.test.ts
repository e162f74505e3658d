import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient, collectBatch, loadKubeConfig, ProxySummaryGetter, type SummaryGetter } from '../../src/cluster/index.js';
import { processBatch } from '../../src/model/index.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
test.before(async () => {
  sim = await testSim({ nodes: 4, podsPerNode: 8, faults: { 'node-02': 'error500', 'node-03': 'malformed', 'node-04': 'down' } });
});
test.after(() => sim.close());

/** Keeps every raw body the scrape saw, so expectations come from the payloads, not from our decoder. */
class Recording implements SummaryGetter {
  readonly bodies = new Map<string, any>();
  constructor(private readonly inner: SummaryGetter) {}
  async getSummary(node: string, timeoutMs: number): Promise<string> {
    const body = await this.inner.getSummary(node, timeoutMs);
    try {
      this.bodies.set(node, JSON.parse(body));
    } catch {
      /* the malformed node */
    }
    return body;
  }
}

// ---
test('one failing node is a classified failure; the rest answer; rates come from two real scrapes', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  const opts = { resolutionMs: 60_000, now: () => sim.clock.t, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, jitterMs: 5 };
  try {
    const r1 = new Recording(new ProxySummaryGetter(client));
    const first = await collectBatch(client, opts, r1);
    assert.is(first.nodesOk, 1);
    const reasons = Object.fromEntries(first.failures.map((f) => [f.node, f.reason]));
    assert.equal(reasons, { 'node-02': 'http', 'node-03': 'bad-payload', 'node-04': 'not-ready' });
    processBatch(first.batch, undefined, first.objects);

    sim.clock.t += 60_000;
    const r2 = new Recording(new ProxySummaryGetter(client));
    const second = await collectBatch(client, opts, r2);
    const b = processBatch(second.batch, first.batch, second.objects);
    assert.is(b.timestamp - first.batch.timestamp, 60_000);

    const s1 = r1.bodies.get('node-01'), s2 = r2.bodies.get('node-01');
    const dtNs = (Date.parse(s2.node.cpu.time) - Date.parse(s1.node.cpu.time)) * 1e6;
    const expected = Math.trunc((1000 * (s2.node.cpu.usageCoreNanoSeconds - s1.node.cpu.usageCoreNanoSeconds)) / dtNs);
    assert.is(b.sets.get('node:node-01')!.values.get('cpu/usage_rate'), expected);

    // namespace cpu/usage_rate: the sum of its pods' own rates (each pod has network stats, so pod-level rates)
    const sums = new Map<string, number>();
    for (const p2 of s2.pods) {
      const p1 = s1.pods.find((p: any) => p.podRef.uid === p2.podRef.uid);
      if (!p1 || p1.startTime !== p2.startTime) continue;
      const dt = (Date.parse(p2.network.time) - Date.parse(p1.network.time)) * 1e6;
      const rate = Math.trunc((1000 * (p2.cpu.usageCoreNanoSeconds - p1.cpu.usageCoreNanoSeconds)) / dt);
      sums.set(p2.podRef.namespace, (sums.get(p2.podRef.namespace) ?? 0) + rate);
    }
    for (const [ns, sum] of sums) assert.is(b.sets.get(`namespace:${ns}`)!.values.get('cpu/usage_rate'), sum, ns);
    assert.ok(sums.size >= 2);
  } finally {
    client.close();
  }
});

test('requests and limits come from the pod specs the API server lists', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  try {
    const got = await collectBatch(client, { resolutionMs: 60_000, now: () => sim.clock.t, concurrency: 0, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, jitterMs: 0 });
    const b = processBatch(got.batch, undefined, got.objects);
    const pods = sim.workload.podsOn(sim.workload.nodes[0]!, sim.clock.t);
    const milli = (q: string | undefined) => (q ? Number(q.replace('m', '')) : 0);
    const expected = pods.reduce((s, p) => s + p.containers.reduce((c, k) => c + milli(k.requests.cpu), 0), 0);
    assert.is(b.sets.get('node:node-01')!.values.get('cpu/request'), expected);
  } finally {
    client.close();
  }
});

test('cpu and memory alone: the kubelet is asked for them, sends nothing else, and the sets equal a whole summary\'s', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  const opts = { resolutionMs: 60_000, now: () => sim.clock.t, concurrency: 0, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, jitterMs: 0, cpuRateFromKubelet: true };
  try {
    const before = sim.server.log.length;
    const slimBodies = new Recording(new ProxySummaryGetter(client, true));
    const slim = processBatch((await collectBatch(client, opts, slimBodies)).batch, undefined, (await collectBatch(client, opts)).objects);
    const asked = sim.server.log.slice(before).filter((e) => e.path === '/api/v1/nodes/node-01/proxy/stats/summary').map((e) => e.query);
    assert.equal(asked, ['?only_cpu_and_memory=true', '']);

    // the payload: what GetCPUAndMemoryStats returns, no network, filesystem, volume or rlimit
    const body = slimBodies.bodies.get('node-01');
    assert.equal(Object.keys(body.node).sort(), ['cpu', 'memory', 'nodeName', 'startTime', 'systemContainers']);
    assert.ok(body.pods.length >= 2);
    for (const p of body.pods) {
      assert.equal(Object.keys(p).sort(), ['containers', 'cpu', 'memory', 'podRef', 'startTime']);
      for (const c of p.containers) assert.equal(Object.keys(c).sort(), ['cpu', 'memory', 'name', 'startTime']);
    }
    // the kubelet's rule: only the exact string `true` slims the answer
    for (const q of ['only_cpu_and_memory=1', 'only_cpu_and_memory=true&only_cpu_and_memory=true']) {
      assert.ok((await getJson(sim, `/api/v1/nodes/node-01/proxy/stats/summary?${q}`)).node.fs, q);
    }

    const whole = new Recording(new ProxySummaryGetter(client));
    const full = await collectBatch(client, opts, whole);
    const fullBatch = processBatch(full.batch, undefined, full.objects);
    assert.equal([...slim.sets.keys()].sort(), [...fullBatch.sets.keys()].sort());
    let compared = 0;
    for (const [key, set] of fullBatch.sets) {
      const other = slim.sets.get(key)!;
      for (const [name, value] of set.values) {
        if (name.startsWith('cpu/') || name.startsWith('memory/')) assert.is(other.values.get(name), value, `${key} ${name}`), compared++;
      }
      for (const [name] of other.values) assert.not.ok(/^(network\/|filesystem\/|ephemeral_storage\/usage)/.test(name), `${key} ${name}`);
      assert.is(other.labeled.length, 0, key);
    }
    // the node's working set from its payload, and every set's cpu and memory compared
    assert.is(slim.sets.get('node:node-01')!.values.get('memory/working_set'), whole.bodies.get('node-01').node.memory.workingSetBytes);
    assert.ok(compared > 100, String(compared));
  } finally {
    client.close();
  }
});

test.run();

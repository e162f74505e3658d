import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveHistory, unmovedText } from '../../src/cli/live-history.js';
import { loadKubeConfig } from '../../src/cluster/index.js';
import type { PluginError } from '../../src/model/index.js';
import { parseTarget } from '../../src/query/index.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 6 });
});
test.after(() => sim.close());

// ---
test('live counter rates come from two scrapes; the pods and nodes are listed once for both', async () => {
  const node = sim.workload.nodes[0]!.name;
  const before = await sim.rawSummary(node);
  const lists = (path: string) => sim.server.log.filter((e) => e.path === path).length;
  const podListsBefore = lists('/api/v1/pods'), nodeListsBefore = lists('/api/v1/nodes');
  let after: any;
  const live = await liveHistory({
    config: await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}),
    target: parseTarget(`nodes/${node}`, { namespace: 'default', allNamespaces: false }),
    rateIntervalMs: 50, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t,
    // the simulated cluster's clock stands still unless moved: a minute passes while the plugin waits
    onWait: () => {
      sim.clock.t += 60_000;
      after = sim.rawSummary(node);
    },
  });
  after = await after;
  const set = live.batch.sets.get(`node:${node}`)!;
  // expected from the two payloads: the counter difference over the kubelet's own timestamps
  const dt = Date.parse(after.node.network.time) - Date.parse(before.node.network.time);
  assert.ok(dt > 0, 'the two payloads are from different stats periods');
  assert.is(set.values.get('network/rx_rate'), ((after.node.network.rxBytes - before.node.network.rxBytes) * 1000) / dt);
  const cpuDt = Date.parse(after.node.cpu.time) - Date.parse(before.node.cpu.time);
  assert.is(set.values.get('cpu/usage_rate'), Math.trunc((1000 * (after.node.cpu.usageCoreNanoSeconds - before.node.cpu.usageCoreNanoSeconds)) / (cpuDt * 1e6)));
  assert.is(lists('/api/v1/pods') - podListsBefore, 1, 'one pod list for the two scrapes');
  assert.is(lists('/api/v1/nodes') - nodeListsBefore, 1, 'one node list for the two scrapes');
  // a minute apart, every set's stats moved: the node, its system containers, its pods and containers
  const sets = 1 + before.node.systemContainers.length + before.pods.filter((p: any) => p.network).length + before.pods.reduce((n: number, p: any) => n + p.containers.length, 0);
  assert.equal(live.unmoved, { sets: 0, of: sets });
});

test('stats that did not move: the interval to suggest is a kubelet\'s slowest refresh, or twice one already that long', () => {
  const text = (ms: number) => unmovedText({ sets: 3, of: 5 }, ms);
  assert.is(text(2000).why, "the kubelets' stats of 3 of 5 nodes, pods and containers did not change in the 2s between the two scrapes (kubelets refresh them every 10-15 s)");
  assert.equal([2000, 14_999, 15_000, 20_000, 90_000].map((ms) => text(ms).interval), ['15s', '15s', '30s', '40s', '180s']);
});

test('a node kubelet metric lists no pods; a node request metric lists the node\'s and sums them', async () => {
  const node = sim.workload.nodes[1]!.name;
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const target = parseTarget(`nodes/${node}`, { namespace: 'default', allNamespaces: false });
  const lists = () => sim.server.log.filter((e) => e.path === '/api/v1/pods').length;
  const ask = (metric: string) => liveHistory({ config, target, metric, rateIntervalMs: 0, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t });

  let before = lists();
  const nodeListsBefore = sim.server.log.length;
  const usage = await ask('memory/working_set');
  assert.is(lists() - before, 0, 'no pod list for a kubelet metric');
  assert.is(usage.batch.sets.get(`node:${node}`)!.values.get('memory/working_set'), (await sim.rawSummary(node)).node.memory.workingSetBytes);
  // one node asked for by name, as `kubectl top node` does, not the cluster's whole node list
  const nodeLists = sim.server.log.slice(nodeListsBefore).filter((e) => e.path === '/api/v1/nodes');
  assert.equal(nodeLists.map((e) => new URLSearchParams(e.query).get('fieldSelector')), [`metadata.name=${node}`]);
  const raw = (await getJson(sim, `/api/v1/nodes/${node}`)).status.allocatable.memory as string;
  assert.is(usage.batch.sets.get(`node:${node}`)!.values.get('memory/node_allocatable'), Number(raw.replace(/Ki$/, '')) * 1024);

  before = lists();
  const requests = await ask('cpu/request');
  const asked = sim.server.log.filter((e) => e.path === '/api/v1/pods').slice(before);
  assert.is(asked.length, 1, 'one pod list for a request metric');
  assert.is(new URLSearchParams(asked[0]!.query).get('fieldSelector'), `spec.nodeName=${node}`, 'of the node\'s pods only');
  // expected from the pod objects: the cpu requests of every container of the node's pods, in millicores
  const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
  const pods = ((await getJson(sim, '/api/v1/pods')).items as any[]).filter((p) => p.spec.nodeName === node);
  const expected = pods.flatMap((p) => p.spec.containers).reduce((s: number, c: any) => s + (c.resources?.requests?.cpu ? milli(c.resources.requests.cpu) : 0), 0);
  assert.ok(expected > 0, 'the node runs pods with cpu requests');
  assert.is(requests.batch.sets.get(`node:${node}`)!.values.get('cpu/request'), expected);
});

test('refused by every kubelet asked: the count leaves out a NotReady node, which was not asked', async () => {
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath, context: 'heapster-sim-viewer' }, {});
  const down = sim.workload.nodes[2]!.name;
  sim.clock.t += 1000;
  sim.server.setFault(down, 'notready');
  try {
    const err = await liveHistory({
      config, target: parseTarget('cluster', { namespace: 'default', allNamespaces: false }), metric: 'memory/usage',
      rateIntervalMs: 0, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t,
    }).then(() => undefined, (e: unknown) => e as Error);
    assert.match(err!.message, 'cannot get resource "nodes/proxy"');
    assert.match(err!.message, `(all ${sim.workload.nodes.length - 1} nodes)`);
  } finally {
    sim.clock.t += 1000;
    sim.server.setFault(down, undefined);
  }
});

test('a node the cluster does not have: every node is listed, none scraped, and the error names the closest', async () => {
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const target = parseTarget('nodes/node-9', { namespace: 'default', allNamespaces: false });
  const before = sim.server.log.length;
  const err = await liveHistory({ config, target, metric: 'memory/usage', rateIntervalMs: 0, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t })
    .then(() => undefined, (e: unknown) => e as PluginError);
  const log = sim.server.log.slice(before);
  assert.equal(log.filter((e) => e.path === '/api/v1/nodes').map((e) => new URLSearchParams(e.query).get('fieldSelector')), ['metadata.name=node-9', null]);
  assert.is(log.filter((e) => e.path.includes('/proxy/')).length, 0, 'no kubelet asked');
  // the simulator's nodes are node-01, node-02, ...: one edit from node-9 each is node-0N
  const near = sim.workload.nodes.map((n) => n.name).filter((n) => n.length === 7).slice(0, 3);
  assert.is(err?.code, 'usage');
  assert.is(err?.line, `no node "node-9" in the data; did you mean ${near.join(', ')}?`);
});

test('a pod its namespace does not have is refused from the pod list, before any kubelet is asked', async () => {
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const all = (await getJson(sim, '/api/v1/pods')).items as any[];
  const real = all.find((p) => p.metadata.namespace !== 'kube-system')!;
  const typo = (real.metadata.name as string).slice(0, -1);
  const target = parseTarget(`namespaces/${real.metadata.namespace}/pods/${typo}`, { namespace: 'default', allNamespaces: false });
  const before = sim.server.log.length;
  const err = await liveHistory({ config, target, metric: 'memory/usage', rateIntervalMs: 0, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t })
    .then(() => undefined, (e: unknown) => e as PluginError);
  assert.is(sim.server.log.slice(before).filter((e) => e.path.includes('/proxy/')).length, 0, 'no kubelet asked');
  assert.is(err?.code, 'usage');
  assert.match(err!.line, `no pod "${typo}" in the data of namespace ${real.metadata.namespace}; did you mean ${real.metadata.name}`);
});

test('a namespace target lists only its namespace\'s pods, and sums them as the whole list did', async () => {
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const all = (await getJson(sim, '/api/v1/pods')).items as any[];
  const ns = all.find((p) => p.metadata.namespace !== 'kube-system')!.metadata.namespace as string;
  const target = parseTarget(`namespaces/${ns}`, { namespace: 'default', allNamespaces: false });
  const count = (path: string) => sim.server.log.filter((e) => e.path === path).length;
  const [wholeBefore, nsBefore] = [count('/api/v1/pods'), count(`/api/v1/namespaces/${ns}/pods`)];
  const live = await liveHistory({ config, target, metric: 'memory/usage', rateIntervalMs: 0, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t });
  assert.is(count('/api/v1/pods') - wholeBefore, 0, 'no list of every pod');
  assert.is(count(`/api/v1/namespaces/${ns}/pods`) - nsBefore, 1, 'one list of the namespace\'s pods');
  // expected from the payloads: the pod-level memory usage of every pod of the namespace
  let expected = 0;
  for (const n of sim.workload.nodes) {
    for (const p of (await sim.rawSummary(n.name)).pods ?? []) if (p.podRef.namespace === ns) expected += p.memory.usageBytes;
  }
  assert.ok(expected > 0, 'the namespace has pods with memory usage');
  assert.is(live.batch.sets.get(`namespace:${ns}`)!.values.get('memory/usage'), expected);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient, collectBatch, loadKubeConfig, nodeWatch } from '../../src/cluster/index.js';
import type { NodeInfo } from '../../src/model/index.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
test.before(async () => {
  sim = await testSim({ nodes: 4, podsPerNode: 3 });
});
test.after(() => sim.close());

/** What a list says, straight from the simulator's JSON: name, Ready, zone. */
async function listed(selector = ''): Promise<string[]> {
  const list = await getJson(sim, `/api/v1/nodes${selector ? `?labelSelector=${encodeURIComponent(selector)}` : ''}`);
  return list.items.map((n: any) =>
    `${n.metadata.name} ${n.status.conditions.find((c: any) => c.type === 'Ready').status === 'True'} ${n.metadata.labels['topology.kubernetes.io/zone']}`);
}

function held(nodes: ReadonlyMap<string, NodeInfo>): string[] {
  return [...nodes.values()].map((n) => `${n.name} ${n.ready} ${n.labels['topology.kubernetes.io/zone']}`);
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
}

/** Lists of nodes the simulator answered since `from` (watches not counted). */
const nodeLists = (from: number) => sim.server.log.slice(from).filter((r) => r.path === '/api/v1/nodes' && !r.query.includes('watch=')).length;

// ---
test('a node watch follows a node that goes NotReady and back, without listing again', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  // one-second watches, so the resume path runs during the test
  const watch = nodeWatch(client, 5000, undefined, 1);
  const mark = sim.server.log.length;
  try {
    assert.equal(held(await watch.current()), await listed());
    assert.ok(watch.watching);
    // a change is a new resourceVersion, and the simulator's versions are its clock's seconds
    sim.clock.t += 1000;
    sim.server.setFault('node-02', 'notready');
    const broken = await listed();
    assert.ok(broken.includes('node-02 false sim-zone-b'), broken.join('; '));
    await eventually(async () => JSON.stringify(held(await watch.current())) === JSON.stringify(broken));
    assert.equal(held(await watch.current()), broken);
    // a scrape with the watched nodes does not ask the NotReady node, as Heapster did not
    const got = await collectBatch(client, { resolutionMs: 60_000, now: () => sim.clock.t, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, jitterMs: 0, nodes: watch });
    assert.equal(got.failures.map((f) => `${f.node} ${f.reason}`), ['node-02 not-ready']);
    assert.is(got.nodesOk, 3);
    // status posts every five minutes change nodes' objects: the watch carries on through them (a
    // jump under five minutes, so that a resume between two watches is not 410 Expired)
    sim.clock.t += 4 * 60_000;
    sim.server.setFault('node-02', undefined);
    await new Promise((r) => setTimeout(r, 1500));
    const mended = await listed();
    await eventually(async () => JSON.stringify(held(await watch.current())) === JSON.stringify(mended));
    assert.equal(held(await watch.current()), mended);
    assert.ok(watch.watching, 'still watching after the server ended one-second watches');
    assert.is(nodeLists(mark) - 3, 1, 'one list by the watch (the test listed three times itself)');
  } finally {
    watch.close();
    client.close();
    sim.server.setFault('node-02', undefined);
  }
});

test('a node watch with a label selector holds only the nodes it selects', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  const selector = 'topology.kubernetes.io/zone=sim-zone-a';
  const watch = nodeWatch(client, 5000, selector, 1);
  let other: string | undefined;
  try {
    const expected = await listed(selector);
    assert.ok(expected.length > 0 && expected.length < 4, expected.join('; '));
    assert.equal(held(await watch.current()), expected);
    const mark = sim.server.log.length;
    other = sim.workload.nodes.map((n) => n.name).find((n) => !expected.some((e) => e.startsWith(`${n} `)));
    sim.clock.t += 1000;
    sim.server.setFault(other!, 'notready');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(held(await watch.current()), expected, 'status posts of other nodes do not come in');
    assert.is(nodeLists(mark), 0, 'and the watch held them without listing again');
  } finally {
    watch.close();
    client.close();
    if (other) sim.server.setFault(other, undefined);
  }
});

test('without permission to watch nodes, every call lists them', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath, context: 'heapster-sim-viewer' }, {}));
  const watch = nodeWatch(client, 5000);
  try {
    await watch.current();
    await eventually(async () => !watch.watching);
    assert.not.ok(watch.watching);
    sim.server.setFault('node-03', 'notready');
    const mark = sim.server.log.length;
    assert.equal(held(await watch.current()), await listed());
    assert.is(nodeLists(mark), 2, 'the call listed (and so did the test)');
  } finally {
    watch.close();
    client.close();
    sim.server.setFault('node-03', undefined);
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient, loadKubeConfig, PodWatch } from '../../src/cluster/index.js';
import type { PodInfo } from '../../src/model/index.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 10 });
});
test.after(() => sim.close());

/** What a list says, straight from the simulator's JSON: pod, uid and restart counts. */
async function listed(): Promise<string[]> {
  const list = await getJson(sim, '/api/v1/pods');
  return list.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name} ${p.metadata.uid} ${p.status.containerStatuses.map((c: any) => c.restartCount).join(',')}`).sort();
}

function held(pods: ReadonlyMap<string, PodInfo>): string[] {
  return [...pods.values()].map((p) => `${p.namespace}/${p.name} ${p.uid} ${p.containers.map((c) => c.restartCount).join(',')}`).sort();
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
}

test('a pod watch follows pods that come, go and restart, and resumes when the server ends it', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  // one-second watches, so the resume path runs several times during the test
  const watch = new PodWatch(client, 5000, 1);
  try {
    assert.equal(held(await watch.current()), await listed());
    assert.ok(watch.watching);
    const before = await listed();
    sim.clock.t += 20 * 60_000;
    const after = await listed();
    assert.not.equal(after, before, 'the simulated 20 minutes should replace or restart some pods');
    await eventually(async () => JSON.stringify(held(await watch.current())) === JSON.stringify(after));
    assert.equal(held(await watch.current()), after);
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(watch.watching, 'the watch resumed after the server ended it');
    sim.clock.t += 15 * 60_000;
    const later = await listed();
    await eventually(async () => JSON.stringify(held(await watch.current())) === JSON.stringify(later));
    assert.equal(held(await watch.current()), later);
  } finally {
    watch.close();
    client.close();
  }
});

test('a watch the API server fails (500) is not given up: the next scrape lists again and watches again', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
  const watch = new PodWatch(client, 5000);
  sim.server.failWatches = 1;
  try {
    const first = held(await watch.current());
    assert.equal(first, await listed());
    await eventually(async () => !watch.watching);
    assert.not.ok(watch.watching, 'a failed watch leaves the pods stale');
    sim.clock.t += 10 * 60_000;
    const now = await listed();
    assert.not.equal(now, first, 'the simulated 10 minutes should replace or restart some pods');
    // the pods changed in those 10 minutes and no watch told: only a new list can hold them
    assert.equal(held(await watch.current()), now, 'the next scrape lists again');
    assert.is(sim.server.failWatches, 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(watch.watching, 'and watches again');
  } finally {
    watch.close();
    client.close();
  }
});

test('without permission to watch pods, every scrape lists them and the answer is the same', async () => {
  const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath, context: 'heapster-sim-viewer' }, {}));
  const watch = new PodWatch(client, 5000);
  try {
    await watch.current();
    await eventually(async () => !watch.watching);
    assert.not.ok(watch.watching);
    sim.clock.t += 10 * 60_000;
    assert.equal(held(await watch.current()), await listed());
  } finally {
    watch.close();
    client.close();
  }
});

test.run();

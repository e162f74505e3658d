import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient, listPods, loadKubeConfig } from '../../src/cluster/index.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let client: ApiClient;
test.before(async () => {
  sim = await testSim({ nodes: 4, podsPerNode: 8 });
  client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
});
test.after(() => {
  client.close();
  sim.close();
});

// ---
test('pods listed in many small pages are every pod of the list, each once, with its namespace uid', async () => {
  // expected from one unpaged list, read apart from the plugin's client
  const all = (await getJson(sim, '/api/v1/pods')).items as any[];
  const namespaces = new Map(((await getJson(sim, '/api/v1/namespaces')).items as any[]).map((n) => [n.metadata.name, n.metadata.uid]));
  assert.ok(all.length > 12, `enough pods for several pages (${all.length})`);
  const pods = await listPods(client, {}, 5000, 5);
  assert.equal(pods.map((p) => `${p.namespace}/${p.name}/${p.uid}`).sort(), all.map((p) => `${p.metadata.namespace}/${p.metadata.name}/${p.metadata.uid}`).sort());
  for (const p of pods) assert.is(p.namespaceUid, namespaces.get(p.namespace), p.name);
});

test("a list's pages are one snapshot, though pods come and go between pages", async () => {
  const before = ((await getJson(sim, '/api/v1/pods')).items as any[]).map((p) => p.metadata.uid).sort();
  const first = await getJson(sim, '/api/v1/pods?limit=5');
  const t0 = sim.clock.t;
  sim.clock.t += 40 * 60_000; // short-lived pods end and others start meanwhile
  try {
    const now = ((await getJson(sim, '/api/v1/pods')).items as any[]).map((p) => p.metadata.uid).sort();
    assert.not.equal(now, before, 'the cluster changed between the pages');
    const uids = (first.items as any[]).map((p) => p.metadata.uid);
    const versions = [first.metadata.resourceVersion];
    for (let cont = first.metadata.continue; cont;) {
      const page = await getJson(sim, `/api/v1/pods?limit=5&continue=${cont}`);
      uids.push(...(page.items as any[]).map((p) => p.metadata.uid));
      versions.push(page.metadata.resourceVersion);
      cont = page.metadata.continue;
    }
    assert.equal(uids.sort(), before);
    assert.equal(new Set(versions), new Set([String(Math.floor(t0 / 1000))]));
  } finally {
    sim.clock.t = t0;
  }
});

test("a node list's pages are one snapshot too, though status posts change the nodes between pages", async () => {
  const heartbeats = (items: any[]) => items.map((n) => `${n.metadata.name} ${n.status.conditions.find((c: any) => c.type === 'Ready').lastHeartbeatTime}`);
  const before = heartbeats((await getJson(sim, '/api/v1/nodes')).items);
  const first = await getJson(sim, '/api/v1/nodes?limit=1');
  const t0 = sim.clock.t;
  sim.clock.t += 6 * 60_000; // past every node's next status post
  try {
    assert.not.equal(heartbeats((await getJson(sim, '/api/v1/nodes')).items), before, 'the nodes changed between the pages');
    const items = [...first.items];
    for (let cont = first.metadata.continue; cont;) {
      const page = await getJson(sim, `/api/v1/nodes?limit=1&continue=${cont}`);
      items.push(...page.items);
      cont = page.metadata.continue;
    }
    assert.ok(items.length > 1, 'several pages');
    assert.equal(heartbeats(items), before);
  } finally {
    sim.clock.t = t0;
  }
});

test.run();

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

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let broken: TestSim;
let env: NodeJS.ProcessEnv;
const summaries: any[] = [];

test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 8 });
  broken = await testSim({ nodes: 4, podsPerNode: 4, faults: { 'node-02': 'error500', 'node-03': 'timeout', 'node-04': 'windows' } });
  env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  for (const n of sim.workload.nodes) summaries.push(await sim.rawSummary(n.name));
});
test.after(async () => {
  await sim.close();
  await broken.close();
});

const pods = () => summaries.flatMap((s) => s.pods);
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

// ---
test('namespaces are listed from the scraped pods', async () => {
  const r = await cli(['query', 'namespaces', '--live', '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  assert.equal(json(r), [...new Set(pods().map((p) => p.podRef.namespace))].sort());
});

test('namespace memory/usage is the sum of its pods, in the MetricResult shape', async () => {
  const ns = 'spark-cluster';
  const expected = pods().filter((p) => p.podRef.namespace === ns).reduce((s, p) => s + p.memory.usageBytes, 0);
  assert.ok(expected > 0, 'the seed puts pods in spark-cluster');
  const before = sim.server.log.length;
  const r = await cli(['query', `namespaces/${ns}`, 'memory/usage', '--live', '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  // a memory metric: the kubelets are asked for cpu and memory alone
  const asked = sim.server.log.slice(before).filter((e) => e.path.includes('/proxy/')).map((e) => e.query);
  assert.ok(asked.length >= 1 && asked.every((q) => q === '?only_cpu_and_memory=true'), asked.join());
  const out = json(r);
  // over two scrapes (for rates) the whole summary: a pod's own rates come from its network stats
  const twice = sim.server.log.length;
  const rated = await cli(['query', 'nodes/node-01', 'memory/usage', '--live', '--rate-interval', '1s', '-o', 'json'], env);
  assert.is(rated.code, 0, rated.stderr);
  assert.equal(sim.server.log.slice(twice).filter((e) => e.path.includes('/proxy/')).map((e) => e.query), ['', '']);
  assert.is(out.metrics.length, 1);
  assert.is(out.metrics[0].value, expected);
  assert.is(out.latestTimestamp, out.metrics[0].timestamp);
});

test('a rate over stats that did not move says why, and how long an interval gives it', async () => {
  // the test simulator's clock stands still: the two scrapes read the same stats. Counted from
  // node-01's summary: the node, its system containers, and its pods (with network stats) and containers
  const s = summaries[0];
  const sets = 1 + s.node.systemContainers.length + s.pods.filter((p: any) => p.network).length + s.pods.reduce((n: number, p: any) => n + p.containers.length, 0);
  const r = await cli(['query', 'nodes/node-01', 'cpu/usage_rate', '--live', '--rate-interval', '1s'], env);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, `no cpu/usage_rate for node node-01: the kubelets' stats of ${sets} of ${sets} nodes, pods and containers did not change in the 1s between the two scrapes`);
  assert.match(r.stderr, 'give --rate-interval 15s or more');
  // top -o wide still answers (memory needs no rate), and says why its rate columns are empty
  const top = await cli(['top', 'pods', '-n', 'web', '-o', 'wide', '--rate-interval', '1s'], env);
  assert.is(top.code, 0, top.stderr);
  assert.match(top.stdout, /NET-RX/);
  assert.match(top.stderr, /^note: the kubelets' stats of (\d+) of \1 nodes, pods and containers did not change in the 1s between the two scrapes .*have no rates \(cpu, network\)/, top.stderr);
});

test('the real kubectl runs the plugin and gets the same numbers (cpu/usage_rate from usageNanoCores)', async () => {
  const list = await kubectl(['plugin', 'list'], env);
  assert.match(list.stdout, 'kubectl-heapster');
  const ns = 'web';
  const expected = pods().filter((p) => p.podRef.namespace === ns).reduce((s, p) => s + Math.trunc(p.cpu.usageNanoCores / 1e6), 0);
  const r = await kubectl(['heapster', 'query', `ns/${ns}`, 'cpu-usage', '--live', '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  assert.is(json(r).metrics[0].value, expected);
});

test('pods -A with a metric gives one row per pod, with its namespace; -o csv carries raw values', async () => {
  const r = await kubectl(['heapster', 'query', 'pods', '-A', 'memory/working_set', '--live', '-o', 'csv'], env);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], 'namespace,name,timestamp,memory/working_set');
  const byPod = new Map(lines.slice(1).map((l) => l.split(',')).map(([ns, n, , v]) => [`${ns}/${n}`, Number(v)]));
  for (const p of pods()) assert.is(byPod.get(`${p.podRef.namespace}/${p.podRef.name}`), p.memory.workingSetBytes, p.podRef.name);
  assert.is(byPod.size, pods().length);
  const listing = await kubectl(['heapster', 'query', 'pods', '-A', '--live', '-o', 'json'], env);
  assert.equal(new Set(JSON.parse(listing.stdout).map((m: { namespace: string; name: string }) => `${m.namespace}/${m.name}`)), new Set(byPod.keys()));
});

test('-l narrows a pod collection as kubectl get -l does; a selector nothing matches says so', async () => {
  const app = pods().find((p) => p.podRef.namespace === 'web')!.podRef.name.split('-')[0];
  const expected = await kubectl(['get', 'pods', '-n', 'web', '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}'], env);
  const r = await kubectl(['heapster', 'query', 'ns/web/pods', '--live', '-l', `app=${app}`, '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  assert.equal(json(r).sort(), expected.stdout.trim().split(' ').sort());
  const none = await kubectl(['heapster', 'query', 'ns/web/pods', 'memory/usage', '--live', '-l', 'app=nope'], env);
  assert.is(none.code, 0, none.stderr);
  assert.is(none.stdout, 'no memory/usage samples for pods in web with labels app=nope in this window\n');
});

test('a container and a system container by name, with the client-certificate context', async () => {
  const p = pods()[1];
  const c = p.containers[0];
  const r = await cli(['query', `po/${p.podRef.name}/containers/${c.name}`, 'memory/rss', '-n', p.podRef.namespace, '--live', '-o', 'json', '--context', 'heapster-sim-cert'], env);
  assert.is(r.code, 0, r.stderr);
  assert.is(json(r).metrics[0].value, c.memory.rssBytes);
  const docker = summaries[0].node.systemContainers.find((s: any) => s.name === 'runtime');
  const sys = await cli(['query', 'nodes/node-01/freecontainers/docker-daemon', 'memory/usage', '--live', '-o', 'json'], env);
  assert.is(json(sys).metrics[0].value, docker.memory.usageBytes);
});

test('filesystem metrics need their label in JSON; the table shows every label set', async () => {
  const fs = summaries[0].node.fs;
  const before = sim.server.log.length;
  const r = await cli(['query', 'nodes/node-01', 'filesystem/usage', '--labels', 'resource_id:/', '--live', '-o', 'json'], env);
  assert.equal(sim.server.log.slice(before).filter((e) => e.path.includes('/proxy/')).map((e) => e.query), ['']);
  assert.is(json(r).metrics[0].value, fs.usedBytes);
  const table = await cli(['query', 'ns/web/pods', 'filesystem/usage', '--live'], env);
  assert.is(table.code, 0);
  assert.match(table.stdout, /RESOURCE_ID/);
  assert.match(table.stdout, /Volume:kube-api-access-/);
});

test('every node\'s kubelet metric lists no pod; a node metric from the pod specs lists them', async () => {
  const before = sim.server.log.length;
  const ws = await cli(['query', 'nodes', 'memory/working_set', '--live', '-o', 'json'], env);
  assert.is(ws.code, 0, ws.stderr);
  for (const s of summaries) assert.is(json(ws).items.find((i: any) => i.name === s.node.nodeName).metrics[0].value, s.node.memory.workingSetBytes);
  assert.equal(sim.server.log.slice(before).filter((e) => e.path.includes('pods')).map((e) => e.path), []);

  const mid = sim.server.log.length;
  const req = await cli(['query', 'nodes', 'cpu/request', '--live', '-o', 'json'], env);
  assert.is(req.code, 0, req.stderr);
  assert.ok(sim.server.log.slice(mid).some((e) => e.path === '/api/v1/pods'));
  const milli = (q?: string) => (q === undefined ? 0 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
  const pods = (await getJson(sim, '/api/v1/pods')).items;
  for (const s of summaries) {
    const expected = pods.filter((p: any) => p.spec.nodeName === s.node.nodeName)
      .reduce((sum: number, p: any) => sum + p.spec.containers.reduce((c: number, k: any) => c + milli(k.resources?.requests?.cpu), 0), 0);
    assert.is(json(req).items.find((i: any) => i.name === s.node.nodeName).metrics[0].value, expected, s.node.nodeName);
  }
});

test('a failing node is reported and the others still answer', async () => {
  const benv = pluginEnv({ KUBECONFIG: broken.kubeconfigPath });
  const r = await cli(['query', 'nodes', 'memory/usage', '--live', '--node-timeout', '1s', '-o', 'json'], benv);
  assert.is(r.code, 0, r.stderr);
  assert.equal(json(r).items.map((i: any) => i.name), ['node-01', 'node-04']);
  assert.match(r.stderr, /2 of 4 nodes did not answer/);
  assert.match(r.stderr, /node-02 \(http: .*500/);
  assert.match(r.stderr, /node-03 \(timeout/);
  const rss = await cli(['query', 'nodes/node-04', 'memory/rss', '--live', '-o', 'json'], benv);
  assert.equal(json(rss).metrics, [], 'a Windows node sends no rss: absent, never 0');
});

test('403: one line naming nodes/proxy, exit 1', async () => {
  const r = await kubectl(['heapster', 'query', 'cluster', 'memory/usage', '--live', '--context', 'heapster-sim-viewer'], env);
  assert.is(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /cannot get resource "nodes\/proxy"/);
  assert.match(lines[0]!, /ClusterRole/);
  assert.match(lines[0]!, /\(all 3 nodes\)/);
  // one node asked: no count to give
  const one = await kubectl(['heapster', 'query', 'nodes/node-01', 'memory/usage', '--live', '--context', 'heapster-sim-viewer'], env);
  assert.is(one.code, 1);
  assert.not.match(one.stderr, /all 1 node/);
  assert.match(one.stderr, /cannot get resource "nodes\/proxy"/);
});

test('usage errors exit 2 with one line: a bad flag, an unknown metric, a bad target', async () => {
  for (const [args, text] of [
    [['query', 'ns', '--live', '--frobnicate'], /^error: unknown flag: --frobnicate; see /],
    [['query', 'ns/web', 'memory/usgae', '--live'], /unknown metric "memory\/usgae"; did you mean memory\/usage/],
    [['query', 'services/x', 'memory/usage', '--live'], /"services\/x" is not a target/],
    // a workload is a target: one without pods says which ones the namespace has
    [['query', 'deployments/x', 'memory/usage', '--live'], /no pods of Deployment default\/x; /],
    [['query', 'ns/wbe', 'memory/usage', '--live'], /no namespace "wbe" in the data; did you mean web/],
    // a name far from every node is not given guesses as to what was meant, but the listing
    [['query', 'nodes/zzz', 'memory/usage', '--live'], /no node "zzz" in the data; the closest are node-01, node-02, node-03, none of them near; `kubectl heapster query nodes` with the same flags lists all 3\n/],
    // the simulator's nodes are zero-padded: a fault on "node-2" would have broken nothing
    [['simulate', '--nodes', '4', '--fault', 'node-2=error500'], /the cluster has no node "node-2".*node-01 to node-04/],
  ] as const) {
    const r = await kubectl(['heapster', ...args], env);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, text);
  }
});

test('an unreachable API server and rejected credentials are one line each', async () => {
  const down = await cli(['query', 'cluster', '--live', '--server', 'https://127.0.0.1:1', '--insecure-skip-tls-verify'], env);
  assert.is(down.code, 1);
  assert.match(down.stderr, /^error: cannot reach the API server at https:\/\/127.0.0.1:1/);
  const bad = await cli(['query', 'cluster', '--live', '--token', 'not-a-token'], env);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /401 Unauthorized/);
  assert.not.match(bad.stderr, /not-a-token/, 'credentials never appear in errors');
});

test.run();

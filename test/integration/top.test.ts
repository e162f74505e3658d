import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load } from 'js-yaml';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/paths.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let bare: TestSim;
let env: NodeJS.ProcessEnv;
const summaries: any[] = [];
let podObjects: any[] = [];
let nodeObjects: any[] = [];

test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 8 });
  bare = await testSim({ nodes: 2, podsPerNode: 4, metricsApi: false });
  env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  for (const n of sim.workload.nodes) summaries.push(await sim.rawSummary(n.name));
  podObjects = (await getJson(sim, '/api/v1/pods')).items;
  nodeObjects = (await getJson(sim, '/api/v1/nodes')).items;
});
test.after(async () => {
  await sim.close();
  await bare.close();
});

// worked out here from the kubelet payloads and the API objects, not by the plugin's model
const UNITS: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, m: 1e-3 };
const amount = (q: string) => Number(/^[\d.]+/.exec(q)![0]) * UNITS[q.replace(/^[\d.]+/, '')]!;
const milli = (q: string) => Math.round(amount(q) * 1000);
const pods = () => summaries.flatMap((s) => s.pods);
const objectOf = (ns: string, name: string) => podObjects.find((o) => o.metadata.namespace === ns && o.metadata.name === name);
/** a pod's summed container requests or limits; null when one container has none */
function specSum(o: any, kind: 'requests' | 'limits', res: 'cpu' | 'memory'): number | null {
  let sum = 0;
  for (const c of o.spec.containers) {
    const q = c.resources?.[kind]?.[res];
    if (q === undefined) return null;
    sum += res === 'cpu' ? milli(q) : amount(q);
  }
  return sum;
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const rows = (r: { stdout: string }) => r.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

test('top pods -n web through the real kubectl: kubelet cpu and working set, % of request and limit, restarts', async () => {
  const r = await kubectl(['heapster', 'top', 'pods', '-n', 'web', '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  const items = json(r).items;
  const web = pods().filter((p) => p.podRef.namespace === 'web');
  assert.ok(web.length >= 2, 'the seed puts pods in web');
  assert.is(items.length, web.length);
  let sawNoLimit = false, sawLimit = false;
  for (const p of web) {
    const it = items.find((i: any) => i.name === p.podRef.name);
    const o = objectOf('web', p.podRef.name);
    assert.is(it.cpu.usageMillicores, Math.trunc(p.cpu.usageNanoCores / 1e6));
    assert.is(it.memory.workingSetBytes, p.memory.workingSetBytes);
    assert.is(it.cpu.requestMillicores, specSum(o, 'requests', 'cpu'));
    assert.is(it.memory.limitBytes, specSum(o, 'limits', 'memory'));
    const limit = specSum(o, 'limits', 'memory');
    if (limit === null) sawNoLimit = true, assert.is(it.memory.percentOfLimit, null);
    else sawLimit = true, assert.is(it.memory.percentOfLimit, Math.round((1000 * p.memory.workingSetBytes) / limit) / 10);
    assert.is(it.restarts, o.status.containerStatuses.reduce((s: number, c: any) => s + c.restartCount, 0));
  }
  assert.ok(sawNoLimit && sawLimit, 'the seed has pods with and without limits');
  const table = await kubectl(['heapster', 'top', 'pods', '-n', 'web'], env);
  assert.equal(rows(table)[0], ['NAME', 'CPU(cores)', 'MEMORY(bytes)', 'CPU%REQ', 'CPU%LIM', 'MEM%REQ', 'MEM%LIM', 'RESTARTS']);
  for (const row of rows(table).slice(1)) {
    const p = web.find((x) => x.podRef.name === row[0])!;
    assert.is(row[1], `${Math.trunc(p.cpu.usageNanoCores / 1e6)}m`);
    assert.is(row[2], `${Math.floor(p.memory.workingSetBytes / 2 ** 20)}Mi`);
    const limit = specSum(objectOf('web', row[0]!), 'limits', 'cpu');
    assert.is(row[4], limit === null ? '-' : `${Math.floor((100 * Math.trunc(p.cpu.usageNanoCores / 1e6)) / limit)}%`);
  }
});

test('top pods -A --sort-by=memory --sum: NAMESPACE first, largest first, totals under the table', async () => {
  const r = await kubectl(['heapster', 'top', 'pods', '-A', '--sort-by=memory', '--sum'], env);
  assert.is(r.code, 0, r.stderr);
  const lines = rows(r);
  assert.equal(lines[0]!.slice(0, 4), ['NAMESPACE', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  const body = lines.slice(1, -2);
  assert.is(body.length, pods().length);
  const mem = body.map((l) => pods().find((p) => p.podRef.namespace === l[0] && p.podRef.name === l[1])!.memory.workingSetBytes);
  assert.equal(mem, [...mem].sort((a, b) => b - a));
  const total = lines.at(-1)!;
  assert.is(total[1], `${Math.floor(pods().reduce((s, p) => s + p.memory.workingSetBytes, 0) / 2 ** 20)}Mi`);
  const noHeaders = await cli(['top', 'pods', '-A', '--no-headers', '-o', 'csv'], env);
  assert.is(noHeaders.stdout.trim().split('\n').length, pods().length);
  assert.not.match(noHeaders.stdout, 'NAMESPACE');
});

test('top nodes: CPU% and MEMORY% of allocatable, as kubectl top node cuts them, listing no pod; a NAME scrapes one node', async () => {
  const from = sim.server.log.length;
  const r = await kubectl(['heapster', 'top', 'nodes'], env);
  assert.is(r.code, 0, r.stderr);
  // a node's row needs no pod object: kubectl top node lists none either
  assert.equal(sim.server.log.slice(from).filter((e) => e.path.includes('pods')).map((e) => e.path), []);
  const lines = rows(r);
  assert.equal(lines[0], ['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%']);
  for (const s of summaries) {
    const row = lines.find((l) => l[0] === s.node.nodeName)!;
    const alloc = nodeObjects.find((n) => n.metadata.name === s.node.nodeName).status.allocatable;
    const cpu = Math.trunc(s.node.cpu.usageNanoCores / 1e6);
    assert.equal(row.slice(1), [`${cpu}m`, `${Math.floor((100 * cpu) / milli(alloc.cpu))}%`, `${Math.floor(s.node.memory.workingSetBytes / 2 ** 20)}Mi`,
      `${Math.floor((100 * s.node.memory.workingSetBytes) / amount(alloc.memory))}%`]);
  }
  const before = sim.server.log.length;
  const one = await cli(['top', 'node', 'node-02'], env);
  assert.is(one.code, 0, one.stderr);
  assert.is(rows(one).length, 2);
  const scraped = sim.server.log.slice(before).filter((e) => e.path.includes('/proxy/'));
  // the plain table needs the kubelet's cpu and memory alone
  assert.equal(scraped.map((e) => e.path + e.query), ['/api/v1/nodes/node-02/proxy/stats/summary?only_cpu_and_memory=true']);
  const wideFrom = sim.server.log.length;
  assert.is((await cli(['top', 'node', 'node-02', '-o', 'json'], env)).code, 0);
  // -o json carries ephemeral storage: the whole summary
  assert.equal(sim.server.log.slice(wideFrom).filter((e) => e.path.includes('/proxy/')).map((e) => e.query), ['']);
});

test('--containers: one row per container, POD first; a container without a limit shows -', async () => {
  const r = await cli(['top', 'pods', '-n', 'web', '--containers'], env);
  assert.is(r.code, 0, r.stderr);
  const lines = rows(r);
  assert.equal(lines[0]!.slice(0, 4), ['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  const web = pods().filter((p) => p.podRef.namespace === 'web');
  assert.is(lines.length - 1, web.reduce((s, p) => s + p.containers.length, 0));
  for (const l of lines.slice(1)) {
    const c = web.find((p) => p.podRef.name === l[0])!.containers.find((x: any) => x.name === l[1]);
    assert.is(l[3], `${Math.floor(c.memory.workingSetBytes / 2 ** 20)}Mi`);
    const spec = objectOf('web', l[0]!).spec.containers.find((x: any) => x.name === l[1]);
    const lim = spec.resources.limits?.memory;
    assert.is(l[7], lim === undefined ? '-' : `${Math.floor((100 * c.memory.workingSetBytes) / amount(lim))}%`);
  }
});

test('workloads: top deployments rolls pods up through their ReplicaSet to the Deployment; namespaces sum their pods', async () => {
  const r = await cli(['top', 'deployments', '-A', '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  const expected = new Map<string, { pods: number; memory: number }>();
  for (const p of pods()) {
    const o = objectOf(p.podRef.namespace, p.podRef.name);
    const ref = o.metadata.ownerReferences?.[0];
    const hash = o.metadata.labels['pod-template-hash'];
    if (ref?.kind !== 'ReplicaSet' || !hash) continue;
    const key = `${p.podRef.namespace}/${ref.name.slice(0, -hash.length - 1)}`;
    const e = expected.get(key) ?? { pods: 0, memory: 0 };
    e.pods++, e.memory += p.memory.workingSetBytes;
    expected.set(key, e);
  }
  assert.ok(expected.size > 0);
  const got = new Map(json(r).items.map((i: any) => [`${i.namespace}/${i.name}`, { pods: i.pods, memory: i.memory.workingSetBytes }]));
  assert.equal(got, expected);
  assert.ok(json(r).items.every((i: any) => i.kind === 'Deployment'));
  const ns = await cli(['top', 'namespaces', '-o', 'json'], env);
  const web = json(ns).items.find((i: any) => i.name === 'web');
  assert.is(web.memory.workingSetBytes, pods().filter((p) => p.podRef.namespace === 'web').reduce((s, p) => s + p.memory.workingSetBytes, 0));
});

test('-o yaml is the same document as -o json; -l and --field-selector select pods as kubectl does', async () => {
  const [j, y] = await Promise.all([cli(['top', 'pods', '-A', '-o', 'json'], env), cli(['top', 'pods', '-A', '-o', 'yaml'], env)]);
  const a = json(j), b = load(y.stdout) as any;
  // two scrapes a moment apart: the simulator's clock stands still, so they are equal but for the
  // scrape's own time, which a second boundary may fall between
  assert.ok(Math.abs(Date.parse(a.timestamp) - Date.parse(b.timestamp)) <= 1000, `${a.timestamp} ${b.timestamp}`);
  assert.equal({ ...b, timestamp: a.timestamp }, a);
  const node = summaries[1].node.nodeName;
  const sel = await cli(['top', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'json'], env);
  assert.equal(json(sel).items.map((i: any) => i.name).sort(), summaries[1].pods.map((p: any) => p.podRef.name).sort());
  const app = objectOf('web', pods().find((p) => p.podRef.namespace === 'web')!.podRef.name).metadata.labels.app;
  const lab = await cli(['top', 'pods', '-n', 'web', '-l', `app=${app}`, '-o', 'json'], env);
  assert.equal(json(lab).items.map((i: any) => i.name).sort(),
    podObjects.filter((o) => o.metadata.namespace === 'web' && o.metadata.labels.app === app).map((o) => o.metadata.name).sort());
});

test('nodes/proxy forbidden: cpu and memory from metrics.k8s.io, equal to what the real kubectl top prints, said in one line', async () => {
  const viewer = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  const [ours, theirs] = await Promise.all([
    kubectl(['heapster', 'top', 'pods', '-n', 'web', '--context', 'heapster-sim-viewer'], viewer),
    kubectl(['top', 'pods', '-n', 'web', '--context', 'heapster-sim-viewer'], viewer),
  ]);
  assert.is(ours.code, 0, ours.stderr);
  assert.is(theirs.code, 0, theirs.stderr);
  assert.match(ours.stderr, /nodes\/proxy is forbidden.*metrics\.k8s\.io/);
  assert.is(ours.stderr.trim().split('\n').length, 1);
  const pick = (r: { stdout: string }) => rows(r).map((l) => l.slice(0, 3).join(' ')).sort();
  assert.equal(pick(ours), pick(theirs));
  const nodes = await Promise.all([
    kubectl(['heapster', 'top', 'nodes', '--context', 'heapster-sim-viewer'], viewer),
    kubectl(['top', 'nodes', '--context', 'heapster-sim-viewer'], viewer),
  ]);
  assert.equal(rows(nodes[0]), rows(nodes[1]));
  const q = await cli(['query', 'po/' + pods().find((p) => p.podRef.namespace === 'web')!.podRef.name, 'memory/working_set', '-n', 'web', '--live', '-o', 'json', '--context', 'heapster-sim-viewer'], viewer);
  assert.is(q.code, 0, q.stderr);
  assert.match(q.stderr, 'metrics.k8s.io');
});

test('nodes/proxy forbidden and no metrics.k8s.io: one line naming both ways out, exit 1', async () => {
  const r = await cli(['top', 'pods', '-A', '--context', 'heapster-sim-viewer'], pluginEnv({ KUBECONFIG: bare.kubeconfigPath }));
  assert.is(r.code, 1);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /nodes\/proxy.*metrics\.k8s\.io/);
});

test('bad input is a usage error: an unknown resource, --sort-by naming no column, --watch over a window', async () => {
  for (const args of [['top', 'pdos'], ['top', 'pods', '--sort-by=bogus'], ['top', 'pods', '--watch', '--since', '1h'], ['top', 'nodes', '--containers'], ['top', 'pods', '--agg', 'p42', '--since', '1h']]) {
    const r = await cli(args, env);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('top pods -A --watch lists the pods and nodes once, then keeps them by watches, as record does', async () => {
  const before = sim.server.log.length;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'top', 'pods', '-A', '--watch', '--interval', '1s'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => setTimeout(r, 5000));
  child.kill('SIGINT');
  assert.is(await new Promise((r) => child.on('close', r)), 0);
  const frames = out.split('Every 1s').slice(1);
  assert.ok(frames.length >= 3, `${frames.length} frames: ${out}`);
  // each frame has a row for every pod, under its title line, a blank line and the header
  for (const f of frames.slice(0, -1)) assert.is(f.trim().split('\n').length - 3, pods().length, f);
  const asked = sim.server.log.slice(before);
  const lists = (p: string) => asked.filter((e) => e.path === p && !/[?&]watch=/.test(e.query));
  assert.is(lists('/api/v1/pods').length, 1, 'one list of the pods');
  assert.is(lists('/api/v1/nodes').length, 1, 'one list of the nodes');
  assert.ok(asked.some((e) => e.path === '/api/v1/pods' && /[?&]watch=/.test(e.query)), 'a watch of the pods');
  assert.ok(asked.filter((e) => e.path.includes('/proxy/')).length >= frames.length * sim.workload.nodes.length, 'every frame scrapes');
});

test('--watch without a terminal prints a frame per refresh and stops on SIGINT with exit 0', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'top', 'nodes', '--watch', '--interval', '1s'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => setTimeout(r, 4000));
  child.kill('SIGINT');
  const code = await new Promise((r) => child.on('close', r));
  assert.is(code, 0);
  const frames = out.split('Every 1s').length - 1;
  assert.ok(frames >= 2, `${frames} frames: ${out}`);
  assert.not.match(out, '\x1b[?1049h');
});

test.run();

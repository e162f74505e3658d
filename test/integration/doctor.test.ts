import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { recordSim } from '../helpers/recorded.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let env: NodeJS.ProcessEnv;
let archive: string;

test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 4 });
  env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  archive = (await recordSim(sim, 2)).archive.dir;
});
test.after(async () => sim.close());

const lines = (s: string) => s.trim().split('\n').filter((l) => /^(ok|FAIL|note) /.test(l));
const verdict = (s: string, name: string) => lines(s).find((l) => l.slice(6).startsWith(`${name} `))?.slice(0, 5).trim();

test('doctor through the real kubectl: every check passes for the admin, with GET requests only, a 1s watch and each kubelet timed', async () => {
  sim.clock.t = Date.now();
  const before = sim.server.log.length;
  const r = await kubectl(['heapster', 'doctor', '--archive', archive], env);
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const name of ['kubeconfig', 'api server', 'clock', 'list nodes', 'list pods', 'list namespaces', 'watch pods', 'metrics.k8s.io', 'archive folder', 'catalog', 'disk space']) {
    assert.is(verdict(r.stdout, name), 'ok', `${name}: ${r.stdout}`);
  }
  for (const n of sim.workload.nodes) assert.match(r.stdout, new RegExp(`^ok    kubelet ${n.name} +summary in \\d+ ms, \\d+Ki$`, 'm'));
  assert.match(r.stdout, /^ok    catalog +1 recordings, \d+ files, all present$/m);
  assert.match(r.stdout, /\nall 14 checks passed\n$/);
  const sent = sim.server.log.slice(before);
  assert.ok(sent.length >= 9);
  assert.equal([...new Set(sent.map((e) => e.method))], ['GET'], 'nothing but GET');
  assert.ok(sent.some((e) => e.path === '/api/v1/pods' && /watch=true/.test(e.query) && /timeoutSeconds=1/.test(e.query)));
  assert.ok(sent.some((e) => e.path === '/api/v1/nodes' && /limit=3/.test(e.query)));
});

test('a user without nodes/proxy: one FAIL naming the permission and the fix, the fallback noted, exit 1', async () => {
  sim.clock.t = Date.now();
  const r = await cli(['doctor', '--context', 'heapster-sim-viewer', '--archive', archive, '-o', 'json'], env);
  assert.is(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.ok, false);
  const failed = doc.checks.filter((c: any) => c.verdict === 'FAIL');
  assert.is(failed.length, 1, r.stdout);
  assert.is(failed[0].name, 'nodes/proxy');
  assert.match(failed[0].detail, /cannot get resource "nodes\/proxy"/);
  assert.match(failed[0].fix, /get on nodes\/proxy; apply deploy\/clusterrole\.yaml .* fall back to metrics\.k8s\.io/);
  assert.is(doc.checks.find((c: any) => c.name === 'watch pods').verdict, 'note');
  assert.is(doc.checks.find((c: any) => c.name === 'metrics.k8s.io').verdict, 'ok');
  assert.not.match(r.stdout + r.stderr, new RegExp(sim.viewerToken));
});

test('a server clock two minutes ahead, an archive others can read and a folder that is not an archive each FAIL with the fix; nothing is changed', async () => {
  sim.clock.t = Date.now() + 120_000;
  chmodSync(archive, 0o755);
  try {
    const r = await cli(['doctor', '--archive', archive], env);
    assert.is(r.code, 1);
    assert.match(r.stdout, /^FAIL  clock +server ahead by (1m5\ds|2m\d*s?) /m);
    assert.match(r.stdout, /fix: sync this machine's clock/);
    assert.match(r.stdout, new RegExp(`^FAIL  archive folder +${archive} is mode 755: others can read the cluster's data\\n +fix: chmod 700 ${archive}$`, 'm'));
    assert.is(statSync(archive).mode & 0o777, 0o755, 'doctor changes nothing');
  } finally {
    chmodSync(archive, 0o700);
  }
  sim.clock.t = Date.now();
  const foreign = mkdtempSync(path.join(tmpdir(), 'kh-foreign-'));
  writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  const f = await cli(['doctor', '--archive', foreign], env);
  assert.is(f.code, 1);
  assert.match(f.stdout, /^FAIL  archive +\S+ is a folder but not an archive/m);
  const fresh = path.join(mkdtempSync(path.join(tmpdir(), 'kh-fresh-')), 'a');
  const n = await cli(['doctor', '--archive', fresh], env);
  assert.is(n.code, 0, n.stdout);
  // before anything is recorded the disk line estimates the rate from the kubelets
  assert.match(n.stdout, /^ok    disk space +\d+\S* free at .*: .* of recording at \S+ a day \(estimated for 3 nodes at 1m\)$/m);
});

test('an API server that is down: the kubeconfig passes, the server FAILs with the fix, exit 1', async () => {
  const r = await cli(['doctor', '--server', 'https://127.0.0.1:1', '--insecure-skip-tls-verify', '--archive', archive], pluginEnv());
  assert.is(r.code, 1);
  assert.match(r.stdout, /^FAIL  api server +cannot reach the API server at https:\/\/127\.0\.0\.1:1: .*\n +fix: check that the cluster is up/m);
});

test.run();

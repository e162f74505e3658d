import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { kubectl } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/paths.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
const work = mkdtempSync(path.join(tmpdir(), 'kh-install-'));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// node and kubectl, and nothing of this checkout: the plugin must come from what was installed
const systemPath = [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 3 });
  sim.clock.t = Date.now();
});
// the packed tree is 400 MB once installed: a run must not leave one behind
test.after(async () => {
  await sim.close();
  rmSync(work, { recursive: true, force: true });
});

function sh(cmd: string, args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  assert.is(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const envWith = (bin: string) => ({ ...process.env, PATH: `${bin}${path.delimiter}${systemPath}`, HOME: work, KUBECONFIG: sim.kubeconfigPath, NO_COLOR: '1' });

test('npm install -g of the packed tarball gives both bins; kubectl finds the plugin, its completion, and a query runs', async () => {
  const tgz = sh('npm', ['pack', '--silent', '--pack-destination', work]).trim().split('\n').at(-1)!;
  const prefix = path.join(work, 'prefix');
  sh('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tgz)]);
  const bin = path.join(prefix, 'bin');
  assert.equal(readdirSync(bin).sort(), ['kubectl-heapster', 'kubectl_complete-heapster']);
  const env = envWith(bin);
  const list = await kubectl(['plugin', 'list'], env);
  assert.match(list.stdout, new RegExp(`${bin}/kubectl-heapster\\n`));
  const complete = await kubectl(['__complete', 'heapster', 'qu'], env);
  assert.match(complete.stdout, /^query\t/m);
  const q = await kubectl(['heapster', 'query', 'nodes', 'memory/working_set', '--live', '-o', 'json'], env);
  assert.is(q.code, 0, q.stderr);
  const summary = await sim.rawSummary('node-01');
  const item = JSON.parse(q.stdout).items.find((i: any) => i.name === 'node-01');
  assert.is(item.metrics[0].value, summary.node.memory.workingSetBytes);
  // the bundled Kubernetes client keeps the undici that works on Node 20
  const undici = JSON.parse(readFileSync(path.join(prefix, 'lib/node_modules/kubectl-heapster/node_modules/undici/package.json'), 'utf8'));
  assert.match(undici.version, /^7\./);
});

test('the krew archive and manifest: sha256 as written, installed the way krew does, found by kubectl plugin list, and it runs', async () => {
  const out = path.join(work, 'release');
  const manifestPath = path.join(work, 'heapster.yaml');
  sh(process.execPath, [path.join(ROOT, 'scripts/krew.mjs'), '--out', out, '--manifest', manifestPath]);
  const m = load(readFileSync(manifestPath, 'utf8')) as any;
  assert.is(m.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
  assert.is(m.kind, 'Plugin');
  assert.is(m.metadata.name, 'heapster');
  assert.is(m.spec.version, `v${pkg.version}`);
  const [platform] = m.spec.platforms;
  assert.equal(platform.selector.matchLabels, { os: 'linux', arch: 'amd64' });
  const archive = path.join(out, path.basename(platform.uri));
  assert.is(createHash('sha256').update(readFileSync(archive)).digest('hex'), platform.sha256);
  // krew: unpack, copy `files`, link `bin` into its bin folder
  const store = path.join(work, 'krew/store/heapster', m.spec.version);
  mkdirSync(store, { recursive: true });
  sh('tar', ['xzf', archive, '-C', store]);
  assert.ok(existsSync(path.join(store, 'LICENSE')), 'the LICENSE krew asks for');
  const krewBin = path.join(work, 'krew/bin');
  mkdirSync(krewBin, { recursive: true });
  symlinkSync(path.join(store, platform.bin), path.join(krewBin, 'kubectl-heapster'));
  const env = envWith(krewBin);
  const list = await kubectl(['plugin', 'list'], env);
  assert.match(list.stdout, new RegExp(`${krewBin}/kubectl-heapster\\n`));
  const top = await kubectl(['heapster', 'top', 'nodes', '--no-headers'], env);
  assert.is(top.code, 0, top.stderr);
  assert.equal(top.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['node-01', 'node-02']);
  // the launcher runs bin/run.js itself, so its shebang's Node flags and malloc setting apply
  assert.match(readFileSync(path.join(store, platform.bin), 'utf8'), /\nexec "\$here\/package\/bin\/run\.js" "\$@"\n/);
  assert.match(readFileSync(path.join(store, 'package/bin/run.js'), 'utf8'), /^#!\/usr\/bin\/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=64 /);
  // the committed manifest is the same but for its sha256 (each build's archive differs)
  const committed = load(readFileSync(path.join(ROOT, 'plugins/heapster.yaml'), 'utf8')) as any;
  committed.spec.platforms[0].sha256 = platform.sha256;
  assert.equal(committed, m, 'plugins/heapster.yaml is out of date: run npm run krew');
});

test.run();

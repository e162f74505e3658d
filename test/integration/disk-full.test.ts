import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';

let sim: Simulator;
let dir: string;
let mnt: string;
let mounted = false;

test.before(async () => {
  sim = await startSimulator({ seed: 8, nodes: 3, podsPerNode: 4 });
  dir = mkdtempSync(path.join(tmpdir(), 'kh-full-'));
  writeFileSync(path.join(dir, 'kubeconfig'), sim.kubeconfig, { mode: 0o600 });
  // a small file system of its own, inside this test's temp folder (the tests run as root, as CI does)
  mnt = path.join(dir, 'small');
  mkdirSync(mnt);
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1200k', 'tmpfs', mnt]).status === 0;
});
test.after(async () => {
  if (mounted) spawnSync('umount', [mnt]);
  await sim.close();
});

// ---
test('a full disk: one line naming the path and what to do, exit 1, the recording interrupted, and clean once space is back', async () => {
  assert.ok(mounted, 'mounting a small tmpfs needs root, as the tests have here and in CI');
  const env = pluginEnv({ KUBECONFIG: path.join(dir, 'kubeconfig') });
  const archive = path.join(mnt, 'archive');
  const r = await cli(['record', '--archive', archive, '--resolution', '1s', '--for', '60s', '--name', 'full'], env, 90_000);
  assert.is(r.code, 1, r.stderr);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.match(last, new RegExp(`^error: cannot write ${archive}/\\S+: no space left on the device; free some space and run it again; what was already recorded is kept$`));
  assert.not.match(r.stderr, /internal error|\n\s+at /);
  assert.is(spawnSync('mount', ['-o', 'remount,size=64m', mnt]).status, 0);
  const ls = await cli(['archive', 'ls', '--archive', archive, '-o', 'json'], env);
  assert.is(ls.code, 0, ls.stderr);
  const [rec] = JSON.parse(ls.stdout).items;
  assert.is(rec.status, 'interrupted');
  assert.ok(rec.ticks >= 1, `${rec.ticks} ticks were written before the disk filled`);
  const v = await cli(['archive', 'verify', '--archive', archive], env);
  assert.is(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /^ok: \d+ files, catalog and files agree\n$/);
  const q = await cli(['query', 'cluster', 'memory/usage', '--archive', archive, '-o', 'json'], env);
  assert.is(q.code, 0, q.stderr);
  assert.is(JSON.parse(q.stdout).metrics.length, rec.ticks, 'every tick written before the disk filled reads back');
});

test('an archive on read-only media is read as it is', async () => {
  assert.ok(mounted);
  const env = pluginEnv({ KUBECONFIG: path.join(dir, 'kubeconfig') });
  const archive = path.join(mnt, 'ro');
  const r = await cli(['record', '--archive', archive, '--resolution', '1s', '--for', '3s', '--name', 'ro'], env, 60_000);
  assert.is(r.code, 0, r.stderr);
  const before = await cli(['query', 'cluster', 'memory/usage', '--archive', archive, '-o', 'json'], env);
  // as an archive made before the marker and the intents folder, which a writable open would add
  rmSync(path.join(archive, 'kubectl-heapster-archive.json'));
  rmSync(path.join(archive, 'intents'), { recursive: true });
  assert.is(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
  try {
    const after = await cli(['query', 'cluster', 'memory/usage', '--archive', archive, '-o', 'json'], env);
    assert.is(after.code, 0, after.stderr);
    assert.equal(JSON.parse(after.stdout), JSON.parse(before.stdout));
    const ls = await cli(['archive', 'ls', '--archive', archive], env);
    assert.is(ls.code, 0, ls.stderr);
  } finally {
    spawnSync('mount', ['-o', 'remount,rw', mnt]);
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Archive, selectRecordings, verify } from '../../src/archive/index.js';
import { ROOT } from '../helpers/paths.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { writeFileSync } from 'node:fs';

let sim: Simulator;
let env: NodeJS.ProcessEnv;

test.before(async () => {
  sim = await startSimulator({ seed: 5, nodes: 2, podsPerNode: 4 });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-sig-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig);
  env = pluginEnv({ KUBECONFIG: kubeconfig });
});
test.after(() => sim.close());

/** Starts `record` at 1 s resolution and resolves once `ticks` ticks were logged. */
function recordUntil(archiveDir: string, name: string, ticks: number) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'record', '--archive', archiveDir, '--resolution', '1s', '--name', name], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if ((stderr.match(/ ticks, /g) ?? []).length >= ticks) resolve();
    });
    child.on('exit', (code) => reject(new Error(`record exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, ready, exited, out: () => stdout, err: () => stderr };
}

// ---
test('SIGINT finishes the batch in hand, writes it, and exits 0; a query runs while recording', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'a');
  const rec = recordUntil(dir, 'int', 3);
  await rec.ready;
  const during = await cli(['query', 'namespaces', '--archive', dir, '-o', 'json'], env);
  assert.is(during.code, 0, during.stderr);
  assert.ok(JSON.parse(during.stdout).length > 0, 'a query while recording sees what was written');
  rec.child.kill('SIGINT');
  assert.is(await rec.exited, 0, rec.err());
  assert.match(rec.err(), 'finishing the batch in hand; Ctrl-C again to stop now', 'the first Ctrl-C is answered at once');
  assert.match(rec.out(), /recording "int": \d+ ticks/);
  assert.match(rec.err(), /note: kubelets refresh their stats about every 10-15 s; at 1s /, 'a resolution finer than the kubelet is explained');
  // the hint names the archive it was given: run as printed, it reads this recording
  const hint = /query it: kubectl heapster (.*)/.exec(rec.out())?.[1];
  assert.is(hint, `query namespaces --recording int --archive ${dir}`);
  const hinted = await cli([...hint!.split(' '), '-o', 'json'], env);
  assert.is(hinted.code, 0, hinted.stderr);
  assert.equal(JSON.parse(hinted.stdout), JSON.parse(during.stdout));
  const archive = await Archive.open(dir, false);
  const [r] = await archive.catalog(true, (con) => selectRecordings(con));
  assert.is(r!.status, 'done');
  assert.ok(r!.ticks >= 3);
  assert.equal((await verify(archive)).problems, []);
  assert.is(statSync(dir).mode & 0o777, 0o700, 'the archive folder is private');
  assert.is(statSync(archive.catalogPath).mode & 0o777, 0o600, 'the catalog is private');
});

test('serve --live names its recording, and on SIGINT says how to read it once the server is gone', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'serve', '--live', '--resolution', '1s', '--port', '0', '--archive', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ticks = async () => {
    const archive = await Archive.open(dir, false).catch(() => undefined);
    return archive ? ((await archive.catalog(true, (con) => selectRecordings(con)))[0]?.ticks ?? 0) : 0;
  };
  for (let i = 0; i < 100 && (await ticks()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
  const name = /\(recording live as "([^"]+)"\)/.exec(stdout)?.[1];
  assert.ok(name, stdout + stderr);
  child.kill('SIGINT');
  assert.is(await exited, 0, stderr);
  const hint = /the live recording is kept: kubectl heapster (.*)/.exec(stdout)?.[1];
  assert.is(hint, `query namespaces --recording ${name} --archive ${dir}`);
  const hinted = await cli([...hint!.split(' '), '-o', 'json'], env);
  assert.is(hinted.code, 0, hinted.stderr);
  assert.ok(JSON.parse(hinted.stdout).length > 0, 'the recording has namespaces');
});

test('kill -9 loses at most the batch in hand: what was written stays readable and consistent', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'k');
  const rec = recordUntil(dir, 'killed', 3);
  await rec.ready;
  rec.child.kill('SIGKILL');
  await rec.exited;
  // the next command repairs what the kill left: the recording ends as interrupted, no leftover stays
  const archive = await Archive.open(dir, false);
  const [r] = await archive.catalog(true, (con) => selectRecordings(con));
  assert.ok(r!.ticks >= 3, `${r!.ticks} ticks survived`);
  assert.is(r!.status, 'interrupted', 'a killed recording is found ended by the next command');
  assert.ok(r!.endedAt !== undefined && r!.endedAt === r!.tsMax, 'it ended with its last batch');
  const report = await verify(archive);
  assert.equal(report.problems, [], 'every cataloged file reads and matches');
  assert.equal(report.leftovers, [], 'nothing left to repair');
  const q = await cli(['query', 'cluster', 'memory/usage', '--archive', dir, '-o', 'json'], env);
  assert.is(q.code, 0, q.stderr);
  assert.ok(JSON.parse(q.stdout).metrics.length >= 3);
});

test('a second Ctrl-C stops at once, in the middle of a scrape, and the archive stays usable', async () => {
  // one node never answers: at 10s a tick spends about 7 s waiting for it after each boundary + 2.5 s
  const slow = await startSimulator({ seed: 5, nodes: 2, podsPerNode: 2, faults: { 'node-02': 'timeout' } });
  try {
    const work = mkdtempSync(path.join(tmpdir(), 'kh-sig-'));
    writeFileSync(path.join(work, 'kubeconfig'), slow.kubeconfig);
    const dir = path.join(work, 'twice');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'record', '--archive', dir, '--resolution', '10s', '--name', 'twice'],
      { env: pluginEnv({ KUBECONFIG: path.join(work, 'kubeconfig') }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const seen = (text: string) => new Promise<void>((resolve) => {
      const check = () => stderr.includes(text) && resolve();
      child.stderr.on('data', (d) => ((stderr += d), check()));
      check();
    });
    await seen('Ctrl-C to stop');
    const boundary = Math.ceil(Date.now() / 10_000) * 10_000;
    await new Promise((r) => setTimeout(r, boundary + 4000 - Date.now()));
    child.kill('SIGINT');
    await seen('finishing the batch in hand; Ctrl-C again to stop now');
    const t0 = Date.now();
    child.kill('SIGINT');
    assert.is(await exited, 130, stderr);
    assert.ok(Date.now() - t0 < 1000, 'stopped within a second');
    assert.match(stderr, 'stopped; the batch in hand was not written');
    const ls = await cli(['archive', 'ls', '--archive', dir], env);
    assert.is(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, 'twice');
  } finally {
    await slow.close();
  }
});

test('a reader that goes away (record | head) stops the recording as Ctrl-C does', async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'p');
  const rec = recordUntil(dir, 'piped', 2);
  await rec.ready;
  rec.child.stdout!.destroy();
  rec.child.stderr!.destroy();
  assert.is(await rec.exited, 0);
  const archive = await Archive.open(dir, false);
  const [r] = await archive.catalog(true, (con) => selectRecordings(con));
  assert.is(r!.status, 'done', 'finished, not left marked as running');
  assert.ok(r!.ticks >= 2);
  assert.equal((await verify(archive)).problems, []);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ROOT } from '../helpers/paths.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';
import { startInflux, type RunningServer } from '../helpers/servers.js';

let sim: Simulator;
let influx: RunningServer;
let env: NodeJS.ProcessEnv;

test.before(async () => {
  sim = await startSimulator({ seed: 5, nodes: 2, podsPerNode: 3 });
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'kh-sinkrec-')), 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig);
  env = pluginEnv({ KUBECONFIG: kubeconfig });
  influx = await startInflux();
});
test.after(async () => {
  await sim.close();
  await influx.stop();
});

async function influxTimes(db = 'k8s'): Promise<string[]> {
  const res = await fetch(`${influx.url}/query?db=${db}&q=${encodeURIComponent(`SELECT value FROM "memory/usage" WHERE type='cluster'`)}`);
  const doc: any = await res.json();
  return (doc.results[0].series?.[0]?.values ?? []).map((v: [string, number]) => v[0]);
}

test('record --sink influxdb: InfluxDB down for several ticks loses nothing; the backlog goes out in order, from memory and then from the archive', async () => {
  const archive = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'record', '--archive', archive, '--resolution', '1s', '--for', '14s', '--name', 'sunk',
    '--sink', `influxdb:${influx.url}?db=k8s`, '--sink-queue', '2', '--sink-drain', '30s'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ticks = (n: number) => new Promise<void>((resolve) => {
    const check = () => ((stderr.match(/ ticks, /g) ?? []).length >= n ? resolve() : setTimeout(check, 100));
    check();
  });
  await ticks(3);
  await influx.stop();
  // five ticks with the server gone: two wait in memory, the rest only by time, to be read back from the archive
  await ticks(8);
  influx = await startInflux({ again: influx });
  assert.is(await exited, 0, stderr);
  assert.match(stderr, /, influxdb \d+ sent, [3-9] pending/, 'the progress line showed the backlog');
  const summary = /sink influxdb:\S+: (\d+) batches sent, 0 pending, 0 failed/.exec(stdout);
  assert.ok(summary, stdout);
  // every tick of the archive, and nothing else, is in InfluxDB, at its own time
  const q = await cli(['query', 'cluster', 'memory/usage', '--archive', archive, '-o', 'json'], env);
  assert.is(q.code, 0, q.stderr);
  const recorded = JSON.parse(q.stdout).metrics.map((m: any) => m.timestamp);
  assert.is(Number(summary![1]), recorded.length);
  assert.equal(await influxTimes(), recorded);
  // the account stays with the recording: archive info shows it, as text and as a document
  const info = await cli(['archive', 'info', 'sunk', '--archive', archive, '-o', 'json'], env);
  assert.is(info.code, 0, info.stderr);
  const [account, ...more] = JSON.parse(info.stdout).sinks;
  assert.is(more.length, 0);
  // the outage is remembered as the last error, though everything was sent in the end
  assert.match(account.lastError, /ECONNREFUSED/);
  assert.equal({ ...account, lastError: undefined }, { sink: `influxdb:${influx.url}?db=k8s`, sent: recorded.length, pending: 0, failed: 0, lastError: undefined });
  const text = await cli(['archive', 'info', 'sunk', '--archive', archive], env);
  assert.match(text.stdout, new RegExp(`^sinks:\n  influxdb:\\S+: ${recorded.length} batches sent, 0 pending, 0 failed$`, 'm'));
});

test('serve --live --sink: a running Heapster with its sink; every live batch reaches InfluxDB, and the account is kept', async () => {
  const archive = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'serve', '--archive', archive, '--port', '0', '--live', '--resolution', '1s',
    '--sink', `influxdb:${influx.url}?db=live`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const t0 = Date.now();
  while ((await influxTimes('live').catch(() => [])).length < 3) {
    assert.ok(Date.now() - t0 < 30_000, `no batches in InfluxDB: ${stdout} ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.match(stdout, /recording live as "(serve-[\d-]+)", sent to influxdb:http:\/\/127\.0\.0\.1:\d+\?db=live/);
  const name = /recording live as "(serve-[\d-]+)"/.exec(stdout)![1]!;
  child.kill('SIGINT');
  assert.is(await exited, 0, stderr);
  const summary = /^sink influxdb:\S+: (\d+) batches sent, 0 pending, 0 failed$/m.exec(stdout);
  assert.ok(summary, stdout);
  const q = await cli(['query', 'cluster', 'memory/usage', '--archive', archive, '--recording', name, '-o', 'json'], env);
  assert.is(q.code, 0, q.stderr);
  const recorded = JSON.parse(q.stdout).metrics.map((m: any) => m.timestamp);
  assert.is(Number(summary![1]), recorded.length);
  assert.equal(await influxTimes('live'), recorded);
  const info = await cli(['archive', 'info', name, '--archive', archive, '-o', 'json'], env);
  assert.is(JSON.parse(info.stdout).sinks[0].sent, recorded.length);
});

test('serve --sink without --live is a usage error: it has nothing to send', async () => {
  const r = await cli(['serve', '--archive', mkdtempSync(path.join(tmpdir(), 'kh-arch-')), '--sink', `influxdb:${influx.url}?db=k8s`], env);
  assert.is(r.code, 2);
  assert.match(r.stderr, /serve records only with --live/);
});

test('record --sink that refuses at the start: one line, exit 1, nothing recorded', async () => {
  const archive = path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'a');
  const r = await cli(['record', '--archive', archive, '--resolution', '1s', '--for', '3s', '--sink', 'prometheus:http://127.0.0.1:1/api/v1/write'], env);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^error: sink prometheus:http:\/\/127\.0\.0\.1:1\/api\/v1\/write: cannot reach http:\/\/127\.0\.0\.1:1: .*; check the host and port\n$/);
  const ls = await cli(['archive', 'ls', '--archive', archive], env);
  assert.not.match(ls.stdout, /sunk|recording/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectGaps, selectRecordings, TickWriter } from '../../src/archive/index.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../../src/cluster/index.js';
import { PluginError } from '../../src/model/index.js';
import { abortableSleep, runRecorder } from '../../src/record/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { tempArchive } from '../helpers/archive.js';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';

let sim: Simulator;
let kubeconfig: string;
const TTL = 2500;

test.before(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-creds-'));
  sim = await startSimulator({ seed: 6, nodes: 2, podsPerNode: 2, tokenTtlMs: TTL, credentialsDir: path.join(dir, 'creds') });
  kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig, { mode: 0o600 });
});
test.after(() => sim.close());

/** Records `ms` of real time at 1 s through `context`; returns the recording's row, its gaps, and the recorder's error if any. */
async function recordFor(context: string, ms: number, during?: () => unknown) {
  const archive = await tempArchive();
  const config = await loadKubeConfig({ kubeconfig, context }, {});
  const client = await ApiClient.create(config);
  const writer = await TickWriter.start(archive, { name: 'c', cluster: clusterIdentity(config), context, server: config.server, resolutionMs: 1000, startedAt: Date.now(), status: 'recording', nodes: 0, ticks: 0 });
  const start = Date.now();
  let error: PluginError | undefined;
  const stamps: number[] = [];
  let ran = false;
  try {
    await runRecorder({
      client, archive, writer, resolutionMs: 1000, until: start + ms, scope: {}, concurrency: 2, nodeTimeoutMs: 2000, requestTimeoutMs: 2000,
      now: Date.now, sleep: abortableSleep, signal: new AbortController().signal,
      onTick: (t) => {
        stamps.push(t.timestamp);
        if (!ran && stamps.length >= 2) {
          ran = true;
          void during?.();
        }
      },
    });
    await writer.finish('done');
  } catch (e) {
    error = e as PluginError;
    await writer.finish('failed', error.line);
  } finally {
    client.close();
  }
  const [rec] = await archive.catalog(true, (con) => selectRecordings(con, 'c'));
  const gaps = await archive.catalog(true, (con) => selectGaps(con, 'c'));
  const boundaries = Array.from({ length: 30 }, (_, i) => Math.floor(start / 1000) * 1000 + (i + 1) * 1000).filter((t) => t <= start + ms);
  return { rec: rec!, gaps, stamps, error, boundaries };
}

// ---
test('an exec credential plugin whose tokens live 2.5 s: run again before expiry, no tick lost to auth', async () => {
  const r = await recordFor('heapster-sim-exec', 8000);
  assert.is(r.error, undefined, r.error?.message);
  assert.equal(r.stamps, r.boundaries, 'every boundary a batch');
  assert.equal(r.gaps.filter((g) => /unauthorized|forbidden|tls/.test(g.reason)), []);
  assert.ok(r.boundaries.length * 1000 > 2 * TTL, 'the recording outlived several tokens');
});

test("a kubeconfig tokenFile, as kubectl reads it, read again as it rotates", async () => {
  const k = await kubectl(['--kubeconfig', kubeconfig, '--context', 'heapster-sim-tokenfile', 'get', 'nodes', '-o', 'name'], pluginEnv());
  assert.is(k.code, 0, k.stderr);
  const r = await recordFor('heapster-sim-tokenfile', 6000);
  assert.is(r.error, undefined, r.error?.message);
  assert.equal(r.stamps, r.boundaries);
  assert.equal(r.gaps, []);
  const q = await cli(['query', 'nodes', '--live', '--context', 'heapster-sim-tokenfile', '-o', 'json'], pluginEnv({ KUBECONFIG: kubeconfig }));
  assert.is(q.code, 0, q.stderr);
});

test('a token that stays refused ends a recording through the CLI as failed, with a non-zero exit', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-bad-'));
  const bad = path.join(dir, 'kubeconfig');
  writeFileSync(bad, sim.kubeconfig.replace(/token: [0-9a-f]{32}\n/, 'token: not-a-valid-token\n'), { mode: 0o600 });
  const archive = path.join(dir, 'archive');
  const r = await cli(['record', '--archive', archive, '--resolution', '1s', '--for', '20s', '--name', 'bad'], pluginEnv({ KUBECONFIG: bad }));
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /error: the API server at \S+ rejected the credentials \(401 Unauthorized\)/);
  const ls = await cli(['archive', 'ls', '--archive', archive, '-o', 'json'], pluginEnv());
  const [rec] = JSON.parse(ls.stdout).items;
  assert.is(rec.status, 'failed');
  assert.match(rec.lastError, /401 Unauthorized/);
});

test('a rotated CA the kubeconfig has only inline: the recording ends failed, the reason kept, instead of "done"', async () => {
  const r = await recordFor('heapster-sim', 15_000, () => sim.rotating!.rotateCa());
  assert.ok(r.error, 'the recorder stopped with an error');
  assert.is(r.error!.code, 'tls');
  assert.match(r.error!.message, /TLS to the API server at .* failed: .* \(3 ticks in a row\)/);
  assert.is(r.rec.status, 'failed');
  assert.match(r.rec.lastError!, /TLS to the API server/);
  assert.ok(r.stamps.length >= 2);
});

test('a CA rotated in the file the kubeconfig names is read again: the recording goes on', async () => {
  const r = await recordFor('heapster-sim-exec', 6000, () => sim.rotating!.rotateCa());
  assert.is(r.error, undefined, r.error?.message);
  assert.equal(r.stamps.length, r.boundaries.length, 'every boundary a batch');
});

test.run();

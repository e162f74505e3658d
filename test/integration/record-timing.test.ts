import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selectGaps, selectRecordings, TickWriter, type Archive } from '../../src/archive/index.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../../src/cluster/index.js';
import { ArchiveHistory } from '../../src/query/index.js';
import { abortableSleep, runRecorder, type RecorderOptions } from '../../src/record/index.js';
import { tempArchive } from '../helpers/archive.js';
import { testSim, type TestSim } from '../helpers/sim.js';

/** Records `sim` with the options given; returns the archive, the stamps of the batches and the recorder's summary. */
async function record(sim: TestSim, o: Partial<RecorderOptions> & Pick<RecorderOptions, 'resolutionMs' | 'now' | 'sleep'>) {
  const archive = await tempArchive();
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const client = await ApiClient.create(config);
  const writer = await TickWriter.start(archive, {
    name: 'r', cluster: clusterIdentity(config), context: config.contextName, server: config.server,
    // the wall clock, not o.now(): a test may watch o.now() for the recorder's own first call
    resolutionMs: o.resolutionMs, startedAt: Date.now(), status: 'recording', nodes: 0, ticks: 0,
  });
  const stamps: number[] = [];
  const behind: number[] = [];
  const sum = await runRecorder({
    client, archive, writer, scope: {}, concurrency: 2, nodeTimeoutMs: 10_000, requestTimeoutMs: 5000,
    signal: new AbortController().signal, objects: 'list', onBehind: (ms) => behind.push(ms), ...o,
    onTick: (t) => {
      stamps.push(t.timestamp);
      o.onTick?.(t);
    },
  });
  client.close();
  await writer.finish('done');
  return { archive, stamps, sum, behind };
}

/** The boundaries with samples and the gap rows of node `*`, from the archive. */
async function boundaries(archive: Archive) {
  const gaps = await archive.catalog(true, (con) => selectGaps(con, 'r'));
  const h = new ArchiveHistory(archive, { recording: 'r' });
  const batches = ((await h.series(['cluster'], 'memory/usage', undefined, {}))[0]?.points ?? []).map((p) => p.timestamp);
  return { gaps, batches, whole: gaps.filter((g) => g.node === '*') };
}

// ---
test('a recorder that falls behind says so once and keeps every boundary it missed as an overrun gap', async () => {
  const sim = await testSim({ seed: 3, nodes: 2, podsPerNode: 3 });
  try {
    const RES = 10_000;
    const start = sim.clock.t;
    let n = 0;
    const { archive, stamps, behind } = await record(sim, {
      resolutionMs: RES, until: start + 12 * RES, now: () => sim.clock.t,
      sleep: async (ms) => void (sim.clock.t += Math.max(0, ms)),
      // the third tick takes three and a half resolutions to write
      onTick: () => void (++n === 3 && (sim.clock.t += 3.5 * RES)),
    });
    const { batches, whole } = await boundaries(archive);
    const first = Math.floor(start / RES) * RES + RES;
    const expected = Array.from({ length: 12 }, (_, i) => first + i * RES).filter((t) => t <= start + 12 * RES);
    const covered = [...batches, ...whole.map((g) => g.ts)].sort((a, b) => a - b);
    assert.equal(covered, expected, 'every boundary is a batch or a gap, once');
    // done 3.5 resolutions after its boundary's scrape: the next two boundaries are past, the third is scraped late
    assert.equal(whole.map((g) => g.reason), ['overrun', 'overrun']);
    assert.equal(whole.map((g) => g.ts), [stamps[2]! + RES, stamps[2]! + 2 * RES]);
    assert.is(stamps[3], stamps[2]! + 3 * RES);
    assert.is(behind.length, 1, 'said once');
    assert.is(behind[0], 2 * RES);
  } finally {
    await sim.close();
  }
});

test('a node that never answers does not slow the ticks: the resolution is kept and the node is a gap of each tick', async () => {
  const sim = await testSim({ seed: 3, nodes: 3, podsPerNode: 2, now: Date.now, faults: { 'node-02': 'timeout' } });
  try {
    const RES = 2000;
    // boundaries from the recorder's own start: opening the archive and the client may take a while on a busy machine
    let began: number | undefined;
    const now = () => {
      const t = Date.now();
      began ??= t;
      return t;
    };
    const until = Date.now() + 5 * RES;
    const { archive, stamps } = await record(sim, { resolutionMs: RES, until, now, sleep: abortableSleep, nodeTimeoutMs: 10_000 });
    const { gaps, batches, whole } = await boundaries(archive);
    const expected: number[] = [];
    for (let t = Math.floor(began! / RES) * RES + RES; t <= until; t += RES) expected.push(t);
    assert.ok(expected.length >= 3, `${expected.length} boundaries left after the start`);
    assert.equal([...batches, ...whole.map((g) => g.ts)].sort((a, b) => a - b), expected);
    assert.equal(whole, [], 'no tick lost to the slow node');
    assert.equal(stamps, expected);
    assert.equal(gaps.filter((g) => g.node === 'node-02').map((g) => g.ts), expected, 'the silent node is a timeout gap of every tick');
    assert.ok(gaps.every((g) => g.node !== 'node-02' || g.reason === 'timeout'));
    const [r] = await archive.catalog(true, (con) => selectRecordings(con, 'r'));
    assert.is(r!.resolutionMs, RES);
  } finally {
    await sim.close();
  }
});

test.run();

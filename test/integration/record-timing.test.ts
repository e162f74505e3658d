import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selectGaps, selectRecordings, selectSnapshots, TickWriter, type Archive } from '../../src/archive/index.js';
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
    // the time left before the next boundary is a fraction of a ms: the message says whole ms
    for (const g of gaps.filter((x) => x.node === 'node-02')) assert.match(g.message, /^[^.]*no answer within \d+ ms[^.]*$/);
    const [r] = await archive.catalog(true, (con) => selectRecordings(con, 'r'));
    assert.is(r!.resolutionMs, RES);
  } finally {
    await sim.close();
  }
});

const HOUR = 3_600_000;
/** the hour boundary the tests below cross */
const hour = Date.UTC(2026, 10, 26, 13);

/** Runs `fn` with a small simulator of its own, closed afterwards. */
async function withSim(fn: (sim: TestSim) => Promise<void>): Promise<void> {
  const sim = await testSim({ seed: 5, nodes: 2, podsPerNode: 3 });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

/** A recording at 10 s on a clock standing at `from`, moved only by the recorder's sleeps, to `until`. */
function hourCrossing(sim: TestSim, from: number, until: number, o: Partial<RecorderOptions> = {}) {
  sim.clock.t = from;
  return record(sim, { resolutionMs: 10_000, until, now: () => sim.clock.t, sleep: async (ms) => void (sim.clock.t += Math.max(0, ms)), ...o });
}

test('the hour before is merged into one sample file once the recording has passed it, and the ticks after it are left alone', () => withSim(async (sim) => {
  const rowsAt = new Map<number, number>();
  const { archive, stamps } = await hourCrossing(sim, hour - 35_000, hour + 20_000, { onTick: (t) => void rowsAt.set(t.timestamp, t.rows) });
  // ticks 12:59:30, :40, :50 are the finished hour; 13:00:00 (the boundary itself), :10, :20 are not
  assert.equal(stamps, [-30_000, -20_000, -10_000, 0, 10_000, 20_000].map((d) => hour + d));
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { recording: 'r' }));
  const before = snaps.filter((s) => s.tsMax < hour), after = snaps.filter((s) => s.tsMax >= hour);
  // pods and nodes did not change: the hour has one file of each, which stays as it is; the merged
  // samples have their series index beside them
  assert.equal(before.map((s) => [s.kind, s.level]).sort(), [['nodes', 0], ['pods', 0], ['samples', 1], ['series', 1]]);
  const merged = before.find((s) => s.kind === 'samples')!;
  assert.is(merged.rows, rowsAt.get(hour - 30_000)! + rowsAt.get(hour - 20_000)! + rowsAt.get(hour - 10_000)!);
  assert.equal([merged.tsMin, merged.tsMax], [hour - 30_000, hour - 10_000]);
  const index = before.find((s) => s.kind === 'series')!;
  assert.equal([index.tsMin, index.tsMax], [merged.tsMin, merged.tsMax]);
  assert.equal(after.filter((s) => s.kind === 'samples').map((s) => [s.tsMin, s.level]), [[hour, 0], [hour + 10_000, 0], [hour + 20_000, 0]]);
  const { batches, whole } = await boundaries(archive);
  assert.equal(batches, stamps, 'every batch still reads');
  assert.equal(whole, []);
}));

test('ticks go on while the hour is merged, and an end reached waits for the merge', () => withSim(async (sim) => {
  const calls: number[] = [];
  let release: (() => void) | undefined;
  let ticksWhileMerging = 0, done = false;
  // a merge that lasts until three more ticks are written (or 10 s, should the recorder wait for it)
  const compactHours = async (before: number) => {
    calls.push(before);
    await new Promise<void>((resolve) => {
      release = resolve;
      setTimeout(resolve, 10_000).unref();
    });
    done = true;
  };
  const onTick = () => {
    if (!release || done) return;
    if (++ticksWhileMerging === 3) release();
  };
  const { sum, archive } = await hourCrossing(sim, hour - 15_000, hour + 60_000, { compactHours, onTick });
  assert.equal(calls, [hour], 'one merge, of what ended before the hour');
  assert.is(ticksWhileMerging, 3, 'three ticks written while the merge ran');
  assert.ok(done, 'the recorder returned after the merge ended');
  assert.is(sum.gaps, 0);
  assert.equal((await boundaries(archive)).whole, []);
}));

test('a stop interrupts the merge in hand, and a merge that fails is told while the recording goes on', () => withSim(async (sim) => {
  const stop = new AbortController();
  let aborted = false, started = false;
  const compactHours = (_before: number, signal: AbortSignal) => new Promise<void>((resolve) => {
    started = true;
    signal.addEventListener('abort', () => {
      aborted = true;
      resolve();
    });
  });
  const onTick = () => void (started && stop.abort());
  const { stamps } = await hourCrossing(sim, hour - 15_000, hour + 3_600_000, { compactHours, onTick, signal: stop.signal });
  assert.ok(aborted, 'the merge was told to stop');
  assert.is(stamps.at(-1), hour + 10_000, 'the tick in hand when the stop came was the last');

  const errors: unknown[] = [];
  const failing = () => Promise.reject(new Error('disk on fire'));
  const r = await hourCrossing(sim, hour + HOUR - 15_000, hour + HOUR + 30_000, { compactHours: failing, onCompactionError: (e) => errors.push(e) });
  assert.equal(errors.map((e) => (e as Error).message), ['disk on fire']);
  assert.is(r.stamps.at(-1), hour + HOUR + 30_000, 'the recording went on to its end');
  assert.is(r.sum.gaps, 0);
}));

test.run();

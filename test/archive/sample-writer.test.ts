import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { SampleWriter } from '../../src/archive/index.js';
import { withMemoryDb } from '../../src/archive/duck.js';
import { newMetricSet, podKey, type Batch, type MetricSet } from '../../src/model/index.js';

const T0 = Date.UTC(2026, 0, 1, 10);

function podSet(pod: string, uid: string, node: string, v: number): MetricSet {
  const set = newMetricSet(podKey('web', pod), 'pod', {
    type: 'pod', namespace_name: 'web', pod_name: pod, pod_id: uid, nodename: node, hostname: node, host_id: '',
  });
  set.values.set('memory/usage', v);
  return set;
}

function batch(i: number, sets: MetricSet[]): Batch {
  return { timestamp: T0 + i * 60_000, sets: new Map(sets.map((s) => [s.key, s])) };
}

/** Writes each batch to its own file, as the recorder does each tick; returns every row read back. */
async function writeTicks(batches: Batch[], after?: (w: SampleWriter, i: number, rows: () => Promise<number>) => Promise<void>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-sw-'));
  const files: string[] = [];
  await withMemoryDb(async (con) => {
    const w = await SampleWriter.create(con);
    const seriesTable = async () => Number((await con.runAndReadAll('SELECT count(*) FROM series')).getRows()[0]![0]);
    for (const [i, b] of batches.entries()) {
      w.add(b);
      files.push(path.join(dir, `t${i}.parquet`));
      await w.write(files.at(-1)!, { recording: 'r1', cluster: 'c', date: '2026-11-26', level: 0, resolutionMs: 60_000 });
      await after?.(w, i, seriesTable);
    }
    w.close();
  });
  const rows: Record<string, unknown>[] = [];
  for (const f of files) {
    const b = readFileSync(f);
    rows.push(...(await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.length), compressors })));
  }
  return rows;
}

test('a pod made again under its name is written with its new UID and node', async () => {
  // a StatefulSet's pod, deleted and made again on another node: one set key, another entity
  const rows = await writeTicks([
    batch(0, [podSet('db-0', 'uid-1', 'node-a', 100)]),
    batch(1, [podSet('db-0', 'uid-1', 'node-a', 110)]),
    batch(2, [podSet('db-0', 'uid-2', 'node-b', 7)]),
  ]);
  assert.equal(rows.map((r) => [r.pod_uid, r.node, r.value]), [['uid-1', 'node-a', 100], ['uid-1', 'node-a', 110], ['uid-2', 'node-b', 7]]);
});

test('the series of pods that ended are dropped: churn does not grow the writer without end', async () => {
  // one pod that stays, and a short-lived job pod each tick, for 130 ticks
  const ticks = 130;
  const batches = Array.from({ length: ticks }, (_, i) => batch(i, [podSet('db-0', 'uid-db', 'node-a', i), podSet(`job-${i}`, `uid-job-${i}`, 'node-b', 1000 + i)]));
  let most = 0;
  const rows = await writeTicks(batches, async (w, i, seriesTable) => {
    assert.is(await seriesTable(), w.seriesRows, `tick ${i}: the count matches the table`);
    most = Math.max(most, w.seriesRows);
  });
  // every job pod is one series; kept: those of the last two sweep periods (60 ticks each), and db-0
  assert.ok(most <= 1 + 2 * 60, `at most ${most} series rows`);
  assert.ok(most < 1 + ticks);
  // every row still names its own entity, the pod that stayed and the job pods alike
  assert.is(rows.length, 2 * ticks);
  for (const r of rows) {
    const v = r.value as number;
    if (r.pod === 'db-0') assert.equal([r.pod_uid, r.node], ['uid-db', 'node-a']);
    else assert.equal([r.pod, r.pod_uid, r.node], [`job-${v - 1000}`, `uid-job-${v - 1000}`, 'node-b']);
  }
});

test.run();

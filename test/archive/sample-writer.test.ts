import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { SampleWriter } from '../../src/archive/index.js';
import { PARQUET_OPTIONS } from '../../src/archive/sample-writer.js';
import { lit, withMemoryDb } from '../../src/archive/duck.js';
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
    const tableRows = async () => Number((await con.runAndReadAll('SELECT (SELECT count(*) FROM entities) + (SELECT count(*) FROM resources)')).getRows()[0]![0]);
    for (const [i, b] of batches.entries()) {
      w.add(b);
      files.push(path.join(dir, `t${i}.parquet`));
      await w.write(files.at(-1)!, { recording: 'r1', cluster: 'c', date: '2026-11-26', level: 0, resolutionMs: 60_000 });
      await after?.(w, i, tableRows);
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
  const rows = await writeTicks(batches, async (w, i, tableRows) => {
    assert.is(await tableRows(), w.tableRows, `tick ${i}: the count matches the table`);
    most = Math.max(most, w.tableRows);
  });
  // every job pod is one entity row; kept: those of the last two sweep periods (60 ticks each), and db-0
  assert.ok(most <= 1 + 2 * 60, `at most ${most} entity rows`);
  assert.ok(most < 1 + ticks);
  // every row still names its own entity, the pod that stayed and the job pods alike
  assert.is(rows.length, 2 * ticks);
  for (const r of rows) {
    const v = r.value as number;
    if (r.pod === 'db-0') assert.equal([r.pod_uid, r.node], ['uid-db', 'node-a']);
    else assert.equal([r.pod, r.pod_uid, r.node], [`job-${v - 1000}`, `uid-job-${v - 1000}`, 'node-b']);
  }
});

test("a set whose values change from tick to tick: each row keeps its own metric and filesystem", async () => {
  // a pod's values as they may come: a metric added, one gone, volumes mounted and unmounted, a
  // volume of another name in the same position, and the first shape again
  const shapes: [string, string | null, number][][] = [
    [['memory/usage', null, 1], ['cpu/usage', null, 2]],
    [['memory/usage', null, 3], ['cpu/usage', null, 4], ['network/rx', null, 5]],
    [['memory/usage', null, 6], ['filesystem/usage', 'vol-a', 7]],
    [['memory/usage', null, 8], ['filesystem/usage', 'vol-b', 9], ['filesystem/usage', 'vol-a', 10], ['filesystem/limit', 'vol-a', 13]],
    [['memory/usage', null, 11], ['cpu/usage', null, 12]],
  ];
  const batches = shapes.map((shape, i) => {
    const set = podSet('db-0', 'uid-1', 'node-a', 0);
    // a fresh set as a scrape makes it: only this shape's values
    set.values = new (set.values.constructor as new (n: number) => typeof set.values)(4);
    for (const [metric, resource, v] of shape) {
      if (resource === null) set.values.set(metric, v);
      else set.labeled.add(metric, { resource_id: resource }, v);
    }
    return batch(i, [set]);
  });
  const rows = await writeTicks(batches, async (w, i, tableRows) => {
    assert.is(await tableRows(), w.tableRows, `tick ${i}: the count matches the table`);
  });
  const expected = shapes.flatMap((shape) => shape.map(([metric, resource, v]) => [metric, resource, v]));
  // a tick file's rows are not sorted: compared in the order of their values, each one distinct
  const byValue = (a: unknown[], b: unknown[]) => (a[2] as number) - (b[2] as number);
  assert.equal(rows.map((r) => [r.metric, r.resource_id ?? null, r.value]).sort(byValue), expected.sort(byValue));
});

test('a tick of several row groups: every row keeps its pod, and many-valued labels are not repeated in each group', async () => {
  // 5,000 pods of 26 values each: 130,000 rows, two row groups, more pods than a label repeated in
  // the second group's dictionary may have
  const pods = 5000, per = 26;
  const sets = Array.from({ length: pods }, (_, p) => {
    const set = podSet(`p-${p}`, `uid-${p}`, `node-${p % 3}`, 0);
    set.values = new (set.values.constructor as new (n: number) => typeof set.values)(per);
    for (let k = 0; k < per; k++) set.values.set(`m/${k}`, p * per + k);
    return set;
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-sw-'));
  const file = path.join(dir, 't.parquet');
  await withMemoryDb(async (con) => {
    const w = await SampleWriter.create(con);
    w.add(batch(0, sets));
    await w.write(file, { recording: 'r1', cluster: 'c', date: '2026-11-26', level: 0, resolutionMs: 60_000 });
    w.close();
  });
  const b = readFileSync(file);
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  const meta = parquetMetadata(buf);
  assert.is(meta.row_groups.length, 2);
  const rows = await parquetReadObjects({ file: buf, compressors });
  assert.is(rows.length, pods * per);
  for (const r of rows) {
    const v = r.value as number, p = Math.floor(v / per);
    assert.equal([r.pod, r.pod_uid, r.node, r.metric], [`p-${p}`, `uid-${p}`, `node-${p % 3}`, `m/${v % per}`]);
  }
  // the pod column no larger than DuckDB writes the same strings: an ENUM would put all 5,000
  // pods in the second group's dictionary too
  const plain = path.join(dir, 'plain.parquet');
  await withMemoryDb((con) => con.run(`COPY (SELECT * FROM read_parquet(${lit(file)})) TO ${lit(plain)} (${PARQUET_OPTIONS})`));
  const podBytes = (m: ReturnType<typeof parquetMetadata>) => m.row_groups.reduce((n, g) => n + Number(g.columns.find((c) => c.meta_data?.path_in_schema[0] === 'pod')!.meta_data!.total_compressed_size), 0);
  const ours = podBytes(meta), theirs = podBytes(parquetMetadata(new Uint8Array(readFileSync(plain)).buffer));
  assert.ok(ours <= 1.1 * theirs, `pod column ${ours} bytes, ${theirs} as strings`);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { backfillSeriesIndexes, compact, filesOnDisk, prune, readRecordedParts, repairArchive, verify, type Archive, type RecordedParts } from '../../src/archive/index.js';
import { newMetricSet, type Batch, type MetricSet } from '../../src/model/index.js';
import { deleteSnapshots } from '../../src/archive/catalog.js';
import { ArchiveHistory } from '../../src/query/archive-history.js';
import { tempArchive, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 11, 1, 12);
const H = 3_600_000;
const HOURS = 3;

/** Ten minutes between batches: an hour is six files, and the test stays quick. */
const RES = 600_000;
const PER_HOUR = H / RES;

/**
 * Three hours at 10 min whose entities, metrics and filesystems change by the hour: node n1 always
 * (filesystem `/`, and `/var` in hour 1 only; memory/usage in hour 2 only); namespace web always;
 * namespace batch in hour 0 only; one pod of web a hour, `web-h0` to `web-h2`, with its own UID.
 */
function hourlyChurn(): Batch[] {
  return Array.from({ length: HOURS * PER_HOUR }, (_, i) => {
    const h = Math.floor(i / PER_HOUR);
    const sets: MetricSet[] = [];
    const node = newMetricSet('node:n1', 'node', { type: 'node', nodename: 'n1' });
    node.values.set('cpu/usage_rate', 900 + i);
    if (h === 2) node.values.set('memory/usage', 7_000_000 + i);
    node.labeled.add('filesystem/usage', { resource_id: '/' }, 100 + i);
    if (h === 1) node.labeled.add('filesystem/usage', { resource_id: '/var' }, 200 + i);
    sets.push(node);
    for (const ns of h === 0 ? ['web', 'batch'] : ['web']) {
      const set = newMetricSet(`namespace:${ns}`, 'ns', { type: 'ns', namespace_name: ns });
      set.values.set('cpu/usage_rate', 10 + i);
      sets.push(set);
    }
    const pod = newMetricSet(`namespace:web/pod:web-h${h}`, 'pod', { type: 'pod', namespace_name: 'web', pod_name: `web-h${h}`, pod_id: `uid-${h}`, nodename: 'n1' });
    pod.values.set('cpu/usage_rate', 5 + i);
    sets.push(pod);
    return { timestamp: T0 + i * RES, sets: new Map(sets.map((s) => [s.key, s])) };
  });
}

/** What the batches of hours `from` to `to` hold, worked out from the batches themselves. */
function truth(batches: readonly Batch[], from: number, to: number): { entities: string[]; metrics: string[]; resources: string[] } {
  const entities = new Set<string>(), metrics = new Set<string>(), resources = new Set<string>();
  for (const b of batches) {
    const h = Math.floor((b.timestamp - T0) / H);
    if (h < from || h > to) continue;
    for (const set of b.sets.values()) {
      entities.add(`${set.type}|${set.labels.nodename ?? ''}|${set.labels.namespace_name ?? ''}|${set.labels.pod_name ?? ''}|${set.labels.pod_id ?? ''}`);
      for (const m of set.values.keys()) metrics.add(m);
      for (const lv of set.labeled) {
        metrics.add(lv.name);
        resources.add(lv.labels.resource_id!);
      }
    }
  }
  return { entities: [...entities].sort(), metrics: [...metrics].sort(), resources: [...resources].sort() };
}

function seen(p: RecordedParts): { entities: string[]; metrics: string[]; resources: string[] } {
  const entities = p.labels.map((l) => `${l.type}|${l.nodename ?? ''}|${l.namespace_name ?? ''}|${l.pod_name ?? ''}|${l.pod_id ?? ''}`);
  return { entities: entities.sort(), metrics: [...p.metrics].sort(), resources: [...p.resources].sort() };
}

const kinds = async (archive: Archive, kind: 'samples' | 'series') => (await archive.snapshots({ kind })).map((s) => [s.level, s.tsMin, s.tsMax]);

async function compacted(level: 1 | 2): Promise<{ archive: Archive; batches: Batch[] }> {
  const archive = await tempArchive();
  const batches = hourlyChurn();
  await writeBatches(archive, 'r', batches, RES);
  await compact(archive, { level: 1 });
  if (level === 2) await compact(archive, { level: 2, splitRows: 0 });
  return { archive, batches };
}

test('each compacted group gets a series index with its level and times; a day\'s replaces its hours\'', async () => {
  const { archive } = await compacted(1);
  const hours = await kinds(archive, 'samples');
  assert.is(hours.length, HOURS);
  assert.equal(await kinds(archive, 'series'), hours, 'an index an hour, the hour\'s identity');
  const hourRows = (await archive.snapshots({ kind: 'series' })).reduce((n, s) => n + s.rows, 0);
  assert.equal((await verify(archive)).problems, []);
  // split by metric: several sample files, one index for the day, made from the hours' indexes
  await compact(archive, { level: 2, splitRows: 0 });
  const day = await kinds(archive, 'samples');
  assert.ok(day.length > 1, 'the day split by metric');
  assert.equal(await kinds(archive, 'series'), [day[0]], 'one index for the day\'s files');
  assert.is((await archive.snapshots({ kind: 'series' }))[0]!.rows, hourRows, 'the hours\' rows, distinct as they were');
  // streamed from the hours' files in time order: sorted by hour, each hour sorted within
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const con = await (await DuckDBInstance.create(':memory:')).connect();
  const order = 'epoch_ms(hour)::VARCHAR, type, node, namespace, pod, container, pod_uid, metric, resource_id';
  const rows = async (sql: string) => JSON.stringify((await con.runAndReadAll(sql)).getRows());
  const index = `read_parquet('${(await archive.files({ kind: 'series' }))[0]}')`;
  assert.is(await rows(`SELECT ${order} FROM ${index}`), await rows(`SELECT ${order} FROM ${index} ORDER BY ${order}`));
  con.closeSync();
  const cataloged = new Set((await archive.snapshots({})).map((s) => s.file));
  assert.equal(filesOnDisk(archive.dir).filter((f) => !cataloged.has(f)), [], 'the hours\' indexes gone from disk too');
  const report = await verify(archive);
  assert.equal([report.problems, report.leftovers], [[], []]);
  // the index describes itself, as every file does: a catalog rebuilt from the files has it again
  const indexRows = await archive.snapshots({ kind: 'series' });
  await archive.rebuild('as the test asks');
  assert.equal((await archive.snapshots({ kind: 'series' })).map(({ file, level, tsMin, tsMax, rows, bytes }) => ({ file, level, tsMin, tsMax, rows, bytes })),
    indexRows.map(({ file, level, tsMin, tsMax, rows, bytes }) => ({ file, level, tsMin, tsMax, rows, bytes })));
  await prune(archive, { olderThan: T0 + 10 * H });
  assert.equal(readdirSync(path.join(archive.dir, 'series'), { recursive: true }).filter((f) => String(f).endsWith('.parquet')), [], 'pruned with the samples');
});

test('a listing over compacted hours from their indexes is what the rows hold, hour by hour', async () => {
  for (const level of [1, 2] as const) {
    const { archive, batches } = await compacted(level);
    const history = new ArchiveHistory(archive, {});
    const parts = (start: number, end: number) => history.recordedParts({}, { start, end }).then(seen);
    assert.equal(await parts(T0, T0 + HOURS * H), truth(batches, 0, HOURS - 1), `L${level}: the whole recording`);
    assert.equal(await parts(T0 + H, T0 + 2 * H - 1), truth(batches, 1, 1), `L${level}: hour 1`);
    // a window within an hour lists that hour's series, as Prometheus lists a block's: here one
    // between two batches, where the rows themselves have none
    assert.equal(await parts(T0 + 2 * H + RES + 60_000, T0 + 2 * H + 2 * RES - 60_000), truth(batches, 2, 2), `L${level}: minutes of hour 2`);
    assert.equal(await parts(T0 + H - RES, T0 + H), truth(batches, 0, 1), `L${level}: across hours 0 and 1`);
    // a filter on an entity column is not the indexes' to answer: the rows are read
    const web = seen(await history.recordedParts({ namespace: 'web' }, { start: T0, end: T0 + HOURS * H }));
    assert.ok(web.entities.length > 0 && web.entities.every((e) => e.split('|')[2] === 'web'), `L${level}: namespace web only`);
  }
});

test('the indexes alone answer for their files: the samples are not read', async () => {
  const { archive, batches } = await compacted(2);
  const indexes = await archive.files({ kind: 'series' });
  assert.is(indexes.length, 1);
  const parts = await readRecordedParts({ samples: [], pods: [], nodes: [] }, {}, { start: T0, end: T0 + HOURS * H }, indexes);
  assert.equal(seen(parts), truth(batches, 0, HOURS - 1));
});

test('tick files and files compacted before indexes existed are read as rows', async () => {
  const archive = await tempArchive();
  const batches = hourlyChurn();
  await writeBatches(archive, 'r', batches, RES);
  const history = new ArchiveHistory(archive, {});
  assert.equal(await kinds(archive, 'series'), []);
  assert.equal(seen(await history.recordedParts({}, { start: T0 + H, end: T0 + 2 * H - 1 })), truth(batches, 1, 1), 'ticks: exact');
  // the first hour compacted, the rest still ticks: each part read its own way
  await compact(archive, { level: 1, before: T0 + H });
  assert.is((await kinds(archive, 'series')).length, 1);
  assert.equal(seen(await history.recordedParts({}, { start: T0, end: T0 + HOURS * H })), truth(batches, 0, HOURS - 1), 'an hour indexed, two hours of ticks');
  // hours compacted by a build before indexes: the day's index is made from the rows
  await compact(archive, { level: 1 });
  const old = await archive.snapshots({ kind: 'series' });
  await archive.catalog(false, (con) => deleteSnapshots(con, old.map((s) => s.file)));
  for (const s of old) rmSync(path.join(archive.dir, s.file));
  await compact(archive, { level: 2 });
  assert.equal(await kinds(archive, 'series'), await kinds(archive, 'samples'));
  assert.equal(seen(await history.recordedParts({}, { start: T0, end: T0 + HOURS * H })), truth(batches, 0, HOURS - 1), 'the day, from its index');
});

test('an hour\'s index that cannot be read does not stop the day\'s merge: the day\'s is made from the rows', async () => {
  const { archive, batches } = await compacted(1);
  const hours = await archive.snapshots({ kind: 'series' });
  rmSync(path.join(archive.dir, hours[1]!.file));
  await compact(archive, { level: 2 });
  assert.equal(await kinds(archive, 'series'), await kinds(archive, 'samples'));
  const history = new ArchiveHistory(archive, {});
  assert.equal(seen(await history.recordedParts({}, { start: T0, end: T0 + HOURS * H })), truth(batches, 0, HOURS - 1));
  assert.equal((await verify(archive)).problems, []);
});

test('a day\'s index gone from disk: verify and repair say no sample is lost, and listings then read the rows', async () => {
  const { archive, batches } = await compacted(2);
  const [index] = await archive.snapshots({ kind: 'series' });
  rmSync(path.join(archive.dir, index!.file));
  assert.equal((await verify(archive)).problems, [`${index!.file}: in the catalog but missing on disk (a series index, no samples lost); \`archive repair\` drops it from the catalog`]);
  const lines = await repairArchive(archive);
  assert.ok(lines.includes(`dropped ${index!.file} from the catalog: the file is missing (a series index of r, no samples lost: label listings read the rows instead)`), lines.join('\n'));
  const history = new ArchiveHistory(archive, {});
  assert.equal(seen(await history.recordedParts({}, { start: T0, end: T0 + HOURS * H })), truth(batches, 0, HOURS - 1));
});

test('days compacted before indexes existed get theirs once, and listings then read them', async () => {
  const { archive, batches } = await compacted(2);
  const made = await archive.snapshots({ kind: 'series' });
  await archive.catalog(false, (con) => deleteSnapshots(con, made.map((s) => s.file)));
  for (const s of made) rmSync(path.join(archive.dir, s.file));
  assert.is(await backfillSeriesIndexes(archive), 1);
  assert.equal(await kinds(archive, 'series'), [(await kinds(archive, 'samples'))[0]], 'the day\'s files, one index');
  assert.is(await backfillSeriesIndexes(archive), 0, 'once');
  const report = await verify(archive);
  assert.equal([report.problems, report.leftovers], [[], []]);
  const history = new ArchiveHistory(archive, {});
  // between two batches of hour 1: only an index answers with the hour's series
  assert.equal(seen(await history.recordedParts({}, { start: T0 + H + RES + 60_000, end: T0 + H + 2 * RES - 60_000 })), truth(batches, 1, 1));
  assert.equal(seen(await history.recordedParts({}, { start: T0, end: T0 + HOURS * H })), truth(batches, 0, HOURS - 1));
});

test.run();

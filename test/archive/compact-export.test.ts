import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { NodeInfo, PodInfo } from '../../src/model/index.js';
import { Archive, compact, exportSamples, readSamples, selectRecordings, selectSnapshots, TickWriter, verify } from '../../src/archive/index.js';
import { ArchiveHistory, parseTarget, runQuery } from '../../src/query/index.js';
import { handBatches, tempArchive, threeEntityBatches, writeBatches } from '../helpers/archive.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';

const T0 = Date.UTC(2026, 0, 1, 10);
const values = Array.from({ length: 30 }, (_, i) => (i * 7919) % 1000);

async function archiveWithTicks() {
  const archive = await tempArchive();
  await writeBatches(archive, 'r1', handBatches(T0, values));
  return archive;
}

async function readAll(archive: Awaited<ReturnType<typeof tempArchive>>) {
  return readSamples(await archive.files({ kind: 'samples' }), {}, {});
}

// ---
test('compact merges tick files into one sorted file without losing or duplicating a row', async () => {
  const archive = await archiveWithTicks();
  const before = await readAll(archive);
  assert.is(before.length, values.length);
  assert.is((await archive.files({ kind: 'samples' })).length, values.length);
  const r = await compact(archive, { level: 2 });
  assert.is(r.rows, values.length);
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.is(snaps.length, 1);
  assert.is(snaps[0]!.level, 2);
  assert.equal(await readAll(archive), before);
  assert.equal((await verify(archive)).problems, []);
  assert.equal(readdirSync(path.dirname(path.join(archive.dir, snaps[0]!.file))).filter((f) => f.endsWith('.parquet')).length, 1, 'old files removed');
});

test('a compaction told to stop merges nothing more, and leaves no file of its own behind', async () => {
  const archive = await archiveWithTicks();
  const before = await readAll(archive);
  const stop = new AbortController();
  stop.abort();
  assert.is((await compact(archive, { level: 2, signal: stop.signal })).merged, 0, 'stopped before it began');
  assert.is((await archive.files({ kind: 'samples' })).length, values.length);

  // stopped as its first file is being written: whether the stop came in time or not, the archive is whole
  const late = new AbortController();
  const tmpFiles = () => readdirSync(archive.dir, { recursive: true }).map(String).filter((f) => path.basename(f).startsWith('.tmp-'));
  const watcher = setInterval(() => void (tmpFiles().length && late.abort()), 0);
  const r = await compact(archive, { level: 2, signal: late.signal });
  clearInterval(watcher);
  assert.equal(tmpFiles(), []);
  assert.equal(await readAll(archive), before);
  assert.equal((await verify(archive)).problems, []);
  assert.is((await archive.files({ kind: 'samples' })).length, r.merged ? 1 : values.length);
});

test('an hour of more rows than one merge may take is merged into files of consecutive ticks', async () => {
  const archive = await archiveWithTicks();
  const before = await readAll(archive);
  // 30 one-row ticks in one hour, at most 7 rows a file: 7, 7, 7, 7 and 2, in time order
  const r = await compact(archive, { level: 1, before: T0 + 3_600_000, mergeRows: 7 });
  assert.is(r.rows, values.length);
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.equal(snaps.map((s) => [s.level, s.rows, s.tsMin, s.tsMax]), [0, 7, 14, 21, 28].map((i) => {
    const n = Math.min(7, values.length - i);
    return [1, n, T0 + i * 60_000, T0 + (i + n - 1) * 60_000];
  }));
  assert.equal(await readAll(archive), before);
  assert.equal((await verify(archive)).problems, []);
});

test('a day of more tick rows than one merge may take is merged hour by hour first, then into the day', async () => {
  const archive = await archiveWithTicks();
  const before = await readAll(archive);
  const merges: number[][] = [];
  const r = await compact(archive, { level: 2, mergeRows: 7, onMerge: (m) => void merges.push([m.level, m.files, m.rows]) });
  // 30 one-row ticks: runs of 7, 7, 7, 7 and 2 ticks, then those 5 files into the day
  assert.equal(merges, [[1, 7, 7], [1, 7, 7], [1, 7, 7], [1, 7, 7], [1, 2, 2], [2, 5, 30]]);
  // told as what it did to the archive: the tick files into one daily file, not the hours between
  assert.equal([r.merged, r.written, r.rows, r.samples], [values.length, 1, values.length, values.length]);
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.equal(snaps.map((s) => [s.level, s.rows]), [[2, values.length]]);
  assert.equal(await readAll(archive), before);
  assert.equal((await verify(archive)).problems, []);

  // within one merge the ticks go straight into the day
  const small = await archiveWithTicks();
  const straight: number[][] = [];
  await compact(small, { level: 2, onMerge: (m) => void straight.push([m.level, m.files]) });
  assert.equal(straight, [[2, values.length]]);
});

test('a merged file of many metrics is sorted metric first while a tick fits in a row group, else metric last (labels run over an entity\'s metrics); a large day of such ticks that one merge takes is not split by metric', async () => {
  const order = async (o: { metricLastFrom?: number; splitRows?: number; mergeRows?: number }) => {
    const archive = await tempArchive();
    await writeBatches(archive, 'r1', threeEntityBatches(T0, 3));
    await compact(archive, { level: 2, ...o });
    const files = await archive.files({ kind: 'samples' });
    const rows = await parquetReadObjects({ file: new Uint8Array(readFileSync(files[0]!)).buffer, compressors });
    // each run of a series' three ticks, in file order, as entity/metric
    return { files: files.length, runs: rows.filter((_, i) => i % 3 === 0).map((r: any) => `${r.namespace ?? r.node}/${r.metric}`) };
  };
  // 5 rows a tick, 15 in all
  const metricFirst = ['n1/cpu/usage_rate', 'db/cpu/usage_rate', 'web/cpu/usage_rate', 'n1/memory/usage', 'web/memory/usage'];
  const metricLast = ['n1/cpu/usage_rate', 'n1/memory/usage', 'db/cpu/usage_rate', 'web/cpu/usage_rate', 'web/memory/usage'];
  assert.equal(await order({}), { files: 1, runs: metricFirst });
  assert.equal(await order({ metricLastFrom: 4 }), { files: 1, runs: metricLast });
  assert.equal(await order({ metricLastFrom: 4, splitRows: 0 }), { files: 1, runs: metricLast }, 'ticks over 4 rows, a day one merge takes');
  assert.is((await order({ metricLastFrom: 4, splitRows: 0, mergeRows: 10 })).files, 2, 'a day more than one merge takes is split');
  assert.is((await order({ splitRows: 0 })).files, 2, 'small ticks: split');
});

test('a compacted day keeps each six hours\' rows together, series by series within them, one file or one per metric', async () => {
  // 150 ticks a minute apart from 10:00: across noon, where a day's second six hours end; 5 rows a tick
  const batches = threeEntityBatches(T0, 150);
  const want = batches.flatMap((b) => [...b.sets.values()].flatMap((s) => [...s.values].map(([metric]) => ({
    metric, part: Math.floor(b.timestamp / (6 * 3_600_000)), type: s.type, who: s.labels.namespace_name ?? s.labels.nodename!, ts: b.timestamp,
  }))));
  // the order asked for, computed here: metric, six hours, then the series (type, then name), then time
  want.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) || a.part - b.part
    || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) || (a.who < b.who ? -1 : a.who > b.who ? 1 : 0) || a.ts - b.ts);
  const line = (r: { metric: string; who: string; ts: number }) => `${r.metric} ${r.who} ${new Date(r.ts).toISOString().slice(11, 16)}`;
  for (const splitRows of [undefined, 0]) {
    const archive = await tempArchive();
    await writeBatches(archive, 'r1', batches);
    await compact(archive, { level: 2, ...(splitRows === undefined ? {} : { splitRows }) });
    const files = await archive.files({ kind: 'samples' });
    assert.is(files.length, splitRows === undefined ? 1 : 2);
    const perFile = await Promise.all(files.map(async (f) => (await parquetReadObjects({ file: new Uint8Array(readFileSync(f)).buffer, compressors }))
      .map((r: any) => line({ metric: r.metric, who: r.namespace ?? r.node, ts: new Date(r.ts).getTime() }))));
    perFile.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    assert.equal(perFile.flat(), want.map(line), `splitRows ${splitRows}`);
  }
});

test('a compacted file is Parquet 2 and reads back through hyparquet (another reader) as through DuckDB', async () => {
  const archive = await archiveWithTicks();
  await compact(archive, { level: 2 });
  const [file] = await archive.files({ kind: 'samples' });
  const { parquetMetadata } = await import('hyparquet');
  const buf = new Uint8Array(readFileSync(file!)).buffer;
  const meta = parquetMetadata(buf);
  assert.is(meta.version, 2);
  // no bloom filters: a query's equality filters then cost a read per row group for nothing but bytes
  const blooms = meta.row_groups.flatMap((g) => g.columns.filter((c) => c.meta_data?.bloom_filter_offset !== undefined).map((c) => c.meta_data!.path_in_schema.join('.')));
  assert.equal(blooms, []);
  const rows = await parquetReadObjects({ file: buf, compressors });
  assert.equal(rows.map((r: any) => [new Date(r.ts).getTime(), r.value, r.namespace, r.metric]), values.map((v, i) => [T0 + i * 60_000, v, 'web', 'cpu/usage_rate']));
});

test('a large compacted day is one file per metric, and a query of one metric reads only its files', async () => {
  const archive = await tempArchive();
  const mem = values.map((v) => v * 1024);
  const batches = handBatches(T0, values).map((b, i) => {
    b.sets.get('namespace:web')!.values.set('memory/usage', mem[i]!);
    return b;
  });
  await writeBatches(archive, 'r1', batches);
  await compact(archive, { level: 2, splitRows: 0 });
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.equal(snaps.map((s) => s.metric).sort(), ['cpu/usage_rate', 'memory/usage']);
  const memFiles = await archive.files({ kind: 'samples', metric: 'memory/usage' });
  assert.is(memFiles.length, 1);
  // a list of metrics (what `top` reads) keeps the files of any of them
  assert.equal(await archive.files({ kind: 'samples', metric: ['memory/usage', 'network/rx_rate'] }), memFiles);
  assert.is((await archive.files({ kind: 'samples', metric: ['cpu/usage_rate', 'memory/usage'] })).length, 2);
  assert.is((await archive.files({ kind: 'samples', metric: ['network/rx_rate'] })).length, 0);
  assert.equal((await readSamples(memFiles, {}, {})).map((r) => r.value), mem);
  const h = new ArchiveHistory(archive, {});
  const r = await runQuery(h, { target: parseTarget('namespaces/web', { namespace: 'default', allNamespaces: false }), metric: 'memory/usage', window: {} });
  if (r.kind !== 'series') throw new Error('series expected');
  assert.equal(r.series[0]!.points.map((p) => p.value), mem);
});

test('a small day of several metrics stays one file, which every metric\'s query still reads', async () => {
  const archive = await tempArchive();
  const mem = values.map((v) => v * 1024);
  await writeBatches(archive, 'r1', handBatches(T0, values).map((b, i) => {
    b.sets.get('namespace:web')!.values.set('memory/usage', mem[i]!);
    return b;
  }));
  await compact(archive, { level: 2 });
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.is(snaps.length, 1);
  assert.is(snaps[0]!.metric, undefined);
  const h = new ArchiveHistory(archive, {});
  const r = await runQuery(h, { target: parseTarget('namespaces/web', { namespace: 'default', allNamespaces: false }), metric: 'memory/usage', window: {} });
  if (r.kind !== 'series') throw new Error('series expected');
  assert.equal(r.series[0]!.points.map((p) => p.value), mem);
});

test('daily files of a catalog made before it kept metrics learn theirs at the next compaction', async () => {
  const archive = await archiveWithTicks();
  await compact(archive, { level: 2 });
  // the catalog as the first release wrote it: no metric column
  await archive.catalog(false, (con) => con.run('ALTER TABLE snapshots DROP COLUMN metric'));
  const old = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.is(old[0]!.metric, undefined);
  assert.is((await archive.files({ kind: 'samples', metric: 'cpu/usage_rate' })).length, 1, 'still read without the column');
  await compact(archive, { level: 2 });
  const learned = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.is(learned[0]!.metric, 'cpu/usage_rate');
  assert.is((await archive.files({ kind: 'samples', metric: 'memory/usage' })).length, 0);
});

test('prune deletes a named recording and its files; a mistyped name is an error, not "0 files"', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'keep', handBatches(T0, values));
  await writeBatches(archive, 'drop', handBatches(T0, values.slice(0, 5)));
  const env = pluginEnv();
  const typo = await cli(['archive', 'prune', '--recording', 'dorp', '--archive', archive.dir], env);
  assert.is(typo.code, 2);
  assert.match(typo.stderr, 'no recording "dorp"');
  assert.match(typo.stderr, 'did you mean drop');
  const r = await cli(['archive', 'prune', '--recording', 'drop', '--archive', archive.dir], env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^deleted 5 files \(.+\) and the recording drop, left empty\n$/);
  const left = await archive.catalog(true, (con) => selectSnapshots(con, {}));
  assert.equal([...new Set(left.map((s) => s.recording))], ['keep']);
  assert.is(left.length, values.length);
  assert.equal((await verify(archive)).problems, []);
  // its manifest and gap log went with it: the next open does not bring the recording back from them
  assert.not.ok(existsSync(path.join(archive.dir, 'recordings', 'drop.json')));
  const again = await Archive.open(archive.dir, false);
  assert.equal((await again.catalog(true, (con) => selectRecordings(con))).map((x) => x.name), ['keep']);
});

test('prune removes a killed recording left without files, and keeps one that is running', async () => {
  const archive = await tempArchive();
  const start = (name: string, startedAt: number) => TickWriter.start(archive, {
    name, cluster: 'test-cluster', context: 'test', server: 'https://example', resolutionMs: 60_000, startedAt, status: 'recording', nodes: 0, ticks: 0,
  });
  // killed before its first tick, long ago; and one that started a moment ago, before its first tick
  await start('killed', T0);
  await start('running', Date.now());
  const env = pluginEnv();
  const ls = await cli(['archive', 'ls', '--archive', archive.dir], env);
  assert.match(ls.stdout, /killed .* stopped \(killed\)\n/);
  assert.match(ls.stdout, /running .* recording\n/, 'a recording without a tick yet is not called killed');
  for (const name of ['killed', 'running']) assert.is((await cli(['archive', 'prune', '--recording', name, '--archive', archive.dir], env)).code, 0);
  const left = await archive.catalog(true, (con) => selectRecordings(con));
  assert.equal(left.map((r) => r.name), ['running']);
});

test('archive compact counts samples as archive ls does, the pod and node rows beside them apart', async () => {
  const archive = await tempArchive();
  const w = await TickWriter.start(archive, {
    name: 'r1', cluster: 'test-cluster', context: 'test', server: 'https://example', resolutionMs: 60_000, startedAt: T0, status: 'recording', nodes: 0, ticks: 0,
  });
  const pod: PodInfo = { namespace: 'web', name: 'p1', uid: 'uid-p1', nodeName: 'n1', labels: {}, containers: [], phase: 'Running', qosClass: 'BestEffort' };
  const node: NodeInfo = { name: 'n1', hostname: 'n1', hostId: '', labels: {}, ready: true, kubeletVersion: 'v1.30.0', capacity: {}, allocatable: {} };
  // one sample a tick; the pod and the node, unchanged, are written with the first tick only
  for (const b of handBatches(T0, values.slice(0, 3))) await w.write(b, [pod], [node], []);
  await w.finish('done');
  const env = pluginEnv();
  const ls = await cli(['archive', 'ls', '--archive', archive.dir], env);
  const [head, row] = ls.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/));
  assert.is(row![head!.indexOf('SAMPLES')], '3', 'archive ls counts 3 samples');
  const r = await cli(['archive', 'compact', '--archive', archive.dir], env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^merged 5 files into 3 \(3 samples and 2 pod and node rows, /);

  // a mistyped recording is told, with the name it is near, not "nothing to compact"
  const typo = await cli(['archive', 'compact', '--archive', archive.dir, '--recording', 'r2'], env);
  assert.is(typo.code, 2);
  assert.equal(typo.stderr.trim().split('\n'), [`error: no recording "r2" in ${archive.dir}; did you mean r1?`]);
});

test('a damaged file is named in the error, never silently skipped', async () => {
  const archive = await archiveWithTicks();
  const [file] = await archive.files({ kind: 'samples' });
  writeFileSync(file!, 'not parquet at all');
  const h = new ArchiveHistory(archive, {});
  try {
    await runQuery(h, { target: parseTarget('namespaces/web', { namespace: 'default', allNamespaces: false }), metric: 'cpu/usage_rate', window: {} });
    assert.unreachable('a damaged file must fail the query');
  } catch (e) {
    assert.match((e as Error).message, path.basename(file!));
  }
  const report = await verify(archive);
  assert.ok(report.problems.some((p) => p.includes(path.basename(file!)) && /unreadable|bytes on disk/.test(p)));
});

test('export says in one line when its output cannot be written, before reading anything', async () => {
  const archive = await archiveWithTicks();
  const env = pluginEnv();
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-out-'));
  const run = (format: string, output: string, ...more: string[]) => cli(['export', '--archive', archive.dir, '--format', format, '--output', output, ...more], env);
  const folder = await run('csv', dir);
  assert.is(folder.code, 2);
  assert.is(folder.stderr.trim(), `error: --output ${dir} is a folder; give a file name, such as ${path.join(dir, 'export.csv')}, or --partition for a partitioned folder`);
  const missing = await run('parquet', path.join(dir, 'no', 'x.parquet'));
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^error: the folder of --output \S+x.parquet does not exist; create it first/);
  const file = path.join(dir, 'taken.csv');
  writeFileSync(file, 'mine');
  const notFolder = await run('parquet', file, '--partition');
  assert.is(notFolder.code, 2);
  assert.match(notFolder.stderr, /is a file, and --partition writes a folder/);
  assert.is(readFileSync(file, 'utf8'), 'mine', 'the file is left as it was');
  // a write that fails once started names the output, not the archive
  const unwritable = await run('parquet', '/proc/heapster.parquet');
  assert.is(unwritable.code, 1);
  assert.match(unwritable.stderr, /^error: writing \/proc\/heapster.parquet failed: .*; check the path and the free disk space\n$/);
  // and a damaged archive file read during the copy is named as the archive's
  const [damaged] = await archive.files({ kind: 'samples' });
  writeFileSync(damaged!, 'not parquet at all');
  const broken = await run('csv', path.join(dir, 'out.csv'));
  assert.is(broken.code, 1);
  assert.match(broken.stderr, /^error: the archive file \S+ cannot be read: /);
});

test('export never destroys a file by surprise: existing outputs, format and name, folders, standard output', async () => {
  const archive = await archiveWithTicks();
  const env = pluginEnv();
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-out-'));
  const run = (...args: string[]) => cli(['export', '--archive', archive.dir, ...args], env);
  const taken = path.join(dir, 'web.csv');
  writeFileSync(taken, 'mine');
  const refused = await run('--output', taken);
  assert.equal([refused.code, refused.stderr.trim()], [2, `error: --output ${taken} exists; pass --force to replace it, or pick another name`]);
  assert.is(readFileSync(taken, 'utf8'), 'mine');
  const forced = await run('--output', taken, '--force');
  assert.is(forced.code, 0, forced.stderr);
  assert.match(readFileSync(taken, 'utf8'), /^ts,cluster,/, 'the format comes from the name: CSV');
  const mismatch = await run('--format', 'csv', '--output', path.join(dir, 'x.parquet'));
  assert.equal([mismatch.code, mismatch.stderr.trim()], [2, `error: --output ${path.join(dir, 'x.parquet')} names a parquet file, but --format is csv; name it x.csv, or drop --format`]);
  const noEnding = await run('--output', path.join(dir, 'data'));
  assert.is(noEnding.code, 2);
  assert.match(noEnding.stderr, /has no file ending that names a format; add --format/);
  assert.not.ok(existsSync(path.join(dir, 'x.parquet')) || existsSync(path.join(dir, 'data')), 'nothing written for a refused export');
  // a partitioned folder only when asked, and a second export adds files beside the first's
  const hive = path.join(dir, 'hive');
  for (let i = 0; i < 2; i++) assert.is((await run('--partition', '--output', hive)).code, 0);
  const parts = readdirSync(hive, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
  assert.is(parts.length, 2, parts.join(','));
  assert.is((await readSamples(parts.map((p) => path.join(hive, p)), {}, {})).length, 2 * values.length, 'both exports are there, whole');
  // standard output: the data there, the count on stderr, no file named "-"
  const out = await run('--format', 'jsonl', '--output', '-');
  assert.is(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, values.length);
  assert.equal(lines[0].unit, 'millicores', 'each long row of a text format names its unit');
  assert.match(out.stderr, /wrote 30 samples to standard output/);
  assert.not.ok(existsSync(path.join(process.cwd(), '-')));
  const binary = await run('--format', 'parquet', '--output', '-');
  assert.is(binary.code, 2);
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('.tmp-')), [], 'no temporary file left');
});

test('an export killed in the middle leaves nothing under the name asked for', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'big', handBatches(T0, Array.from({ length: 200 }, (_, i) => i)));
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-kill-'));
  const { spawn } = await import('node:child_process');
  const { ROOT } = await import('../helpers/paths.js');
  let partial = 0;
  for (let i = 0; i < 6; i++) {
    const dest = path.join(dir, `out-${i}.parquet`);
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'export', '--archive', archive.dir, '--output', dest], { env: pluginEnv(), stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 300 + i * 200));
    child.kill('SIGKILL');
    await exited;
    // whatever the moment: no file under the name, or a whole one
    if (existsSync(dest)) assert.is((await readSamples([dest], {}, {})).length, 200);
    else partial++;
  }
  assert.ok(partial > 0, 'some kills landed before the rename');
  assert.equal((await verify(archive)).problems, [], 'the archive is untouched');
});

test('units travel with the data; Arrow timestamps are microseconds as in Parquet', async () => {
  const archive = await archiveWithTicks();
  const files = await archive.files({ kind: 'samples' });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-units-'));
  await exportSamples(files, {}, {}, { format: 'parquet', dest: path.join(dir, 'a.parquet'), wide: false });
  const { parquetMetadata } = await import('hyparquet');
  const meta = parquetMetadata(new Uint8Array(readFileSync(path.join(dir, 'a.parquet'))).buffer);
  assert.equal(JSON.parse(meta.key_value_metadata!.find((k) => k.key === 'units')!.value!), { 'cpu/usage_rate': 'millicores' });
  const arrow = await import('apache-arrow');
  await exportSamples(files, {}, {}, { format: 'arrow', dest: path.join(dir, 'a.arrow'), wide: false });
  const table = arrow.tableFromIPC(readFileSync(path.join(dir, 'a.arrow')));
  const ts = table.schema.fields.find((f) => f.name === 'ts')!;
  assert.is((ts.type as InstanceType<typeof arrow.Timestamp>).unit, arrow.TimeUnit.MICROSECOND);
  // the stored integer is what pyarrow and pandas read; apache-arrow's getter turns it into milliseconds
  assert.is((table.getChild('ts')!.data[0]!.values as BigInt64Array)[0], BigInt(T0) * 1000n, 'µs since the epoch as stored');
  assert.is(Number(table.getChild('ts')!.get(0)), T0);
  assert.equal(JSON.parse(table.schema.metadata.get('units')!), { 'cpu/usage_rate': 'millicores' });
});

test('an export that matches nothing says so, naming what the archive holds', async () => {
  const archive = await archiveWithTicks();
  const env = pluginEnv();
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-none-'));
  const unknown = await cli(['export', 'namespaces/wbe', '--archive', archive.dir, '--output', path.join(dir, 'a.csv')], env);
  assert.equal([unknown.code, unknown.stderr.trim()], [2, 'error: no namespace "wbe" in the data; did you mean web?']);
  const early = await cli(['export', '--archive', archive.dir, '--output', path.join(dir, 'b.csv'), '--start', '2020-01-01T00:00:00Z', '--end', '2020-01-02T00:00:00Z'], env);
  assert.is(early.code, 2);
  assert.is(early.stderr.trim(), 'error: nothing to export: no samples of anything in the window 2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z; recorded: r1 2026-01-01T10:00:00Z to 2026-01-01T10:29:00Z');
  assert.equal(readdirSync(dir), []);
});

test('exported Parquet reads back equal through DuckDB and through hyparquet, with UTC microsecond timestamps', async () => {
  const archive = await archiveWithTicks();
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'kh-exp-')), 'all.parquet');
  const files = await archive.files({ kind: 'samples' });
  assert.is(await exportSamples(files, {}, {}, { format: 'parquet', dest: out, wide: false }), values.length);
  const rows = await parquetReadObjects({ file: new Uint8Array(readFileSync(out)).buffer, compressors });
  assert.is(rows.length, values.length);
  const byTs = new Map(rows.map((r: any) => [new Date(r.ts).getTime(), r]));
  values.forEach((v, i) => {
    const r: any = byTs.get(T0 + i * 60_000);
    assert.ok(r, `row for minute ${i}`);
    assert.is(r.value, v);
    assert.is(r.metric, 'cpu/usage_rate');
    assert.is(r.namespace, 'web');
    assert.is(r.cluster, 'test-cluster');
  });
  const viaDuck = await readSamples([out], {}, {});
  assert.equal(viaDuck.map((r) => [r.ts, r.value]), values.map((v, i) => [T0 + i * 60_000, v]));
});

test('CSV, JSON lines and Arrow carry the same rows; --wide pivots metrics into columns', async () => {
  const archive = await tempArchive();
  const batches = handBatches(T0, [1, 2, 3]);
  batches.forEach((b, i) => b.sets.get('namespace:web')!.values.set('memory/usage', 100 * (i + 1)));
  await writeBatches(archive, 'r2', batches);
  const files = await archive.files({ kind: 'samples' });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-exp-'));
  await exportSamples(files, {}, {}, { format: 'csv', dest: path.join(dir, 'a.csv'), wide: false });
  const csv = readFileSync(path.join(dir, 'a.csv'), 'utf8').trim().split('\n');
  assert.is(csv.length, 1 + 6);
  assert.match(csv[0]!, /^ts,cluster,recording,type,node,namespace,pod,pod_uid,container,resource_id,metric,value,unit$/);
  await exportSamples(files, {}, {}, { format: 'jsonl', dest: path.join(dir, 'a.jsonl'), wide: false });
  const lines = readFileSync(path.join(dir, 'a.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.filter((l) => l.metric === 'memory/usage').map((l) => [l.ts, l.value]), [['2026-01-01T10:00:00.000Z', 100], ['2026-01-01T10:01:00.000Z', 200], ['2026-01-01T10:02:00.000Z', 300]]);
  await exportSamples(files, {}, {}, { format: 'csv', dest: path.join(dir, 'w.csv'), wide: true });
  const wide = readFileSync(path.join(dir, 'w.csv'), 'utf8').trim().split('\n');
  assert.is(wide.length, 1 + 3);
  assert.match(wide[0]!, /cpu\/usage_rate/);
  assert.match(wide[0]!, /memory\/usage/);
  const arrow = await import('apache-arrow');
  await exportSamples(files, {}, {}, { format: 'arrow', dest: path.join(dir, 'a.arrow'), wide: false });
  const table = arrow.tableFromIPC(readFileSync(path.join(dir, 'a.arrow')));
  assert.is(table.numRows, 6);
  assert.equal(table.getChild('value')!.toArray().slice().sort(), Float64Array.from([1, 100, 2, 200, 3, 300]).sort());
});

test.run();

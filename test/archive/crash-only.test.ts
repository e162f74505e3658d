import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Archive, compact, readSamples, repairArchive, selectGaps, selectRecordings, selectSnapshots, verify, type Snapshot } from '../../src/archive/index.js';
import { writeIntent } from '../../src/archive/intents.js';
import { handBatches, tempArchive, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 0, 1, 10);
const values = Array.from({ length: 12 }, (_, i) => 100 + ((i * 7919) % 1000));

/** An archive with two recordings of hand-made batches, and what it holds, read back. */
async function twoRecordings() {
  const archive = await tempArchive();
  await writeBatches(archive, 'r1', handBatches(T0, values));
  await writeBatches(archive, 'r2', handBatches(T0 + 3_600_000, values.slice(0, 5), 'memory/usage'));
  return { archive, before: await contents(archive) };
}

async function contents(archive: Archive) {
  const rows = await readSamples(await archive.files({ kind: 'samples' }), {}, {});
  const recs = (await archive.catalog(true, (con) => selectRecordings(con))).map((r) => ({ name: r.name, rows: r.rows, ticks: r.ticks, status: r.status, tsMin: r.tsMin, tsMax: r.tsMax, resolution: r.resolutionMs }));
  return { rows: rows.map((r) => JSON.stringify(r)).sort(), recs };
}

/** The pid of a process that has ended: files named with it have no live writer. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
}

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (x: unknown) => x as Error);
  assert.ok(e, 'expected a refusal');
  assert.match(e!.message, pattern);
}

const reopen = async (archive: Archive) => {
  const notices: string[] = [];
  const a = await Archive.open(archive.dir, false, { notice: (l) => notices.push(l) });
  return { a, notices };
};

// ---
test('a corrupt catalog is rebuilt from the files on the next open, in one line, with nothing recorded lost', async () => {
  const { archive, before } = await twoRecordings();
  const cat = readFileSync(archive.catalogPath);
  // a torn block, as a kill in the middle of a checkpoint would leave it
  for (let k = 16; k < 272; k++) cat.writeUInt8(cat[12288 + k]! ^ 0x5a, 12288 + k);
  writeFileSync(archive.catalogPath, cat);
  const { a, notices } = await reopen(archive);
  assert.equal(await contents(a), { ...before, recs: before.recs });
  assert.is(notices.length, 1, notices.join('\n'));
  assert.match(notices[0]!, /^the catalog was corrupt \(.*\); rebuilt it from \d+ files and 2 recordings, nothing recorded lost \(the old one is kept as catalog\.duckdb\.corrupt-\d+\)$/);
  assert.ok(readdirSync(archive.dir).some((f) => f.startsWith('catalog.duckdb.corrupt-')));
  assert.equal((await verify(a)).problems, []);
});

test('garbage, an empty file or a missing catalog: rebuilt the same way', async () => {
  for (const damage of ['garbage', 'empty', 'missing'] as const) {
    const { archive, before } = await twoRecordings();
    if (damage === 'missing') renameSync(archive.catalogPath, path.join(path.dirname(archive.dir), 'elsewhere.duckdb'));
    else writeFileSync(archive.catalogPath, damage === 'empty' ? '' : 'not a database '.repeat(500));
    const { a, notices } = await reopen(archive);
    assert.equal(await contents(a), before, damage);
    assert.match(notices[0] ?? '', damage === 'missing' ? /^the catalog was missing; rebuilt it/ : /^the catalog was corrupt/, damage);
  }
});

test('gaps and a recording that never wrote a batch survive a rebuild', async () => {
  const { archive } = await twoRecordings();
  const { TickWriter } = await import('../../src/archive/index.js');
  const w = await TickWriter.start(archive, { name: 'empty', cluster: 'c', context: 'x', server: 'https://s', resolutionMs: 15_000, startedAt: T0, status: 'recording', nodes: 0, ticks: 0 });
  await w.gaps([{ ts: T0 + 15_000, node: '*', reason: 'api-unreachable', message: 'connection refused' }]);
  await w.finish('failed', 'the token expired');
  writeFileSync(archive.catalogPath, 'x');
  const { a } = await reopen(archive);
  const [r] = await a.catalog(true, (con) => selectRecordings(con, 'empty'));
  assert.equal([r!.status, r!.lastError, r!.resolutionMs], ['failed', 'the token expired', 15_000]);
  assert.equal((await a.catalog(true, (con) => selectGaps(con, 'empty'))).map((g) => [g.ts, g.node, g.reason]), [[T0 + 15_000, '*', 'api-unreachable']]);
});

test('opening reconciles: unfinished writes of dead processes go, complete files are adopted, live writers are left alone', async () => {
  const { archive, before } = await twoRecordings();
  const dead = deadPid();
  const snaps = await archive.allSnapshots();
  const victim = snaps.find((s) => s.recording === 'r1' && s.kind === 'samples')!;
  // a kill between the rename and the catalog: the file is complete, the catalog never heard of it
  const adopted = victim.file.replace(/-\d+-[0-9a-z]+\.parquet$/, `-${dead}-zz.parquet`);
  renameSync(path.join(archive.dir, victim.file), path.join(archive.dir, adopted));
  await archive.catalog(false, (con) => con.run(`DELETE FROM snapshots WHERE file = '${victim.file}'`));
  const folder = path.dirname(path.join(archive.dir, victim.file));
  const deadTemp = path.join(folder, `.tmp-r1-L0-1-${dead}-aa.parquet`);
  const liveTemp = path.join(folder, `.tmp-r1-L0-2-${process.pid}-bb.parquet`);
  const liveFile = path.join(folder, `r9-L0-3-${process.pid}-cc.parquet`);
  for (const f of [deadTemp, liveTemp]) writeFileSync(f, 'half a file');
  copyFileSync(path.join(archive.dir, adopted), liveFile);
  const v = await verify(archive);
  assert.equal(v.problems, []);
  assert.ok(v.leftovers.some((l) => l.startsWith(`${adopted}: a complete file the catalog does not list yet`)), v.leftovers.join('\n'));
  assert.ok(v.leftovers.some((l) => l.includes('an unfinished write of a process that is gone')));
  const { a } = await reopen(archive);
  assert.not.ok(existsSync(deadTemp), 'the dead writer\'s temp file is removed');
  assert.ok(existsSync(liveTemp) && existsSync(liveFile), 'a live writer\'s files are its own business');
  assert.ok((await a.allSnapshots()).some((s) => s.file === adopted));
  const after = await contents(a);
  assert.equal(after.rows, before.rows, 'the adopted file brings its rows back, once');
});

test('an interrupted compaction: undone before its swap committed, finished after; a row is never doubled or lost', async () => {
  for (const when of ['before-commit', 'after-commit'] as const) {
    const { archive, before } = await twoRecordings();
    const olds = (await archive.allSnapshots()).filter((s) => s.recording === 'r1' && s.kind === 'samples');
    const dead = deadPid();
    // what the killed compaction had done: its merged file renamed into place under its intent
    const merged = olds[0]!.file.replace('-L0-', '-L2-').replace(/-\d+-[0-9a-z]+\.parquet$/, `-${dead}-mm.parquet`);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`COPY (SELECT * FROM read_parquet([${olds.map((o) => `'${path.join(archive.dir, o.file)}'`).join(',')}]) ORDER BY ts)
      TO '${path.join(archive.dir, merged)}' (FORMAT parquet, KV_METADATA {"kubectl_heapster.kind": 'samples', "kubectl_heapster.recording": 'r1', "kubectl_heapster.cluster": '${olds[0]!.cluster}',
        "kubectl_heapster.date": '${olds[0]!.date}', "kubectl_heapster.level": '2', "kubectl_heapster.ts_min": '${olds[0]!.tsMin}', "kubectl_heapster.ts_max": '${olds.at(-1)!.tsMax}', "kubectl_heapster.resolution_ms": '60000'})`);
    con.closeSync();
    const intent = writeIntent(archive.dir, 'compact', olds.map((o) => o.file), [merged]);
    const i = JSON.parse(readFileSync(intent.path, 'utf8'));
    writeFileSync(intent.path, JSON.stringify({ ...i, pid: dead }));
    if (when === 'after-commit') {
      await archive.catalog(false, async (c) => {
        await c.run(`DELETE FROM snapshots WHERE file IN (${olds.map((o) => `'${o.file}'`).join(',')})`);
        await c.run(`INSERT INTO snapshots VALUES ('${merged}', 'r1', 'samples', '${olds[0]!.cluster}', DATE '${olds[0]!.date}', make_timestamp(${olds[0]!.tsMin}::BIGINT*1000), make_timestamp(${olds.at(-1)!.tsMax}::BIGINT*1000), ${olds.length}, ${statSync(path.join(archive.dir, merged)).size}, 2, now(), NULL)`);
      });
    }
    const v = await verify(archive);
    assert.ok(v.leftovers.some((l) => l.includes(when === 'before-commit' ? 'killed before it committed' : 'committed before it was killed')), `${when}: ${v.leftovers.join('\n')}`);
    const { a } = await reopen(archive);
    assert.equal((await contents(a)).rows, before.rows, when);
    const left = readdirSync(path.dirname(path.join(archive.dir, merged))).filter((f) => f.startsWith('r1-'));
    if (when === 'before-commit') assert.not.ok(left.includes(path.basename(merged)), 'the uncommitted merge is removed');
    else assert.equal(left, [path.basename(merged)], 'only the merged file stays');
    assert.equal(readdirSync(path.join(archive.dir, 'intents')), [], 'the intent is cleared');
    const after = await verify(a);
    assert.equal([after.problems, after.leftovers], [[], []], when);
  }
});

test('two compactions at once never double a row', async () => {
  const { archive, before } = await twoRecordings();
  const results = await Promise.all([compact(archive, { level: 2 }), compact(archive, { level: 2 })]);
  // each recording's day is merged by exactly one of the two runs, whichever swaps it first: one run
  // may take both, or each one (catalog sessions are short enough now for the runs to interleave)
  const sum = (k: 'merged' | 'written' | 'rows') => results.reduce((s, r) => s + r[k], 0);
  assert.is(sum('merged'), values.length + 5, JSON.stringify(results));
  assert.is(sum('written'), 2, JSON.stringify(results));
  assert.is(sum('rows'), before.rows.length, JSON.stringify(results));
  assert.equal(await contents(archive), { ...before, recs: before.recs });
  const v = await verify(archive);
  assert.equal([v.problems, v.leftovers], [[], []], 'the losing run\'s files gone, its series index with them');
  assert.is((await archive.snapshots({ kind: 'series' })).length, 2, 'one series index a day');
  assert.is(readdirSync(path.join(archive.dir, 'intents')).length, 0);
});

test('repair drops catalog rows of files that are gone, naming what was lost, and verify calls that damage', async () => {
  const { archive } = await twoRecordings();
  const gone: Snapshot = (await archive.allSnapshots()).find((s) => s.recording === 'r2' && s.kind === 'samples')!;
  renameSync(path.join(archive.dir, gone.file), path.join(path.dirname(archive.dir), 'moved.parquet'));
  const v = await verify(archive);
  assert.equal(v.problems, [`${gone.file}: in the catalog but missing on disk (${gone.rows} rows lost); \`archive repair\` drops it from the catalog`]);
  const lines = await repairArchive(archive);
  assert.ok(lines.includes(`dropped ${gone.file} from the catalog: the file is missing (${gone.rows} rows of r2 lost)`), lines.join('\n'));
  assert.equal((await verify(archive)).problems, []);
});

test('an archive is made only in a missing or empty folder; a file or a foreign folder is refused and left as it was', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kh-own-'));
  const file = path.join(root, 'notes.txt');
  writeFileSync(file, 'mine');
  chmodSync(file, 0o644);
  await rejects(Archive.open(file, true), /is a file, not an archive folder/);
  const foreign = path.join(root, 'photos');
  mkdirSync(foreign);
  chmodSync(foreign, 0o755);
  writeFileSync(path.join(foreign, 'cat.jpg'), 'meow');
  await rejects(Archive.open(foreign, true), /is not a kubectl-heapster archive: it holds other files/);
  assert.equal(readdirSync(foreign), ['cat.jpg']);
  assert.is(statSync(foreign).mode & 0o777, 0o755, 'its mode is not changed');
  assert.is(statSync(file).mode & 0o777, 0o644);
  const empty = path.join(root, 'empty');
  mkdirSync(empty);
  chmodSync(empty, 0o750);
  await Archive.open(empty, true);
  assert.ok(existsSync(path.join(empty, 'kubectl-heapster-archive.json')));
  assert.is(statSync(empty).mode & 0o777, 0o750, 'a folder it did not make keeps its mode');
});

test("everything the archive writes is private whatever the umask, DuckDB's WAL included", async () => {
  const old = process.umask(0o022);
  try {
    const { archive } = await twoRecordings();
    const dir = archive.dir;
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(d, e.name), ...walk(path.join(d, e.name))] : [path.join(d, e.name)]));
    for (const f of walk(dir)) assert.is(statSync(f).mode & 0o077, 0, `${f} is ${(statSync(f).mode & 0o777).toString(8)}`);
  } finally {
    process.umask(old);
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CATALOG_SCHEMA, insertSnapshots, selectSnapshots, type Snapshot } from '../../src/archive/catalog.js';
import { withFileDb } from '../../src/archive/duck.js';
import { tempArchive, writeBatches, handBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 0, 1, 10);

// the snapshots table as catalogs made before the key was dropped have it: file the PRIMARY KEY, no metric column
const KEYED = CATALOG_SCHEMA[1]!.replace('file VARCHAR NOT NULL', 'file VARCHAR PRIMARY KEY').replace(/,\s*metric VARCHAR\)$/, ')');

const snap = (file: string, i: number): Snapshot => ({
  file, recording: 'old', kind: 'samples', cluster: 'c', date: '2026-01-01', tsMin: T0 + i * 60_000, tsMax: T0 + i * 60_000, rows: 10 + i, bytes: 1000 + i, level: 0,
});

const keys = (catalog: string) => withFileDb(catalog, true, async (con) => Number((await con.runAndReadAll(
  "SELECT count(*) AS n FROM duckdb_constraints() WHERE database_name = current_database() AND table_name = 'snapshots' AND constraint_type = 'PRIMARY KEY'",
)).getRowObjects()[0]!.n));

test('a recording started on a catalog whose snapshots have a PRIMARY KEY drops the key and keeps every row', async () => {
  const archive = await tempArchive();
  assert.is(await keys(archive.catalogPath), 0, 'a new catalog has no key');
  await withFileDb(archive.catalogPath, false, async (con) => {
    await con.run('DROP TABLE snapshots');
    await con.run(KEYED);
    await insertSnapshots(con, [snap('samples/a.parquet', 0), snap('samples/b.parquet', 1)]);
  });
  assert.is(await keys(archive.catalogPath), 1);
  await writeBatches(archive, 'new', handBatches(T0 + 3_600_000, [1, 2, 3]));
  assert.is(await keys(archive.catalogPath), 0);
  const rows = await withFileDb(archive.catalogPath, true, (con) => selectSnapshots(con));
  const old = rows.filter((r) => r.recording === 'old').map(({ file, tsMin, tsMax, rows: n, bytes, level, date }) => ({ file, tsMin, tsMax, rows: n, bytes, level, date }));
  assert.equal(old, [0, 1].map((i) => ({ file: `samples/${'ab'[i]}.parquet`, tsMin: T0 + i * 60_000, tsMax: T0 + i * 60_000, rows: 10 + i, bytes: 1000 + i, level: 0, date: '2026-01-01' })));
  assert.is(rows.filter((r) => r.recording === 'new' && r.kind === 'samples').length, 3);
});

test('a file already listed is not listed twice, as a repair may have adopted it before its writer cataloged it', async () => {
  const archive = await tempArchive();
  await withFileDb(archive.catalogPath, false, async (con) => {
    await insertSnapshots(con, [snap('samples/a.parquet', 0)]);
    await insertSnapshots(con, [snap('samples/a.parquet', 0), snap('samples/b.parquet', 1)]);
  });
  const files = (await withFileDb(archive.catalogPath, true, (con) => selectSnapshots(con))).map((s) => s.file).sort();
  assert.equal(files, ['samples/a.parquet', 'samples/b.parquet']);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { withMemoryDb } from '../../src/archive/duck.js';
import { sweepSpillDirs } from '../../src/archive/spill-dir.js';

const N = 3_000_000;

/** Fills a table far past a 30 MB cap, so DuckDB spills it, and reads it back. */
async function spillAndSum(con: DuckDBConnection): Promise<{ dir: string; spilled: boolean; n: number; sum: bigint }> {
  const dir = String((await con.runAndReadAll("SELECT current_setting('temp_directory') AS d")).getRowObjects()[0]!.d);
  await con.run("SET memory_limit = '30MB'");
  await con.run(`CREATE TABLE t AS SELECT i, hash(i)::VARCHAR AS s FROM range(${N}) r(i)`);
  const spilled = Number((await con.runAndReadAll('SELECT count(*) AS n FROM duckdb_temporary_files()')).getRowObjects()[0]!.n) > 0;
  const r = (await con.runAndReadAll('SELECT count(*) AS n, sum(i)::HUGEINT AS s FROM t')).getRowObjects()[0]!;
  return { dir, spilled, n: Number(r.n), sum: BigInt(String(r.s)) };
}

test('two DuckDB instances spilling at once each have a folder of their own, removed when closed', async () => {
  // DuckDB names spill files alike in every instance: in one shared folder these read each other's
  // blocks ("Corrupt temporary file", or a segfault)
  const [a, b] = await Promise.all([withMemoryDb(spillAndSum), withMemoryDb(spillAndSum)]);
  const expected = (BigInt(N) * BigInt(N - 1)) / 2n;
  for (const r of [a, b]) {
    assert.ok(r.spilled, 'the table did not spill: the test proves nothing');
    assert.is(r.n, N);
    assert.is(r.sum, expected);
    assert.match(path.basename(r.dir), new RegExp(`^spill-${process.pid}-`));
    assert.not.ok(existsSync(r.dir), `${r.dir} was left behind`);
  }
  assert.is.not(a.dir, b.dir);
  assert.is(path.dirname(a.dir), path.dirname(b.dir));
});

test("the spill folders of dead processes are swept; a live process's and anything else stay", () => {
  const base = mkdtempSync(path.join(tmpdir(), 'kh-spill-'));
  // pids never go above 2^22 on Linux
  const dead = path.join(base, 'spill-99999999-abc');
  const live = path.join(base, `spill-${process.pid}-abc`);
  const other = path.join(base, 'spill-notes');
  for (const d of [dead, live, other]) {
    mkdirSync(d);
    writeFileSync(path.join(d, 'duckdb_temp_storage_DEFAULT-0.tmp'), 'x');
  }
  const file = path.join(base, 'export-1-abc');
  writeFileSync(file, 'x');
  sweepSpillDirs(base);
  assert.not.ok(existsSync(dead));
  assert.ok(existsSync(live));
  assert.ok(existsSync(other));
  assert.ok(existsSync(file));
});

test.run();

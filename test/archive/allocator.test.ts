import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keepFreedMemory, keepFreedMemoryBriefly, keepMemoryBetweenTicks } from '../../src/archive/duck.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `fn` with DUCKDB_JE_MALLOC_CONF unset, and puts back what this process had. */
function withoutUserConf(fn: () => void): void {
  const before = process.env.DUCKDB_JE_MALLOC_CONF;
  try {
    delete process.env.DUCKDB_JE_MALLOC_CONF;
    fn();
  } finally {
    if (before === undefined) delete process.env.DUCKDB_JE_MALLOC_CONF;
    else process.env.DUCKDB_JE_MALLOC_CONF = before;
  }
}

test("keepFreedMemory sets DuckDB's allocator option only when the user has not", () => withoutUserConf(() => {
  keepFreedMemory(3000);
  assert.is(process.env.DUCKDB_JE_MALLOC_CONF, 'dirty_decay_ms:3000,muzzy_decay_ms:3000');
  process.env.DUCKDB_JE_MALLOC_CONF = 'narenas:1';
  keepFreedMemory(3000);
  assert.is(process.env.DUCKDB_JE_MALLOC_CONF, 'narenas:1');
}));

test('a writer below 10 s resolution keeps its ticks\' memory 30 s; at 10 s and more DuckDB keeps its own setting', () => withoutUserConf(() => {
  keepMemoryBetweenTicks(10_000);
  assert.is(process.env.DUCKDB_JE_MALLOC_CONF, undefined);
  keepMemoryBetweenTicks(1000);
  assert.is(process.env.DUCKDB_JE_MALLOC_CONF, 'dirty_decay_ms:30000,muzzy_decay_ms:30000');
}));

test('a compaction keeps what DuckDB frees 100 ms, unless the user set the allocator', () => withoutUserConf(() => {
  keepFreedMemoryBriefly();
  assert.is(process.env.DUCKDB_JE_MALLOC_CONF, 'dirty_decay_ms:100,muzzy_decay_ms:100');
  process.env.DUCKDB_JE_MALLOC_CONF = 'narenas:1';
  keepFreedMemoryBriefly();
  assert.is(process.env.DUCKDB_JE_MALLOC_CONF, 'narenas:1');
}));

test("DuckDB's allocator takes the option when it is set before DuckDB loads, in place of DuckDB's 1 s", () => {
  // a fresh process: this one may have loaded DuckDB already. jemalloc prints its options at exit
  // when stats_print is on, which is added to what keepFreedMemory set, not instead of it
  const script = (keep: boolean) => `
    const duck = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/archive/duck.js')).href)});
    ${keep ? 'duck.keepFreedMemory(3000);' : ''}
    const print = 'stats_print:true,stats_print_opts:mdablxe';
    process.env.DUCKDB_JE_MALLOC_CONF = process.env.DUCKDB_JE_MALLOC_CONF ? process.env.DUCKDB_JE_MALLOC_CONF + ',' + print : print;
    const { DuckDBInstance } = await duck.duckdb();
    await (await (await DuckDBInstance.create(':memory:')).connect()).run('SELECT 1');`;
  const decay = (keep: boolean) => {
    const env = { ...process.env };
    delete env.DUCKDB_JE_MALLOC_CONF;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(keep)], { encoding: 'utf8', env });
    assert.is(r.status, 0, r.stderr);
    assert.not.match(r.stderr, 'Invalid conf');
    return /opt\.dirty_decay_ms: (-?\d+)/.exec(r.stderr)?.[1];
  };
  assert.is(decay(true), '3000');
  assert.is(decay(false), '1000');
});

test.run();

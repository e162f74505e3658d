import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_MEMORY_LIMIT, memoryLimit, memoryLimitBytes, withMemoryDb } from '../../src/archive/duck.js';
import { errorLine, outOfMemoryLine } from '../../src/cli/system-error.js';

test('KUBECTL_HEAPSTER_MEMORY_LIMIT reaches DuckDB; unset, the default does', async () => {
  const setting = async () => withMemoryDb(async (con) => String((await con.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjects()[0]!.m));
  const before = process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT;
  try {
    process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT = '300MB';
    // DuckDB counts 300 MB in MiB: 300e6 / 2^20 = 286.1
    assert.is(await setting(), '286.1 MiB');
    delete process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT;
    assert.is(memoryLimit(), DEFAULT_MEMORY_LIMIT);
    assert.is.not(await setting(), '286.1 MiB');
    // and the default is 512MB: 512e6 / 2^20 = 488.3, which DuckDB shows cut to 488.2
    assert.is(await setting(), '488.2 MiB');
  } finally {
    if (before === undefined) delete process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT;
    else process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT = before;
  }
});

test('a limit that is not a size is a usage error naming the variable', () => {
  for (const bad of ['lots', '512', '-1GB', '1 GB and more']) {
    try {
      memoryLimit({ KUBECTL_HEAPSTER_MEMORY_LIMIT: bad });
      assert.unreachable(bad);
    } catch (e) {
      assert.is((e as { exitCode?: number }).exitCode, 2, bad);
      assert.match(String((e as Error).message), `KUBECTL_HEAPSTER_MEMORY_LIMIT=${bad} is not a size`);
    }
  }
  assert.is(memoryLimit({ KUBECTL_HEAPSTER_MEMORY_LIMIT: ' 1.5GB ' }), '1.5GB');
});

test('the cap in bytes, as DuckDB counts it: MB are 10^6 bytes, MiB 2^20', () => {
  const bytes = (v: string) => memoryLimitBytes({ KUBECTL_HEAPSTER_MEMORY_LIMIT: v });
  assert.equal([bytes('512MB'), bytes('1.5GB'), bytes('1GiB'), bytes('300kib')], [512e6, 1.5e9, 2 ** 30, 300 * 1024]);
  assert.is(memoryLimitBytes({}), 512e6, 'the default');
});

test('DuckDB running out of its cap is told as the cap, with what to do, not as an internal error', async () => {
  const before = process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT;
  process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT = '16MB';
  let err: Error | undefined;
  try {
    // a list cannot spill: 10 million BIGINTs are 80 MB against a 16 MB cap
    await withMemoryDb((con) => con.runAndReadAll('SELECT list(i) FROM range(10000000) t(i)'));
  } catch (e) {
    err = e as Error;
  } finally {
    if (before === undefined) delete process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT;
    else process.env.KUBECTL_HEAPSTER_MEMORY_LIMIT = before;
  }
  assert.ok(err, 'DuckDB refused');
  assert.is(outOfMemoryLine(err!, '16MB'), 'DuckDB needed more memory than its cap of 16MB (KUBECTL_HEAPSTER_MEMORY_LIMIT); narrow the window or the target, or raise the cap, e.g. KUBECTL_HEAPSTER_MEMORY_LIMIT=2GB');
  assert.is(outOfMemoryLine(new Error('IO Error: No files found'), '16MB'), undefined);
  // the recorder's warning of a failed hourly compaction: the same words, and any other error's first line
  assert.is(errorLine(err!, '16MB'), outOfMemoryLine(err!, '16MB'));
  assert.is(errorLine(new Error('IO Error: No files found\nmore'), '16MB'), 'IO Error: No files found');
  assert.is(errorLine(Object.assign(new Error('x'), { code: 'ENOSPC', path: '/a/b' }), '16MB'), 'cannot write /a/b: no space left on the device; free some space and run it again; what was already recorded is kept');
});

test.run();

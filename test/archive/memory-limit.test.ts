import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_MEMORY_LIMIT, memoryLimit, withMemoryDb } from '../../src/archive/duck.js';

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

test.run();

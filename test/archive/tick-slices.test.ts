import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withMemoryDb } from '../../src/archive/duck.js';
import { inSlice, tickSlices } from '../../src/archive/tick-slices.js';

// three ticks of 3, 2 and 4 rows, a minute apart, and a row another filter leaves out
const ROWS = `SELECT make_timestamp(t * 60000000) AS ts, x FROM (VALUES (0, 1), (0, 1), (0, 1), (1, 1), (1, 1), (2, 1), (2, 1), (2, 1), (2, 1), (1, 0)) v(t, x)`;
const minute = (m: number) => BigInt(m) * 60_000_000n;

test('ticks are cut into slices of at most the rows asked, each at least one tick', async () => {
  await withMemoryDb(async (con) => {
    const from = `(${ROWS})`;
    const slices = async (limit: number) => (await tickSlices(con, from, 'x = 1', limit)).map(([lo, hi]) => [Number(lo / 60_000_000n), Number(hi / 60_000_000n)]);
    assert.equal(await slices(100), [[0, 2]]);
    assert.equal(await slices(4), [[0, 0], [1, 1], [2, 2]]);
    // a tick larger than the limit is still one slice, not split or left out
    assert.equal(await slices(1), [[0, 0], [1, 1], [2, 2]]);
    // the row the filter leaves out is not counted: with it, tick 1 would have 3 rows and not fit beside tick 0
    assert.equal(await slices(5), [[0, 1], [2, 2]]);
    assert.equal(await tickSlices(con, from, 'false', 10), []);
    // a slice's condition keeps its ticks' rows, and only them
    const n = Number((await con.runAndReadAll(`SELECT count(*) FROM ${from} WHERE x = 1 AND ${inSlice([minute(1), minute(2)])}`)).getRows()[0]![0]);
    assert.is(n, 6);
  });
});

test.run();

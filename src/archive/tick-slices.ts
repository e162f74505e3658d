import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The ticks of the rows `where` picks from `from`, cut into consecutive slices of at most `limit`
 * rows each (and at least one tick), as inclusive [first, last] timestamps in microseconds: work
 * that must sort or pivot a window is done a slice at a time, so its size is bounded by the rows
 * and not by the window's length.
 */
export async function tickSlices(con: DuckDBConnection, from: string, where: string, limit: number): Promise<[bigint, bigint][]> {
  const perTs = (await con.runAndReadAll(`SELECT epoch_us(ts) AS t, count(*) AS n FROM ${from} WHERE ${where} GROUP BY 1 ORDER BY 1`)).getRows();
  const slices: [bigint, bigint][] = [];
  let rows = 0;
  for (const [t, n] of perTs as [bigint, bigint][]) {
    if (slices.length === 0 || rows + Number(n) > limit) {
      slices.push([t, t]);
      rows = 0;
    }
    slices.at(-1)![1] = t;
    rows += Number(n);
  }
  return slices;
}

/** The SQL condition that keeps one slice of tickSlices. */
export function inSlice([lo, hi]: [bigint, bigint]): string {
  return `ts BETWEEN make_timestamp(${lo}) AND make_timestamp(${hi})`;
}

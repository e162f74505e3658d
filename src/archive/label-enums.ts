import type { DuckDBConnection } from '@duckdb/node-api';
import { lit } from './duck.js';

/** Label columns of sample files that usually hold a few values: pods and pod UIDs hold thousands. */
const CANDIDATES = ['recording', 'type', 'node', 'namespace', 'container', 'metric', 'resource_id'];

/**
 * Up to this many values a column is written from an ENUM. Parquet writes the whole ENUM as each
 * row group's dictionary: 611 pods in 22 row groups made the pod column 10× larger, while 20 nodes or
 * 7 namespaces cost a few hundred bytes a file.
 */
const MAX_VALUES = 64;

/**
 * The label values of the rows a compaction or an export writes, to write the few-valued columns as ENUMs whose
 * values are in string order: Parquet takes their dictionaries from the type instead of hashing each
 * row's string, and sorting by them compares integers. The rows, their order and the file's columns
 * (UTF-8, with dictionaries) are those of `SELECT *`; an ENUM column's statistics are its ENUM's,
 * so the columns a file is sorted by first are left as they are (leadingLabels). An hour of 20 nodes at 15 s
 * (13 M rows) compacted in 22-24 s instead of 29-32, peak RSS 0.43-0.45 GB instead of 0.59-0.76,
 * for 0.3% more bytes: a file of a day split by metric has the group's values in its dictionaries.
 * Found once per group: scanning again for each file of a split day cost more than it saved.
 */
export class LabelEnums {
  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** `source`: a FROM clause (a compaction's read_parquet, an export's view) */
  static async of(con: DuckDBConnection, source: string): Promise<LabelEnums> {
    const have = new Set((await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjects().map((r) => String(r.column_name)));
    const cols = CANDIDATES.filter((c) => have.has(c));
    const values = new Map<string, readonly string[]>();
    if (!cols.length) return new LabelEnums(values);
    const row = (await con.runAndReadAll(`SELECT ${cols.map((c) => `list(DISTINCT ${c} ORDER BY ${c}) FILTER (WHERE ${c} IS NOT NULL) AS ${c}`).join(', ')} FROM ${source}`)).getRowObjects()[0]!;
    for (const c of cols) values.set(c, ((row[c] as { items?: unknown[] } | null)?.items ?? []).map(String));
    return new LabelEnums(values);
  }

  /** A column's values, in string order; none when the files do not have it. */
  valuesOf(column: string): readonly string[] {
    return this.values.get(column) ?? [];
  }

  /**
   * The select list of a file sorted by `order` (its ORDER BY); `metric`: the file holds only this
   * metric (a day split by metric). The labels it is sorted by first stay VARCHAR (leadingLabels).
   */
  select(order: string, metric?: string): string {
    const asText = leadingLabels(order);
    const casts: string[] = [];
    for (const [c, all] of this.values) {
      if (asText.includes(c)) continue;
      const values = c === 'metric' && metric !== undefined ? [metric] : all;
      if (values.length === 0 || values.length > MAX_VALUES) continue;
      casts.push(`CAST(${c} AS ENUM(${values.map(lit).join(', ')})) AS ${c}`);
    }
    return casts.length ? `* REPLACE (${casts.join(', ')})` : '*';
  }
}

/**
 * The label columns a file's ORDER BY sorts by before the pod: left as VARCHAR, because DuckDB
 * writes an ENUM column's statistics from the ENUM's values, not the row group's. Every row group of
 * an hour of 100 nodes then claimed every metric, type and namespace, so a query of one metric read
 * all 132 of them (`type = 'pod' AND metric = 'memory/usage'`: 72-89 ms against 17-31 ms with true
 * statistics). The columns sorted first come in long runs, so their dictionaries cost the writer
 * little: that hour merged in about the same CPU time (26-30 s, against 24-36 s with every label an
 * ENUM); an hour of 20 nodes took 7.1-7.9 s of wall time where it took 5.8-5.9.
 */
function leadingLabels(order: string): string[] {
  const cols = order.split(',').map((c) => c.trim());
  const pod = cols.indexOf('pod');
  return cols.slice(0, pod < 0 ? cols.length : pod).filter((c) => CANDIDATES.includes(c));
}

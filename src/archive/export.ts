import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PluginError, usageError } from '../model/index.js';
import { lit } from './duck.js';
import { readArchive, whereClause, type SampleFilter, type TimeRange } from './read-samples.js';

export const EXPORT_FORMATS = ['parquet', 'csv', 'jsonl', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** a file; for parquet a path not ending in .parquet is a Hive-partitioned folder (cluster=/date=) */
  dest: string;
  /** one column per metric instead of one row per sample */
  wide: boolean;
}

const ID = 'cluster, recording, type, node, namespace, pod, pod_uid, container, resource_id';

/**
 * Exports samples for pandas, Polars, DuckDB or Spark: `ts` is a UTC timestamp in microseconds,
 * strings are dictionary-encoded in Parquet, rows sorted by series then time.
 */
export async function exportSamples(files: readonly string[], f: SampleFilter, range: TimeRange, o: ExportOptions): Promise<number> {
  checkDest(o);
  return readArchive(files, async (con, from) => {
    const long = `SELECT ts, ${ID}, metric, value, date FROM ${from} WHERE ${whereClause(f, range)}`;
    const rel = o.wide
      ? `SELECT * FROM (PIVOT (${long}) ON metric USING first(value) GROUP BY ts, ${ID}, date) ORDER BY type, namespace, pod, container, node, resource_id, ts`
      : long;
    // long rows stream in file order, which is already series then time within each compacted file:
    // a global ORDER BY over a day of a 100-node cluster spilled past the free disk.
    // Wide rows need the pivot's grouping, and DuckDB's PIVOT over values found in the data cannot stand
    // in a view, so that one is a table.
    await con.run(o.wide ? `CREATE TEMP TABLE out AS ${rel}` : `CREATE TEMP VIEW out AS ${rel}`);
    const n = Number((await con.runAndReadAll('SELECT count(*) AS n FROM out')).getRowObjects()[0]!.n);
    const iso = "strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts";
    try {
      switch (o.format) {
        case 'parquet':
          if (o.dest.endsWith('.parquet')) {
            await con.run(`COPY (SELECT * EXCLUDE (date) FROM out) TO ${lit(o.dest)} (FORMAT parquet, COMPRESSION zstd)`);
          } else {
            if (!existsSync(o.dest)) mkdirSync(o.dest, { recursive: true, mode: 0o700 });
            await con.run(`COPY out TO ${lit(o.dest)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (cluster, date), OVERWRITE_OR_IGNORE)`);
          }
          break;
        case 'csv':
          await con.run(`COPY (SELECT ${iso}, * EXCLUDE (ts, date) FROM out) TO ${lit(o.dest)} (FORMAT csv, HEADER)`);
          break;
        case 'jsonl':
          await con.run(`COPY (SELECT ${iso}, * EXCLUDE (ts, date) FROM out) TO ${lit(o.dest)} (FORMAT json)`);
          break;
        case 'arrow': {
          const bytes = await arrowOf(con);
          writeFileSync(o.dest, bytes);
          break;
        }
      }
    } catch (e) {
      // the view reads the archive as it is copied: only an error about the output is the output's
      const msg = String((e as Error).message).split('\n')[0]!;
      // (DuckDB writes a file as tmp_NAME beside it, then renames it)
      const ours = msg.includes(o.dest) || msg.includes(`tmp_${path.basename(o.dest)}`) || (e as NodeJS.ErrnoException).syscall !== undefined;
      if (!ours) throw e;
      throw new PluginError('archive', `writing ${o.dest} failed: ${msg}`, 'check the path and the free disk space');
    }
    if (existsSync(o.dest) && !o.dest.endsWith('/')) {
      try {
        chmodSync(o.dest, o.format === 'parquet' && !o.dest.endsWith('.parquet') ? 0o700 : 0o600);
      } catch {
        /* a folder export keeps its own modes */
      }
    }
    return n;
  }, true);
}

/** Arrow IPC (file format) through apache-arrow: DuckDB here has no arrow extension offline. */
async function arrowOf(con: import('@duckdb/node-api').DuckDBConnection): Promise<Uint8Array> {
  const arrow = await import('apache-arrow');
  const r = await con.runAndReadAll('SELECT epoch_us(ts) AS ts_us, * EXCLUDE (ts, date) FROM out');
  const names = r.columnNames();
  const cols = r.getColumns();
  const vectors: Record<string, import('apache-arrow').Vector> = {};
  names.forEach((name, i) => {
    const values = cols[i]!;
    if (name === 'ts_us') {
      vectors.ts = arrow.vectorFromArray(values.map((v) => (v === null ? null : Number(v as bigint) / 1000)), new arrow.TimestampMillisecond('UTC'));
    } else if (values.some((v) => typeof v === 'number')) {
      vectors[name] = arrow.vectorFromArray(values as (number | null)[], new arrow.Float64());
    } else {
      vectors[name] = arrow.vectorFromArray(values.map((v) => (v === null ? null : String(v))), new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
    }
  });
  return arrow.tableToIPC(new arrow.Table(vectors), 'file');
}

/** The output as its format takes it, a file or (Parquet not named .parquet) a folder; checked before any work. */
function checkDest(o: ExportOptions): void {
  const st = statSync(o.dest, { throwIfNoEntry: false });
  if (o.format === 'parquet' && !o.dest.endsWith('.parquet')) {
    if (st && !st.isDirectory()) throw usageError(`--output ${o.dest} is a file, and Parquet not named .parquet is written as a folder`, 'name a folder, or end the name in .parquet for one file');
    return;
  }
  if (st?.isDirectory()) throw usageError(`--output ${o.dest} is a folder`, `give a file name, such as ${path.join(o.dest, `export.${o.format}`)}`);
  if (!existsSync(path.dirname(path.resolve(o.dest)))) throw usageError(`the folder of --output ${o.dest} does not exist`, 'create it first, or pick another path');
}

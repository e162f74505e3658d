import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describeMetric, PluginError, usageError } from '../model/index.js';
import { writeArrowFile } from './arrow-file.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { fileList, lit, memoryLimitBytes } from './duck.js';
import { fsyncFile, removeIfThere, writerTag } from './durable.js';
import { LabelEnums } from './label-enums.js';
import { SAMPLE_ORDER } from './sample-writer.js';
import { privateTmpDir, spillDir } from './spill-dir.js';
import { readArchive, whereClause, type SampleFilter, type TimeRange } from './read-samples.js';
import { inSlice, tickSlices } from './tick-slices.js';

export const EXPORT_FORMATS = ['parquet', 'csv', 'jsonl', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The endings each format is known by; the first is the one suggested. */
const EXTENSIONS: Record<ExportFormat, string[]> = { parquet: ['.parquet', '.pq'], csv: ['.csv'], jsonl: ['.jsonl', '.ndjson', '.json'], arrow: ['.arrow', '.feather', '.ipc'] };

export interface ExportOptions {
  format: ExportFormat;
  /** a file; `-` for standard output (CSV and JSON lines); with `partition`, a folder */
  dest: string;
  /** one column per metric instead of one row per sample */
  wide: boolean;
  /** a Hive-partitioned Parquet folder (cluster=/date=) that each export adds uniquely named files to */
  partition?: boolean;
  /** replace an existing --output file */
  force?: boolean;
  /** where `-` goes */
  stdout?: NodeJS.WritableStream;
  /** rows per Arrow record batch (tests make it small to see several) */
  arrowBatchRows?: number;
  /** long rows a --wide slice pivots at most; by default what the memory cap allows (tests make it small) */
  wideSliceRows?: number;
}

/**
 * The format an output asks for: `--format` when given (refused if the name's ending says another),
 * else the ending's. A name with no known ending and no --format is a usage error, not a guess.
 */
export function exportFormatFor(dest: string, format: string | undefined, partition = false): ExportFormat {
  const fromName = (Object.keys(EXTENSIONS) as ExportFormat[]).find((f) => EXTENSIONS[f].some((e) => dest.toLowerCase().endsWith(e)));
  if (format !== undefined) {
    const f = format as ExportFormat;
    if (fromName && fromName !== f && !partition) throw usageError(`--output ${dest} names a ${fromName} file, but --format is ${f}`, `name it ${path.basename(dest).replace(/\.[^.]+$/, '')}${EXTENSIONS[f][0]}, or drop --format`);
    return f;
  }
  if (partition) return 'parquet';
  if (dest === '-') throw usageError('--output - needs --format csv or --format jsonl', 'standard output takes text formats only');
  if (!fromName) throw usageError(`--output ${dest} has no file ending that names a format`, `add --format (${EXPORT_FORMATS.join(', ')}), or end the name in .parquet, .csv, .jsonl or .arrow`);
  return fromName;
}

const ID = 'cluster, recording, type, node, namespace, pod, pod_uid, container, resource_id';

/**
 * Exports samples for pandas, Polars, DuckDB or Spark: `ts` is a UTC timestamp in microseconds,
 * strings are dictionary-encoded in Parquet, rows sorted by series then time, units alongside. A
 * file is written under a temporary name and renamed, so a killed export leaves nothing under the
 * name asked for. Returns the rows written; none matching writes nothing.
 */
export async function exportSamples(files: readonly string[], f: SampleFilter, range: TimeRange, o: ExportOptions): Promise<number> {
  checkDest(o);
  let parts: string | undefined;
  return readArchive(files, async (con, from) => {
    // long rows stream in file order, which is already series then time within each compacted file:
    // a global ORDER BY over a day of a 100-node cluster spilled past the free disk
    if (o.wide) {
      // named as a spill folder, so that one a killed export leaves is removed by the next command
      parts = spillDir();
      mkdirSync(parts, { mode: 0o700 });
      let wide: string;
      try {
        wide = await pivotInSlices(con, from, whereClause(f, range), parts, o.wideSliceRows);
      } catch (e) {
        const msg = String((e as Error).message).split('\n')[0]!;
        if (!msg.includes(parts)) throw e;
        throw new PluginError('archive', `writing ${o.dest} failed: staging the wide rows in ${parts}: ${msg}`, 'free space in TMPDIR, or point TMPDIR at a larger disk');
      }
      await con.run(`CREATE TEMP VIEW out AS ${wide}`);
    } else {
      await con.run(`CREATE TEMP VIEW out AS SELECT ts, ${ID}, metric, value, date FROM ${from} WHERE ${whereClause(f, range)}`);
    }
    const n = Number((await con.runAndReadAll('SELECT count(*) AS n FROM out')).getRowObjects()[0]!.n);
    if (n === 0) return 0;
    // long Parquet writes its few-valued labels from ENUMs, as compaction does: the day of 20 nodes
    // (77 M rows) exported in 24-30 s and 0.49 GB peak RSS instead of 48-49 s and 0.75 GB in one
    // hour's A/B (33 s earlier that day), the same rows and strings, 0.1% more bytes. Their scan
    // also finds the metrics.
    const labels = o.format === 'parquet' && !o.wide ? await LabelEnums.of(con, 'out') : undefined;
    const metrics = o.wide
      ? (await con.runAndReadAll('SELECT * FROM out LIMIT 0')).columnNames().filter((c) => describeMetric(c))
      : labels
        ? [...labels.valuesOf('metric')]
        : (await con.runAndReadAll(`SELECT DISTINCT metric FROM ${from} WHERE ${whereClause(f, range)}`)).getRowObjects().map((r) => String(r.metric));
    // what a value measures (Heapster declared CPU rates `count`; they are millicores)
    const unitName = (m: string) => describeMetric(m)?.quantity ?? 'count';
    const units = JSON.stringify(Object.fromEntries(metrics.sort().map((m) => [m, unitName(m)])));
    const unitOf = `CASE metric ${metrics.map((m) => `WHEN ${lit(m)} THEN ${lit(unitName(m))}`).join(' ')} END AS unit`;
    const iso = "strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts";
    // text formats have no metadata: each long row names its unit
    const textColumns = `${iso}, * EXCLUDE (ts, date)${o.wide ? '' : `, ${unitOf}`}`;
    const kv = `KV_METADATA {units: ${lit(units)}}`;
    const tmp = o.partition ? undefined : o.dest === '-' ? path.join(privateTmpDir(), `export-${writerTag()}`) : path.join(path.dirname(path.resolve(o.dest)), `.tmp-${path.basename(o.dest)}-${writerTag()}`);
    try {
      switch (o.format) {
        case 'parquet': {
          // the rows come in the compacted files' order (SAMPLE_ORDER): the labels they are sorted by
          // first keep true statistics, so a reader's filter skips row groups. The 20-node bench
          // day: DuckDB's count of one metric in the export 192-202 → 68-70 ms, of one namespace's
          // pods 185-221 → 53-70; the export itself 34.6-37.1 → 41.0-45.4 s
          const select = labels ? labels.select(SAMPLE_ORDER) : '*';
          if (o.partition) {
            if (!existsSync(o.dest)) mkdirSync(o.dest, { recursive: true, mode: 0o700 });
            // APPEND with uuid names: a second export into the folder adds files, it never replaces the first's
            await con.run(`COPY (SELECT ${select} FROM out) TO ${lit(o.dest)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (cluster, date), APPEND, FILENAME_PATTERN 'export-{uuid}', ${kv})`);
          } else {
            await con.run(`COPY (SELECT ${select} FROM (SELECT * EXCLUDE (date) FROM out)) TO ${lit(tmp!)} (FORMAT parquet, COMPRESSION zstd, ${kv})`);
          }
          break;
        }
        case 'csv':
          await con.run(`COPY (SELECT ${textColumns} FROM out) TO ${lit(tmp!)} (FORMAT csv, HEADER)`);
          break;
        case 'jsonl':
          await con.run(`COPY (SELECT ${textColumns} FROM out) TO ${lit(tmp!)} (FORMAT json)`);
          break;
        case 'arrow':
          await writeArrowFile(con, 'out', tmp!, units, o.arrowBatchRows);
          break;
      }
      if (tmp && o.dest === '-') await pipeline(createReadStream(tmp), o.stdout ?? process.stdout, { end: false });
      else if (tmp) {
        fsyncFile(tmp);
        renameSync(tmp, o.dest);
      }
    } catch (e) {
      // the view reads the archive as it is copied: only an error about the output is the output's
      const msg = String((e as Error).message).split('\n')[0]!;
      const ours = (tmp && msg.includes(path.basename(tmp))) || msg.includes(o.dest) || (e as NodeJS.ErrnoException).syscall !== undefined;
      // a reader of standard output that went away is not a failure to write (see BaseCommand)
      if (!ours || (e as NodeJS.ErrnoException).code === 'EPIPE') throw e;
      throw new PluginError('archive', `writing ${o.dest} failed: ${msg.replace(tmp ?? '\u0000', o.dest)}`, 'check the path and the free disk space');
    } finally {
      if (tmp) removeIfThere(tmp);
    }
    return n;
  }, true).finally(() => parts && rmSync(parts, { recursive: true, force: true }));
}

/**
 * Bytes of DuckDB memory PIVOT used per long row: on the 20-node bench day at a 512MB cap, half an hour
 * (1.6 M rows) pivoted and an hour ran out of memory; the slices keep half that margin again.
 */
const PIVOT_BYTES_PER_ROW = 500;

/**
 * Wide rows, pivoted a slice of time at a time into Parquet parts under `dir`, returned as one
 * relation reading the parts in order: one PIVOT over 6 hours of a 20-node cluster ran out of memory
 * even at a 2GB cap, since it cannot spill. A slice holds at most `sliceRows` long rows (by default
 * what the memory cap allows), and at least one timestamp. Rows come a slice at a time, each slice
 * sorted by series then time, so the order is time slice, series, time.
 */
async function pivotInSlices(con: DuckDBConnection, from: string, where: string, dir: string, sliceRows?: number): Promise<string> {
  const metrics = (await con.runAndReadAll(`SELECT DISTINCT metric FROM ${from} WHERE ${where} ORDER BY metric`)).getRows().map((r) => String(r[0]));
  if (metrics.length === 0) return `SELECT ts, ${ID}, date FROM ${from} WHERE false`;
  const slices = await tickSlices(con, from, where, Math.max(1, sliceRows ?? Math.floor(memoryLimitBytes() / PIVOT_BYTES_PER_ROW)));
  const files: string[] = [];
  for (const slice of slices) {
    const file = path.join(dir, `part-${String(files.length).padStart(6, '0')}.parquet`);
    const long = `SELECT ts, ${ID}, metric, value, date FROM ${from} WHERE ${where} AND ${inSlice(slice)}`;
    // the metrics named, so that every part has the same columns in the same order
    await con.run(`COPY (SELECT * FROM (PIVOT (${long}) ON metric IN (${metrics.map(lit).join(', ')}) USING first(value) GROUP BY ts, ${ID}, date)
      ORDER BY type, namespace, pod, container, node, resource_id, ts) TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd)`);
    files.push(file);
  }
  return `SELECT * FROM read_parquet(${fileList(files)})`;
}

/** The output as its format takes it, checked before any work: nothing that exists is replaced without --force. */
function checkDest(o: ExportOptions): void {
  if (o.dest === '-') {
    if (o.format !== 'csv' && o.format !== 'jsonl') throw usageError(`--output - takes csv or jsonl, not ${o.format}`, 'write binary formats to a file');
    if (o.partition) throw usageError('--partition writes a folder, not standard output', 'give --output a folder');
    return;
  }
  const st = statSync(o.dest, { throwIfNoEntry: false });
  if (o.partition) {
    if (o.format !== 'parquet') throw usageError(`--partition writes Parquet, not ${o.format}`, 'drop --format, or drop --partition for one file');
    if (st && !st.isDirectory()) throw usageError(`--output ${o.dest} is a file, and --partition writes a folder`, 'name a folder (a missing one is made)');
    // a folder of earlier exports takes more files; a folder of something else is not written into
    if (st && readdirSync(o.dest).some((e) => !e.startsWith('cluster='))) throw usageError(`--output ${o.dest} holds files that are not a partitioned export`, 'name a new or empty folder, or one an earlier --partition export made');
    return;
  }
  checkOutputFile(o.dest, !!o.force, `give a file name, such as ${path.join(o.dest, `export${EXTENSIONS[o.format][0]}`)}, or --partition for a partitioned folder`);
}

/** An --output file an export may write: not a folder, not one that exists unless `force`, in a folder that exists. */
export function checkOutputFile(dest: string, force: boolean, ifFolder = 'give a file name'): void {
  const st = statSync(dest, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw usageError(`--output ${dest} is a folder`, ifFolder);
  if (st && !force) throw usageError(`--output ${dest} exists`, 'pass --force to replace it, or pick another name');
  if (!existsSync(path.dirname(path.resolve(dest)))) throw usageError(`the folder of --output ${dest} does not exist`, 'create it first, or pick another path');
}

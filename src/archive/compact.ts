import { renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Archive } from './archive.js';
import { deleteSnapshots, insertSnapshots, selectRecordingRows, selectSnapshots, setSnapshotMetrics, type Snapshot } from './catalog.js';
import { fileList, lit, withMemoryDb } from './duck.js';
import { fsyncFile, removeIfThere, tempName } from './durable.js';
import { LabelEnums } from './label-enums.js';
import { kvMetadataOption, type FileMeta } from './file-meta.js';
import { clearIntent, writeIntent, type IntentFile } from './intents.js';
import { CompactTally } from './compact-tally.js';
import { rowRuns } from './row-runs.js';
import { MIXED_SAMPLE_ORDER, PARQUET_OPTIONS, ROW_GROUP_ROWS, SAMPLE_ORDER } from './sample-writer.js';
import { coveredBy, seriesIndexFile, writeSeriesIndex } from './series-index.js';

const ORDER: Record<Exclude<Snapshot['kind'], 'series'>, string> = { samples: SAMPLE_ORDER, pods: 'namespace, pod, ts', nodes: 'node, ts' };

export interface CompactOptions {
  /** only this recording */
  recording?: string;
  /** 1: merge into hourly files; 2: merge into daily files */
  level: 1 | 2;
  /** only snapshots that ended before this time (ms): the recorder leaves the current hour alone */
  before?: number;
  /** a daily sample file is split into one file per metric from this many rows (default SPLIT_ROWS) */
  splitRows?: number;
  /**
   * stops the run: the merge in hand is interrupted and its new files removed, groups already
   * swapped stay swapped, and the rest keep their files for a later run
   */
  signal?: AbortSignal;
  /** DuckDB's memory cap for the merges, instead of the process's (KUBECTL_HEAPSTER_MEMORY_LIMIT) */
  memoryLimit?: string;
  /** an hour of more rows is merged into several files, each of consecutive ticks (default MERGE_ROWS) */
  mergeRows?: number;
  /** a file of many metrics puts the metric last in its order when a tick is more rows than this (default a row group; MIXED_SAMPLE_ORDER) */
  metricLastFrom?: number;
  /** told before each group is merged: what a long run shows as its progress */
  onMerge?: (m: MergeStart) => void;
}

export interface MergeStart {
  level: 1 | 2;
  kind: Snapshot['kind'];
  date: string;
  tsMin: number;
  files: number;
  rows: number;
}

/**
 * About 50 metrics times a row group each: below it a day split by metric is mostly footers and
 * dictionaries (a 5-node minute-long recording tripled in size), and small days read fast whole.
 */
export const SPLIT_ROWS = 6_000_000;

/**
 * The most rows one hourly file is merged from. An hour of 20 nodes at 1 s (3,118 tick files, 146 M
 * samples) ran DuckDB out of its 512MB cap, which ended the recording at the hour; 28 M rows of such
 * ticks merge within 256MB. 100 nodes at 60 s is 16 M rows an hour, one file.
 */
export const MERGE_ROWS = 24_000_000;

/**
 * The most ticks a file of many metrics sorted metric last may hold (MIXED_SAMPLE_ORDER). Beyond,
 * the labels a run of ticks repeats cost less (100 nodes: 1.5× smaller files at 30 ticks, 1.2× at
 * 55) than a day's merge then pays to split such files by metric, each metric's pass reading every
 * row group: 4 hours of 100 nodes at 60 s, merged hourly (60 ticks) with the metric last, took 106 s
 * to compact into the day instead of 65, for the same daily files.
 */
const METRIC_LAST_TICKS = 30;

export interface CompactResult {
  merged: number;
  written: number;
  /** rows of every kind: samples, and the pod and node rows beside them */
  rows: number;
  /** of them samples, the count `archive ls` and `export` give */
  samples: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Merges small snapshots into larger files sorted by series then time. The new files are written and
 * their rows counted first; then, under the catalog's lock, the swap checks that every file it replaces
 * is still cataloged (a concurrent compaction may have merged them already), writes its intent, renames
 * the new files into place and swaps them in one transaction. The old files go last. A kill at any
 * point leaves the old files or the new ones in the catalog, never both, and the next command finishes
 * or undoes the swap from its intent.
 */
export async function compact(archive: Archive, o: CompactOptions): Promise<CompactResult> {
  const tally = new CompactTally();
  let catalog = await readCatalog(archive, o.recording);
  // a day of many unmerged ticks (a 1 s recorder killed in its hour, or one that never merged) is first
  // merged hour by hour, in runs of at most mergeRows rows, so that the daily merge reads a few large
  // files, not thousands of small ones for each of its metrics
  const crowded = o.level === 2 ? crowdedDays(catalog.snaps, o.mergeRows ?? MERGE_ROWS) : [];
  if (crowded.length) {
    await pass(archive, { ...o, level: 1 }, tally, { ...catalog, snaps: crowded });
    catalog = await readCatalog(archive, o.recording); // with the hours just written
  }
  await pass(archive, o, tally, catalog);
  return tally.result();
}

interface CatalogState {
  snaps: readonly Snapshot[];
  resolution: ReadonlyMap<string, number>;
}

/** The snapshots (of one recording, or all) and every recording's resolution. */
export const readCatalog = (archive: Archive, recording?: string): Promise<CatalogState> => archive.catalog(true, async (con) => ({
  snaps: await selectSnapshots(con, recording ? { recording } : {}),
  resolution: new Map((await selectRecordingRows(con)).map((r) => [r.name, r.resolutionMs])),
}));

/** The tick files (level 0) of the days that hold more than `most` rows of them. */
function crowdedDays(snaps: readonly Snapshot[], most: number): Snapshot[] {
  const dayOf = (s: Snapshot) => [s.recording, s.kind, s.cluster, s.date].join('|');
  const ticks = snaps.filter((s) => s.level === 0);
  const rows = new Map<string, number>();
  for (const s of ticks) rows.set(dayOf(s), (rows.get(dayOf(s)) ?? 0) + s.rows);
  return ticks.filter((s) => rows.get(dayOf(s))! > most);
}

/** One level's merges of the snapshots given. */
async function pass(archive: Archive, o: CompactOptions, tally: CompactTally, { snaps, resolution }: CatalogState): Promise<void> {
  if (o.signal?.aborted || !snaps.length) return;
  if (o.level === 2) await learnMetrics(archive, snaps);
  const groups = new Map<string, Snapshot[]>();
  // a series index is no group of its own: it is merged with the samples it covers (mergeGroup)
  const indexes = snaps.filter((s) => s.kind === 'series');
  for (const s of snaps) {
    if (s.kind === 'series' || s.level >= o.level || (o.before !== undefined && s.tsMax >= o.before)) continue;
    const slot = o.level === 1 ? Math.floor(s.tsMin / 3_600_000) : s.date;
    const key = [s.recording, s.kind, s.cluster, s.date, slot].join('|');
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  if (o.level === 1) cutLongHours(groups, o.mergeRows ?? MERGE_ROWS);
  for (const group of groups.values()) {
    if (o.signal?.aborted) break;
    if (group.length < 2 && group[0]!.level === o.level - 1) continue;
    o.onMerge?.({ level: o.level, kind: group[0]!.kind, date: group[0]!.date, tsMin: group[0]!.tsMin, files: group.length, rows: group.reduce((n, g) => n + g.rows, 0) });
    // the indexes of the files merged go with them; a day's is made from its hours' when each has one
    const cover = group[0]!.kind === 'samples' ? coveredBy(group, indexes) : undefined;
    const oldIndexes = cover?.indexes ?? [];
    let merged: Merged[];
    try {
      merged = await mergeGroup(archive, group, o, resolution.get(group[0]!.recording) ?? 60_000, cover && { from: cover.scan.length ? undefined : cover.indexes });
    } catch (e) {
      if (o.signal?.aborted) break;
      // another run swapped this group and removed its files while this one read them: its work stands
      if (!(await archive.catalog(true, (con) => allCataloged(con, group)))) continue;
      throw e;
    }
    const intent = await swap(archive, group, oldIndexes, merged);
    if (!intent) continue;
    for (const g of [...group, ...oldIndexes]) removeIfThere(path.join(archive.dir, g.file));
    clearIntent(intent);
    tally.swapped([...group, ...oldIndexes], merged.map((m) => m.snapshot));
  }
}

interface Merged {
  tmp: string;
  abs: string;
  snapshot: Snapshot;
}

/** Whether every file of the group is still in the catalog: not, once a concurrent run has merged them. */
export async function allCataloged(con: DuckDBConnection, group: readonly Snapshot[]): Promise<boolean> {
  const r = await con.runAndReadAll(`SELECT count(*) AS n FROM snapshots WHERE file IN (${group.map((g) => lit(g.file)).join(', ')})`);
  return Number(r.getRowObjects()[0]!.n) === group.length;
}

/**
 * Cuts each hour of more than `most` rows into runs of consecutive snapshots (a group is in time
 * order) of at most `most` rows each, or one snapshot: each run is merged into a file of its own.
 */
function cutLongHours(groups: Map<string, Snapshot[]>, most: number): void {
  for (const [key, group] of [...groups]) {
    if (group.reduce((n, s) => n + s.rows, 0) <= most) continue;
    groups.delete(key);
    rowRuns(group, most).forEach((run, part) => groups.set(`${key}|${part}`, run));
  }
}

/** The swap under the catalog's lock; undefined (and the new files removed) when the group was merged by another run. */
async function swap(archive: Archive, group: readonly Snapshot[], oldIndexes: readonly Snapshot[], merged: readonly Merged[]): Promise<IntentFile | undefined> {
  const old = [...group, ...oldIndexes].map((g) => g.file);
  let intent: IntentFile | undefined;
  let committed = false;
  try {
    await archive.catalog(false, async (con) => {
      if (!(await allCataloged(con, group))) return;
      intent = writeIntent(archive.dir, 'compact', old, merged.map((m) => m.snapshot.file));
      for (const m of merged) renameSync(m.tmp, m.abs);
      await con.run('BEGIN TRANSACTION');
      await deleteSnapshots(con, old);
      await insertSnapshots(con, merged.map((m) => m.snapshot));
      await con.run('COMMIT');
      committed = true;
    });
  } finally {
    // not swapped: whatever this run wrote goes, and the old files stay as they were
    if (!committed) {
      for (const m of merged) {
        removeIfThere(m.tmp);
        removeIfThere(m.abs);
      }
      if (intent) clearIntent(intent);
    }
  }
  return committed ? intent : undefined;
}

/**
 * Daily files compacted before the catalog kept each one's metric: read it from their footers, so
 * queries of one metric skip the others' files (half the time of a day's query).
 */
async function learnMetrics(archive: Archive, snaps: readonly Snapshot[]): Promise<void> {
  const unknown = snaps.filter((s) => s.kind === 'samples' && s.level === 2 && s.metric === undefined);
  if (!unknown.length) return;
  const byPath = new Map(unknown.map((s) => [path.join(archive.dir, s.file), s.file]));
  const metricOf = await withMemoryDb(async (con) => {
    const r = await con.runAndReadAll(`SELECT file_name, min(stats_min_value) AS lo, max(stats_max_value) AS hi
      FROM parquet_metadata(${fileList([...byPath.keys()])}) WHERE path_in_schema = 'metric' GROUP BY file_name`);
    const found = new Map<string, string>();
    for (const o of r.getRowObjects()) {
      const file = byPath.get(String(o.file_name));
      if (file && o.lo !== null && o.lo === o.hi) found.set(file, String(o.lo));
    }
    return found;
  });
  await archive.catalog(false, (con) => setSnapshotMetrics(con, metricOf));
}

/**
 * Writes a group's rows into new sorted files and checks their row count. A large day's sample files
 * are written one per metric: a whole day sorted at once spilled tens of GB for a 100-node cluster,
 * while a metric's day sorts in memory, and the catalog then sends a query only its metric's files.
 * A file of one metric, split or not, is cataloged with it. A day of few large ticks that one merge
 * can take stays one file with the metric last (MIXED_SAMPLE_ORDER): split by metric, a 4-tick
 * recording of 1,000 nodes (10.4 M samples) became 45 files of 65 MB from 30 MB of ticks, where one
 * file is 18 MB, and its queries took the same time (top pods -A 3.8 s against 3.4, top nodes 0.94
 * against 0.83, the others within noise).
 */
async function mergeGroup(archive: Archive, group: Snapshot[], o: CompactOptions, resolutionMs: number, index?: { from: readonly Snapshot[] | undefined }): Promise<Merged[]> {
  const { level } = o;
  const splitRows = o.splitRows ?? SPLIT_ROWS;
  const first = group[0]!;
  const rows = group.reduce((s, g) => s + g.rows, 0);
  const files = group.map((g) => path.join(archive.dir, g.file));
  const tsMin = Math.min(...group.map((g) => g.tsMin)), tsMax = Math.max(...group.map((g) => g.tsMax));
  const ticks = Math.round((tsMax - tsMin) / Math.max(resolutionMs, 1)) + 1;
  const metricLast = first.kind === 'samples' && ticks <= METRIC_LAST_TICKS && rows / ticks > (o.metricLastFrom ?? ROW_GROUP_ROWS);
  const split = rows >= splitRows && !(metricLast && rows <= (o.mergeRows ?? MERGE_ROWS));
  const from = `read_parquet(${fileList(files)}, union_by_name = true)`;
  const out: { rel: string; abs: string; tmp: string; rows: number; metric?: string; kind: Snapshot['kind'] }[] = [];
  await withMemoryDb(async (con) => {
    if (o.memoryLimit) await con.run(`SET memory_limit = ${lit(o.memoryLimit)}`);
    try {
      const labels = first.kind === 'samples' ? await LabelEnums.of(con, from) : undefined;
      const found = labels && level === 2 ? labels.valuesOf('metric') : [];
      const metrics: readonly (string | undefined)[] = found.length === 1 || (found.length > 1 && split) ? found : [undefined];
      let written = 0;
      for (const metric of metrics) {
        o.signal?.throwIfAborted();
        const where = metric === undefined || found.length === 1 ? '' : `WHERE metric = ${lit(metric)}`;
        const dest = archive.snapshotPath(first.kind, first.cluster, first.date, first.recording, level, tsMin);
        const tmp = tempName(dest.abs);
        const meta: FileMeta = { kind: first.kind, recording: first.recording, cluster: first.cluster, date: first.date, level, tsMin, tsMax, resolutionMs, ...(metric === undefined ? {} : { metric }) };
        out.push({ ...dest, tmp, rows: 0, kind: first.kind, ...(metric === undefined ? {} : { metric }) });
        const order = metric === undefined && metricLast ? MIXED_SAMPLE_ORDER : ORDER[first.kind as keyof typeof ORDER];
        const select = labels ? labels.select(order, metric) : '*';
        await con.run(`COPY (SELECT ${select} FROM ${from} ${where} ORDER BY ${order}) TO ${lit(tmp)} (${PARQUET_OPTIONS}, ${kvMetadataOption(meta)})`);
        const n = Number((await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${lit(tmp)})`)).getRowObjects()[0]!.n);
        out.at(-1)!.rows = n;
        written += n;
        fsyncFile(tmp);
      }
      if (written !== rows) throw new Error(`compaction of ${first.recording}/${first.date} wrote ${written} rows instead of ${rows}; nothing was changed`);
      if (index) {
        o.signal?.throwIfAborted();
        const { meta, ...file } = seriesIndexFile(archive, first, level, tsMin, tsMax, resolutionMs);
        out.push({ ...file, rows: 0, kind: 'series' });
        const indexes = index.from && [...index.from].sort((a, b) => a.tsMin - b.tsMin).map((s) => path.join(archive.dir, s.file));
        out.at(-1)!.rows = await writeSeriesIndex(con, file.tmp, meta, from, indexes, o.signal);
      }
    } catch (e) {
      for (const f of out) removeIfThere(f.tmp);
      throw e;
    }
  }, o.signal);
  return out.map((f) => {
    const { metric: _mixed, ...common } = first;
    return {
      tmp: f.tmp, abs: f.abs,
      snapshot: { ...common, kind: f.kind, file: f.rel, level, rows: f.rows, bytes: statSync(f.tmp).size, tsMin, tsMax, ...(f.metric === undefined ? {} : { metric: f.metric }) },
    };
  });
}

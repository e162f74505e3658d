import type { DuckDBConnection } from '@duckdb/node-api';
import type { Archive } from './archive.js';
import type { Snapshot } from './catalog.js';
import { fileList, lit } from './duck.js';
import { fsyncFile, tempName } from './durable.js';
import { kvMetadataOption, type FileMeta } from './file-meta.js';
import { parquetSource, type SampleFilter } from './read-samples.js';
import { PARQUET_OPTIONS } from './sample-writer.js';

const ENTITY = ['type', 'node', 'namespace', 'pod', 'container', 'pod_uid'] as const;
const HOUR_MS = 3_600_000;

/**
 * A compacted group's series index (kind `series`): each hour's distinct entities, metrics and
 * filesystems, a row each, the other columns null. A label listing over a long window reads it
 * instead of every sample: over the 100-node bench day, the distinct entities of 388 M rows.
 * It is written by the compaction that writes the samples it describes, swapped in with them and
 * out with them, and has their level, times, recording and day: so it covers exactly those files.
 */
const INDEX_ROWS = (from: string) => {
  const cols = [...ENTITY, 'metric', 'resource_id'].map((c) => `${c}::VARCHAR AS ${c}`).join(', ');
  // one scan for the three: three DISTINCTs in a UNION read the rows three times (12-14 s for the
  // 20-node bench day's 77 M, against 9-11)
  return `SELECT date_trunc('hour', ts) AS hour, ${cols} FROM ${from}
    GROUP BY GROUPING SETS ((hour, ${ENTITY.join(', ')}), (hour, metric), (hour, resource_id))
    HAVING NOT (grouping(resource_id) = 0 AND resource_id IS NULL)`;
};

const INDEX_ORDER = `hour, ${ENTITY.join(', ')}, metric, resource_id`;

/**
 * Writes the index of the sample rows `from` holds (a compaction's read of its group) to `tmp`, made
 * from `indexes`, those of the group's files in time order, when each has one (a day from its
 * hours'), else from the rows. Returns its row count.
 */
export async function writeSeriesIndex(con: DuckDBConnection, tmp: string, meta: FileMeta, from: string, indexes?: readonly string[], signal?: AbortSignal): Promise<number> {
  const write = async (select: string) => {
    await con.run(`COPY (${select}) TO ${lit(tmp)} (${PARQUET_OPTIONS}, ${kvMetadataOption(meta)})`);
    return Number((await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${lit(tmp)})`)).getRowObjects()[0]!.n);
  };
  const fromRows = `SELECT * FROM (${INDEX_ROWS(from)}) ORDER BY ${INDEX_ORDER}`;
  let n: number;
  try {
    // the hours' rows one file after another, each sorted, in time order: streamed, where a
    // DISTINCT and a sort of the 100-node bench day's 487 k rows took 70 MB more. An hour merged in
    // runs has its rows in each run's index: a reader's DISTINCT takes them once
    n = await write(indexes ? `SELECT * FROM read_parquet(${fileList(indexes)})` : fromRows);
  } catch (e) {
    // an index that cannot be read (removed by hand, damaged) must not stop the day's merge: the rows are there
    if (!indexes || signal?.aborted) throw e;
    n = await write(fromRows);
  }
  fsyncFile(tmp);
  return n;
}

/**
 * Where the index of a group of sample files goes (its temporary name first), and how it describes
 * itself: the group's recording, day, level and times, which make its cover key.
 */
export function seriesIndexFile(archive: Archive, group: Pick<Snapshot, 'recording' | 'cluster' | 'date'>, level: number, tsMin: number, tsMax: number, resolutionMs: number) {
  const dest = archive.snapshotPath('series', group.cluster, group.date, group.recording, level, tsMin);
  const meta: FileMeta = { kind: 'series', recording: group.recording, cluster: group.cluster, date: group.date, level, tsMin, tsMax, resolutionMs };
  return { ...dest, tmp: tempName(dest.abs), meta };
}

/** The identity an index shares with the sample files it covers. */
export const coverKey = (s: Snapshot) => [s.recording, s.cluster, s.date, s.level, s.tsMin, s.tsMax].join('|');

/**
 * Splits sample files into those a series index covers and those to scan, with the indexes to
 * read. Tick files (level 0) are never covered: they have no index.
 */
export function coveredBy(samples: readonly Snapshot[], indexes: readonly Snapshot[]): { scan: Snapshot[]; indexes: Snapshot[] } {
  const byKey = new Map(indexes.filter((i) => i.level > 0).map((i) => [coverKey(i), i]));
  const scan: Snapshot[] = [];
  const used = new Map<string, Snapshot>();
  for (const s of samples) {
    const i = s.level > 0 ? byKey.get(coverKey(s)) : undefined;
    if (i) used.set(i.file, i);
    else scan.push(s);
  }
  return { scan, indexes: [...used.values()] };
}

/**
 * The entity, metric and filesystem rows of these indexes in a window, as SELECTs whose columns are
 * those of the sample files: an index row's hour stands for its hour, so a window takes the hours it
 * touches, as Prometheus lists the labels of every block a window touches.
 */
export function indexSources(files: readonly string[], range: { start: number; end: number }, metrics?: readonly string[]): { entities: string; metrics: string; resources: string } {
  const from = parquetSource(files);
  const hours = `hour >= make_timestamp(${Math.floor(range.start / HOUR_MS) * HOUR_MS}::BIGINT * 1000) AND hour <= make_timestamp(${Math.floor(range.end)}::BIGINT * 1000)`;
  const only = metrics ? ` AND metric IN (${metrics.length ? metrics.map(lit).join(', ') : 'NULL'})` : '';
  return {
    entities: `SELECT ${ENTITY.join(', ')} FROM ${from} WHERE type IS NOT NULL AND ${hours}`,
    metrics: `SELECT metric FROM ${from} WHERE metric IS NOT NULL AND ${hours}${only}`,
    resources: `SELECT resource_id FROM ${from} WHERE resource_id IS NOT NULL AND ${hours}`,
  };
}

/** Whether the indexes answer for rows this filter picks: they know no entity columns' filter. */
export function indexAnswers(f: SampleFilter): boolean {
  return Object.entries(f).every(([k, v]) => v === undefined || k === 'recording' || k === 'metric' || k === 'metrics');
}

import type { DuckDBConnection, DuckDBResultReader, DuckDBValue } from '@duckdb/node-api';
import { PluginError } from '../model/index.js';
import { fileList, lit, withReadDb } from './duck.js';

/** Column predicates on sample rows; an absent field is not filtered, `null` means IS NULL. */
export interface SampleFilter {
  type?: string;
  node?: string | null;
  namespace?: string | null;
  pod?: string | null;
  podUid?: string;
  container?: string | null;
  /** any of these pods (a pod list), as well as `pod` */
  pods?: readonly string[];
  metric?: string;
  /** any of these metrics, as well as `metric` */
  metrics?: readonly string[];
  /** undefined: any; null: plain values only; a string: that filesystem */
  resourceId?: string | null;
  recording?: string;
}

export interface TimeRange {
  start?: number;
  end?: number;
}

export interface EntityRow {
  type: string;
  node: string | null;
  namespace: string | null;
  pod: string | null;
  container: string | null;
}

export interface SampleRow extends EntityRow {
  resource_id: string | null;
  ts: number;
  value: number;
}

export const AGGREGATIONS = ['count', 'average', 'max', 'min', 'median', 'p50', 'p95', 'p99'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface BucketRow extends EntityRow {
  resource_id: string | null;
  bucket: number;
  count: number;
  average: number;
  max: number;
  min: number;
  median: number;
  p50: number;
  p95: number;
  p99: number;
}

const COLUMNS: Record<keyof Omit<SampleFilter, 'resourceId' | 'podUid' | 'pods' | 'metrics'>, string> = {
  type: 'type', node: 'node', namespace: 'namespace', pod: 'pod', container: 'container', metric: 'metric', recording: 'recording',
};

export function whereClause(f: SampleFilter, range: TimeRange): string {
  const parts = ['true'];
  for (const [k, col] of Object.entries(COLUMNS)) {
    const v = f[k as keyof typeof COLUMNS];
    if (v === undefined) continue;
    parts.push(v === null ? `${col} IS NULL` : `${col} = ${lit(v)}`);
  }
  if (f.podUid !== undefined) parts.push(`pod_uid = ${lit(f.podUid)}`);
  if (f.pods?.length) parts.push(`pod IN (${f.pods.map(lit).join(', ')})`);
  if (f.metrics) parts.push(f.metrics.length ? `metric IN (${f.metrics.map(lit).join(', ')})` : 'false');
  if (f.resourceId !== undefined) parts.push(f.resourceId === null ? 'resource_id IS NULL' : `resource_id = ${lit(f.resourceId)}`);
  if (range.start !== undefined) parts.push(`ts >= make_timestamp(${Math.floor(range.start)}::BIGINT * 1000)`);
  if (range.end !== undefined) parts.push(`ts <= make_timestamp(${Math.floor(range.end)}::BIGINT * 1000)`);
  return parts.join(' AND ');
}

/** `cluster` and `date` come from the folder names only when asked for: parsing them cost a sixth of a query. */
export const parquetSource = (files: readonly string[], partitions = false) =>
  `read_parquet(${fileList(files)}, hive_partitioning = ${partitions}, union_by_name = true)`;

/**
 * Runs a read over archive files; a damaged or foreign file is named in the error, never skipped.
 * `partitions` adds the `cluster` and `date` columns of the Hive folders.
 */
export async function readArchive<T>(files: readonly string[], fn: (con: DuckDBConnection, from: string) => Promise<T>, partitions = false): Promise<T> {
  return withReadDb(async (con) => {
    try {
      return await fn(con, parquetSource(files, partitions));
    } catch (e) {
      if (e instanceof PluginError) throw e;
      const msg = String((e as Error).message).split('\n')[0]!;
      const named = files.find((f) => msg.includes(f));
      if (named || /parquet|magic|corrupt|No files found/i.test(msg)) {
        throw new PluginError('archive', named ? `the archive file ${named} cannot be read: ${msg}` : `reading the archive failed: ${msg}`,
          'run `kubectl heapster archive verify` to find damaged files');
      }
      throw e;
    }
  });
}

/**
 * A result's columns by name. Reading columns and building rows here is 4× faster than DuckDB's
 * row objects, which a 20,000-row aggregation answer felt (60 ms of a 230 ms query).
 */
export function columnsOf(r: DuckDBResultReader): Record<string, DuckDBValue[]> {
  const columns = r.getColumnsObject();
  // an empty result has no chunks, and so no columns at all
  for (const name of r.columnNames()) columns[name] ??= [];
  return columns;
}

const str = (v: DuckDBValue | undefined) => (v === null || v === undefined ? null : String(v));

export async function readSamples(files: readonly string[], f: SampleFilter, range: TimeRange): Promise<SampleRow[]> {
  if (!files.length) return [];
  return readArchive(files, async (con, from) => {
    const c = columnsOf(await con.runAndReadAll(`SELECT type, node, namespace, pod, container, resource_id, epoch_ms(ts) AS ts, value
      FROM ${from} WHERE ${whereClause(f, range)} ORDER BY namespace, pod, container, node, resource_id, ts`));
    return c.ts!.map((ts, i) => ({
      type: String(c.type![i]), node: str(c.node![i]), namespace: str(c.namespace![i]), pod: str(c.pod![i]), container: str(c.container![i]),
      resource_id: str(c.resource_id![i]), ts: Number(ts), value: Number(c.value![i]),
    }));
  });
}

export async function readEntities(files: readonly string[], f: SampleFilter, range: TimeRange): Promise<EntityRow[]> {
  if (!files.length) return [];
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT DISTINCT type, node, namespace, pod, container FROM ${from} WHERE ${whereClause(f, range)}
      ORDER BY namespace, pod, container, node`);
    return r.getRowObjects() as unknown as EntityRow[];
  });
}

/** The sample columns a listing may ask the distinct values of. */
export type SampleColumn = 'type' | 'node' | 'namespace' | 'pod' | 'container' | 'resource_id' | 'metric';

/** The distinct values of some columns among a window's samples, a row of them at a time (null for a column a sample has not). */
export async function readDistinct(files: readonly string[], f: SampleFilter, range: TimeRange, columns: readonly SampleColumn[]): Promise<(string | null)[][]> {
  if (!files.length || !columns.length) return [];
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT DISTINCT ${columns.join(', ')} FROM ${from} WHERE ${whereClause(f, range)}`);
    return r.getRows().map((row) => row.map(str));
  });
}

export async function readMetricNames(files: readonly string[], f: SampleFilter, range: TimeRange): Promise<string[]> {
  if (!files.length) return [];
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT DISTINCT metric FROM ${from} WHERE ${whereClause({ ...f, resourceId: null }, range)} ORDER BY metric`);
    return r.getRowObjects().map((o) => String(o.metric));
  });
}

/**
 * Heapster's historical aggregations, computed as its InfluxDB sink did: buckets aligned to the
 * epoch and stamped with their start, empty buckets left out, MEDIAN averaging the two middle
 * points, percentiles by nearest rank (index round(N·p/100), clamped to 1..N).
 */
export async function readBuckets(files: readonly string[], f: SampleFilter, range: TimeRange, bucketMs: number, aggs: readonly Aggregation[] = AGGREGATIONS): Promise<BucketRow[]> {
  if (!files.length) return [];
  const bucket = bucketMs > 0 ? `CAST(floor(epoch_ms(ts) / ${bucketMs}) AS BIGINT) * ${bucketMs}` : range.start !== undefined ? `${Math.floor(range.start)}::BIGINT` : 'min(epoch_ms(ts)) OVER ()';
  const rank = (p: number) => `list_extract(vals, greatest(1, least(len(vals), CAST(floor(len(vals) * ${p / 100} + 0.5) AS INTEGER))))`;
  // only what was asked for: sorting every bucket's values for percentiles is most of the cost
  const want = (a: Aggregation) => aggs.includes(a);
  const percentiles = want('p50') || want('p95') || want('p99');
  const agg = (a: Aggregation, sql: string) => `${want(a) ? sql : 'NULL'} AS ${a}`;
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`
      WITH s AS (SELECT type, node, namespace, pod, container, resource_id, ${bucket} AS bucket, value FROM ${from} WHERE ${whereClause(f, range)}),
      g AS (SELECT type, node, namespace, pod, container, resource_id, bucket, count(*) AS count, ${agg('average', 'avg(value)')},
              ${agg('max', 'max(value)')}, ${agg('min', 'min(value)')}, ${agg('median', 'median(value)')},
              ${percentiles ? 'list_sort(list(value))' : 'NULL::DOUBLE[]'} AS vals
            FROM s GROUP BY ALL)
      SELECT type, node, namespace, pod, container, resource_id, bucket, count, average, max, min, median,
        ${want('p50') ? rank(50) : 'NULL'} AS p50, ${want('p95') ? rank(95) : 'NULL'} AS p95, ${want('p99') ? rank(99) : 'NULL'} AS p99
      FROM g ORDER BY namespace, pod, container, node, resource_id, bucket`);
    const c = columnsOf(r);
    return c.bucket!.map((bucket, i) => ({
      type: String(c.type![i]), node: str(c.node![i]), namespace: str(c.namespace![i]), pod: str(c.pod![i]),
      container: str(c.container![i]), resource_id: str(c.resource_id![i]),
      bucket: Number(bucket), count: Number(c.count![i]), average: Number(c.average![i]), max: Number(c.max![i]), min: Number(c.min![i]),
      median: Number(c.median![i]), p50: Number(c.p50![i]), p95: Number(c.p95![i]), p99: Number(c.p99![i]),
    }));
  });
}

/** Pod labels from the pods dimension files, for `-l` selectors over recorded windows. */
export async function readPodLabels(files: readonly string[]): Promise<{ namespace: string; pod: string; labels: Record<string, string> }[]> {
  if (!files.length) return [];
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT DISTINCT namespace, pod, CAST(labels AS VARCHAR) AS labels FROM ${from}`);
    return r.getRowObjects().map((o) => ({ namespace: String(o.namespace), pod: String(o.pod), labels: JSON.parse(String(o.labels ?? '{}')) }));
  });
}

/** Namespace and name of pods by UID (Heapster's pod-id routes). */
export async function readPodsByUid(files: readonly string[], uids: readonly string[]): Promise<Map<string, { namespace: string; pod: string }>> {
  if (!files.length || !uids.length) return new Map();
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT DISTINCT pod_uid, namespace, pod FROM ${from} WHERE type = 'pod' AND pod_uid IN (${uids.map(lit).join(', ')})`);
    return new Map(r.getRowObjects().map((o) => [String(o.pod_uid), { namespace: String(o.namespace), pod: String(o.pod) }]));
  });
}

/** The newest node objects at or before `at` (ms), for the Node list `kubectl top node` reads. */
export async function readNodeObjects(files: readonly string[], at: number): Promise<{ node: string; labels: Record<string, string>; capacity: Record<string, number>; allocatable: Record<string, number>; ready: boolean; kubeletVersion: string }[]> {
  if (!files.length) return [];
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT node, CAST(labels AS VARCHAR) AS labels, CAST(capacity AS VARCHAR) AS capacity,
      CAST(allocatable AS VARCHAR) AS allocatable, ready, kubelet_version FROM ${from}
      WHERE ts <= make_timestamp(${Math.floor(at)}::BIGINT * 1000) QUALIFY row_number() OVER (PARTITION BY node ORDER BY ts DESC) = 1 ORDER BY node`);
    return r.getRowObjects().map((o) => ({
      node: String(o.node), labels: JSON.parse(String(o.labels)), capacity: JSON.parse(String(o.capacity)),
      allocatable: JSON.parse(String(o.allocatable)), ready: Boolean(o.ready), kubeletVersion: String(o.kubelet_version ?? ''),
    }));
  });
}

import { lit } from './duck.js';
import { columnsOf, readArchive } from './read-samples.js';

/** The levels `top` groups samples by; `ns` and `owner` sum pods at each timestamp first. */
export type TopGroup = 'node' | 'pod' | 'pod_container' | 'ns' | 'owner';
export type TopAgg = 'max' | 'p95' | 'avg' | 'min' | 'last';

export interface TopSqlQuery {
  group: TopGroup;
  start: number;
  end: number;
  agg: TopAgg;
  /** how many slices the trend of cpu and memory has */
  slices: number;
  /** false: without network rates and ephemeral storage (see topMetrics) */
  wide?: boolean;
  recording?: string;
  cluster?: string;
  namespace?: string;
  /** only these pods, each with its workload; undefined: every pod */
  members?: readonly { namespace: string; pod: string; kind: string; name: string }[];
}

/** One row of the level: a node, pod, container, namespace or workload, with all its metrics. */
export interface TopSqlRow {
  node: string | null;
  namespace: string | null;
  pod: string | null;
  container: string | null;
  owner_kind: string | null;
  owner_name: string | null;
  /** usage metric → the aggregate over the window; absent when the row has none of it */
  usage: Partial<Record<string, number>>;
  /** request, limit or restart_count → the newest value summed; `unset`: a container had 0 (none); `rise`: how much it rose (restarts) */
  spec: Partial<Record<string, { value: number; unset: boolean; rise: number }>>;
  /** namespaces and workloads: how many pods */
  pods: number | null;
  /** ms: the row's first and newest usage point */
  first: number;
  last: number;
  /** cpu/usage_rate and memory/working_set: one point per slice, each the slice's highest (null: none) */
  trend: Partial<Record<string, (number | null)[]>>;
}

const USAGE: Record<TopGroup, readonly string[]> = {
  node: ['cpu/usage_rate', 'memory/working_set', 'network/rx_rate', 'network/tx_rate', 'ephemeral_storage/usage', 'cpu/node_allocatable', 'memory/node_allocatable'],
  pod: ['cpu/usage_rate', 'memory/working_set', 'network/rx_rate', 'network/tx_rate', 'ephemeral_storage/usage'],
  pod_container: ['cpu/usage_rate', 'memory/working_set', 'ephemeral_storage/usage'],
  ns: ['cpu/usage_rate', 'memory/working_set', 'network/rx_rate', 'network/tx_rate', 'ephemeral_storage/usage'],
  owner: ['cpu/usage_rate', 'memory/working_set', 'network/rx_rate', 'network/tx_rate', 'ephemeral_storage/usage'],
};
const SPEC = ['cpu/request', 'cpu/limit', 'memory/request', 'memory/limit', 'restart_count'];
/** The metrics a row's trend shows. */
const TREND = ['cpu/usage_rate', 'memory/working_set'];
/** What only `-o wide` and the machine formats show: a table without them need not read them. */
const WIDE = new Set(['network/rx_rate', 'network/tx_rate', 'ephemeral_storage/usage']);
/** The metrics `top` reads at a level: files of other metrics need not be opened. */
export function topMetrics(group: TopGroup, wide = true): string[] {
  const all = group === 'node' ? [...USAGE.node] : [...USAGE[group], ...SPEC];
  return wide ? all : all.filter((m) => !WIDE.has(m));
}

const GROUP_COLUMNS: Record<TopGroup, readonly string[]> = {
  node: ['node'], pod: ['namespace', 'pod', 'node'], pod_container: ['namespace', 'pod', 'container', 'node'],
  ns: ['namespace'], owner: ['namespace', 'owner_kind', 'owner_name'],
};
const ALL_COLUMNS = ['node', 'namespace', 'pod', 'container', 'owner_kind', 'owner_name'];

/**
 * `top` over a recorded window in one scan: per row of the level and metric, the window's
 * aggregate of usage (namespaces and workloads summed over their pods at each timestamp first,
 * so a peak is the group's peak, not a sum of peaks at different times), the newest requests,
 * limits and restart counts of its containers, and a trend of cpu and memory in `slices` slices.
 * Percentiles rank as `query --agg` does (nearest rank).
 */
export async function readTop(files: readonly string[], q: TopSqlQuery): Promise<TopSqlRow[]> {
  if (!files.length || (q.members && !q.members.length)) return [];
  const g = GROUP_COLUMNS[q.group];
  const type = q.group === 'node' ? 'node' : q.group === 'pod_container' ? 'pod_container' : 'pod';
  const where = [`ts >= make_timestamp(${Math.floor(q.start)}::BIGINT * 1000)`, `ts <= make_timestamp(${Math.floor(q.end)}::BIGINT * 1000)`, 'resource_id IS NULL', `metric IN (${topMetrics(q.group, q.wide).map(lit).join(', ')})`];
  if (q.recording) where.push(`recording = ${lit(q.recording)}`);
  if (q.namespace !== undefined && q.group !== 'node') where.push(`namespace = ${lit(q.namespace)}`);
  // members come as a table joined on (namespace, pod): a pod list of thousands in an IN list parses slowly
  const members = q.members
    ? `m(namespace, pod, owner_kind, owner_name) AS (VALUES ${q.members.map((x) => `(${lit(x.namespace)}, ${lit(x.pod)}, ${lit(x.kind)}, ${lit(x.name)})`).join(', ')}),`
    : '';
  const join = q.members ? 'JOIN m USING (namespace, pod)' : '';
  const gl = g.join(', ');
  const agg = {
    max: 'max(v)', min: 'min(v)', avg: 'avg(v)', last: 'arg_max(v, ts)',
    p95: 'list_extract(list_sort(list(v)), greatest(1, least(count(*), CAST(floor(count(*) * 0.95 + 0.5) AS INTEGER))))',
  }[q.agg];
  const slice = `least(${q.slices - 1}, CAST(floor((epoch_ms(ts) - ${Math.floor(q.start)}) * ${q.slices} / ${Math.floor(q.end - q.start) + 1}) AS INTEGER))`;
  const metrics = (list: readonly string[]) => list.map(lit).join(', ');
  const out = (cols: readonly string[]) => ALL_COLUMNS.map((c) => (cols.includes(c) ? c : `NULL::VARCHAR AS ${c}`)).join(', ');
  const grouped = q.group === 'ns' || q.group === 'owner';
  // DuckDB materializes a CTE read more than once: src (20 M rows of strings for a 20-node day) was
  // written out and spilled under the memory cap, 6 s of a 7 s query. Not materialized, each reader
  // scans the files with its own filters (0.7 s). A grouped u (sums per time) is small: kept.
  const usage = USAGE[q.group], spec = q.group === 'node' ? [] : SPEC;
  // one result row per entity, its metrics as columns: a row per entity and metric was 62,000 rows for
  // a 20-node day's `top pods -A`, and turning their label strings into JS cost more than the SQL
  const pick = (col: string, metric: string, as: string) => `any_value(${col}) FILTER (WHERE metric = ${lit(metric)}) AS ${as}`;
  const sql = `
    WITH ${members}
    src AS NOT MATERIALIZED (SELECT type, node, namespace, pod, container, metric, ts, value${q.members ? ', owner_kind, owner_name' : ''}
      FROM (SELECT * FROM __FROM__ WHERE ${where.join(' AND ')}) ${join}),
    u AS ${grouped ? '' : 'NOT MATERIALIZED '}(${grouped
      ? `SELECT ${gl}, ts, metric, sum(value) AS v FROM src WHERE type = ${lit(type)} AND metric IN (${metrics(usage)}) GROUP BY ${gl}, ts, metric`
      // a node, pod or container has one value per time already: grouping 20 million rows by time to sum one each was half the query
      : `SELECT ${gl}, ts, metric, value AS v FROM src WHERE type = ${lit(type)} AND metric IN (${metrics(usage)})`}),
    a AS (SELECT ${gl}, metric, ${agg} AS value, epoch_ms(min(ts)) AS first, epoch_ms(max(ts)) AS last FROM u GROUP BY ${gl}, metric),
    t AS (SELECT ${gl}, metric, list(i ORDER BY i) AS ti, list(v ORDER BY i) AS tv
      FROM (SELECT ${gl}, metric, ${slice} AS i, max(v) AS v FROM u WHERE metric IN (${metrics(TREND)}) GROUP BY ALL) GROUP BY ${gl}, metric),
    av AS (SELECT ${gl}, ${usage.map((m, k) => pick('value', m, `u${k}`)).join(', ')}, min(first) AS first, max(last) AS last FROM a GROUP BY ${gl}),
    tv AS (SELECT ${gl}, ${TREND.map((m, k) => `${pick('ti', m, `ti${k}`)}, ${pick('tv', m, `tv${k}`)}`).join(', ')} FROM t GROUP BY ${gl})
    ${spec.length ? `,
    c AS (SELECT namespace, pod, container, node${q.members ? ', owner_kind, owner_name' : ''}, metric,
        arg_max(value, ts) AS v, arg_max(value, ts) - arg_min(value, ts) AS rise
      FROM src WHERE type = 'pod_container' AND metric IN (${metrics(spec)}) GROUP BY ALL),
    s AS (SELECT ${gl}, metric, sum(v) AS value, bool_or(v = 0) AS unset, sum(rise) AS rise FROM c GROUP BY ${gl}, metric),
    sv AS (SELECT ${gl}, ${spec.map((m, k) => `${pick('value', m, `s${k}`)}, ${pick('unset', m, `z${k}`)}, ${pick('rise', m, `r${k}`)}`).join(', ')} FROM s GROUP BY ${gl})` : ''}
    ${grouped ? `, pv AS (SELECT ${gl}, count(DISTINCT pod) AS pods FROM src WHERE type = 'pod' AND metric = 'memory/working_set' GROUP BY ${gl})` : ''}
    SELECT ${out(g)}, av.* EXCLUDE (${gl}), tv.* EXCLUDE (${gl})${spec.length ? `, sv.* EXCLUDE (${gl})` : ''}${grouped ? ', pv.pods' : ', NULL AS pods'}
    FROM av LEFT JOIN tv USING (${gl})${spec.length ? ` LEFT JOIN sv USING (${gl})` : ''}${grouped ? ` LEFT JOIN pv USING (${gl})` : ''}`;
  return readArchive(files, async (con, from) => {
    // by columns: row objects cost 560 ms of a 20-node day's `top pods -A`
    const c = columnsOf(await con.runAndReadAll(sql.replace('__FROM__', from)));
    return c.first!.map((first, i) => {
      const row: TopSqlRow = {
        node: str(c.node![i]), namespace: str(c.namespace![i]), pod: str(c.pod![i]), container: str(c.container![i]),
        owner_kind: str(c.owner_kind![i]), owner_name: str(c.owner_name![i]), usage: {}, spec: {},
        pods: c.pods![i] === null ? null : Number(c.pods![i]), first: Number(first), last: Number(c.last![i]), trend: {},
      };
      usage.forEach((m, k) => {
        const v = c[`u${k}`]![i];
        if (v !== null) row.usage[m] = Number(v);
      });
      spec.forEach((m, k) => {
        const v = c[`s${k}`]![i];
        if (v !== null) row.spec[m] = { value: Number(v), unset: Boolean(c[`z${k}`]![i]), rise: Number(c[`r${k}`]![i]) };
      });
      TREND.forEach((m, k) => {
        const at = c[`ti${k}`]![i] as { items: unknown[] } | null, v = c[`tv${k}`]![i] as { items: unknown[] } | null;
        if (!at || !v) return;
        const line = new Array<number | null>(q.slices).fill(null);
        at.items.forEach((x, j) => (line[Number(x)] = Number(v.items[j])));
        row.trend[m] = line;
      });
      return row;
    });
  });
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

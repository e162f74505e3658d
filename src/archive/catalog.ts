import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The catalog's tables; `file` paths are relative to the archive folder, so a copied archive works.
 * A snapshot's file is unique without a key: names carry the writer's pid and a random tag, and
 * insertSnapshots skips a file already listed. As a PRIMARY KEY, its index made every tick's catalog
 * session (attach, insert, detach with its checkpoint) grow with every file ever cataloged, the files
 * compaction had since deleted included: with 5,000 such, 20 ms against 16 without the key; with
 * 50,000 (14 hours of ticks at 1 s), 64 against 15.
 */
export const CATALOG_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS recordings (
     name VARCHAR PRIMARY KEY, cluster VARCHAR NOT NULL, context VARCHAR, server VARCHAR,
     resolution_ms BIGINT NOT NULL, started_at TIMESTAMPTZ NOT NULL, ended_at TIMESTAMPTZ,
     status VARCHAR NOT NULL, nodes INTEGER, ticks BIGINT DEFAULT 0, last_error VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS snapshots (
     file VARCHAR NOT NULL, recording VARCHAR NOT NULL, kind VARCHAR NOT NULL, cluster VARCHAR NOT NULL,
     date DATE NOT NULL, ts_min TIMESTAMPTZ NOT NULL, ts_max TIMESTAMPTZ NOT NULL, rows BIGINT NOT NULL,
     bytes BIGINT NOT NULL, level INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL, metric VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS gaps (
     recording VARCHAR NOT NULL, ts TIMESTAMPTZ NOT NULL, node VARCHAR NOT NULL, reason VARCHAR NOT NULL, message VARCHAR)`,
];

/** `interrupted`: stopped by a kill or a crash; `failed`: stopped by an error it kept in `lastError` */
export type RecordingStatus = 'recording' | 'done' | 'interrupted' | 'failed';

export interface Recording {
  name: string;
  cluster: string;
  context: string;
  server: string;
  resolutionMs: number;
  startedAt: number;
  endedAt?: number;
  status: RecordingStatus;
  nodes: number;
  ticks: number;
  lastError?: string;
}

/**
 * A recording still marked as running whose last tick (or start, before any) is long past: its
 * process was killed, and nothing will finish it.
 */
export function wasKilled(r: Pick<Recording, 'status' | 'endedAt' | 'startedAt' | 'resolutionMs'>, now: number): boolean {
  return r.status === 'recording' && (r.endedAt ?? r.startedAt) < now - 3 * r.resolutionMs - 60_000;
}

export interface RecordingStats extends Recording {
  rows: number;
  bytes: number;
  files: number;
  gaps: number;
  tsMin?: number;
  tsMax?: number;
}

/** `series`: a compacted group's series index (series-index.ts) */
export type SnapshotKind = 'samples' | 'pods' | 'nodes' | 'series';

export interface Snapshot {
  file: string;
  recording: string;
  kind: SnapshotKind;
  cluster: string;
  /** YYYY-MM-DD, UTC */
  date: string;
  tsMin: number;
  tsMax: number;
  rows: number;
  bytes: number;
  /** 0: one tick; 1: compacted hour; 2: compacted day */
  level: number;
  /** the one metric a daily sample file holds; absent for files of many metrics */
  metric?: string;
}

export interface Gap {
  recording: string;
  ts: number;
  node: string;
  reason: string;
  message: string;
}

/** Where catalog statements go: a connection, or Statements gathering them. */
export interface SqlRunner {
  run(sql: string): Promise<unknown>;
}

/**
 * Statements gathered to be run in one call: each call is a trip to DuckDB's threads and back, and a
 * tick's five (begin, its files, its gaps, the recording's row, commit) run one by one were 3-5 ms of
 * a 20-node tick at 1 s.
 */
export class Statements implements SqlRunner {
  private readonly list: string[] = [];
  async run(sql: string): Promise<void> {
    this.list.push(sql);
  }
  get text(): string {
    return this.list.join(';\n');
  }
}

const ts = (ms: number) => `make_timestamp(${Math.round(ms)}::BIGINT * 1000)::TIMESTAMPTZ`;
const str = (s: string | undefined | null) => (s === undefined || s === null ? 'NULL' : `'${s.replace(/'/g, "''")}'`);
const ms = (col: string) => `epoch_ms(${col})`;

export async function createCatalog(con: DuckDBConnection): Promise<void> {
  for (const s of CATALOG_SCHEMA) await con.run(s);
}

/**
 * A catalog made before CATALOG_SCHEMA dropped the snapshots' PRIMARY KEY gets its table again
 * without it, rows unchanged, in one transaction: a recorder (which calls this as it starts) then
 * pays no index on each tick. DuckDB cannot drop a key in place.
 */
export async function dropSnapshotKey(con: DuckDBConnection): Promise<boolean> {
  const r = await con.runAndReadAll(`SELECT count(*) AS n FROM duckdb_constraints()
    WHERE database_name = current_database() AND table_name = 'snapshots' AND constraint_type = 'PRIMARY KEY'`);
  if (!Number(r.getRowObjects()[0]!.n)) return false;
  await con.run('BEGIN TRANSACTION');
  await con.run(CATALOG_SCHEMA[1]!.replace('snapshots (', 'snapshots_unkeyed ('));
  await con.run('INSERT INTO snapshots_unkeyed BY NAME SELECT * FROM snapshots');
  await con.run('DROP TABLE snapshots');
  await con.run('ALTER TABLE snapshots_unkeyed RENAME TO snapshots');
  await con.run('COMMIT');
  return true;
}

export async function insertRecording(con: DuckDBConnection, r: Recording): Promise<void> {
  // OR IGNORE: a repair may have made the row from the recording's manifest first
  await con.run(`INSERT OR IGNORE INTO recordings (name, cluster, context, server, resolution_ms, started_at, ended_at, status, nodes, ticks, last_error)
    VALUES (${str(r.name)}, ${str(r.cluster)}, ${str(r.context)}, ${str(r.server)}, ${r.resolutionMs}, ${ts(r.startedAt)}, ${r.endedAt === undefined ? 'NULL' : ts(r.endedAt)},
      ${str(r.status)}, ${r.nodes}, ${r.ticks}, ${str(r.lastError)})`);
}

export async function updateRecording(con: SqlRunner, name: string, u: { status?: RecordingStatus; endedAt?: number; nodes?: number; ticks?: number; lastError?: string }): Promise<void> {
  const sets: string[] = [];
  if (u.status) sets.push(`status = ${str(u.status)}`);
  if (u.endedAt !== undefined) sets.push(`ended_at = ${ts(u.endedAt)}`);
  if (u.nodes !== undefined) sets.push(`nodes = ${u.nodes}`);
  if (u.ticks !== undefined) sets.push(`ticks = ${u.ticks}`);
  if (u.lastError !== undefined) sets.push(`last_error = ${str(u.lastError)}`);
  if (sets.length) await con.run(`UPDATE recordings SET ${sets.join(', ')} WHERE name = ${str(name)}`);
}

export async function insertSnapshots(con: SqlRunner, snaps: readonly Snapshot[]): Promise<void> {
  if (!snaps.length) return;
  const withMetric = snaps.some((s) => s.metric !== undefined);
  // a catalog made before the metric column learns it when its first one-metric file arrives
  if (withMetric) await con.run('ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS metric VARCHAR');
  const values = snaps.map((s) => `(${str(s.file)}, ${str(s.recording)}, ${str(s.kind)}, ${str(s.cluster)}, DATE ${str(s.date)}, ${ts(s.tsMin)}, ${ts(s.tsMax)}, ${s.rows}, ${s.bytes}, ${s.level}, now()${withMetric ? `, ${str(s.metric)}` : ''})`);
  const cols = `file, recording, kind, cluster, date, ts_min, ts_max, rows, bytes, level, created_at${withMetric ? ', metric' : ''}`;
  // a file already listed is skipped: a repair may have adopted one its writer had renamed into place
  // but not yet cataloged. NOT EXISTS, not NOT IN: for NOT IN's NULL rule DuckDB plans a mark join,
  // 5.2-5.8 ms of each tick's insert on a 4,000-file catalog against 3.4-3.5 (a plain insert: 1.7-2.3)
  await con.run(`INSERT INTO snapshots (${cols}) SELECT * FROM (VALUES ${values.join(', ')}) AS v(${cols})
    WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.file = v.file)`);
}

/** Records the one metric each of these files holds. */
export async function setSnapshotMetrics(con: DuckDBConnection, metricOf: ReadonlyMap<string, string>): Promise<void> {
  if (!metricOf.size) return;
  await con.run('ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS metric VARCHAR');
  for (const [file, metric] of metricOf) await con.run(`UPDATE snapshots SET metric = ${str(metric)} WHERE file = ${str(file)}`);
}

export async function deleteSnapshots(con: DuckDBConnection, files: readonly string[]): Promise<void> {
  if (files.length) await con.run(`DELETE FROM snapshots WHERE file IN (${files.map(str).join(', ')})`);
}

export async function insertGaps(con: SqlRunner, gaps: readonly Gap[]): Promise<void> {
  if (!gaps.length) return;
  const values = gaps.map((g) => `(${str(g.recording)}, ${ts(g.ts)}, ${str(g.node)}, ${str(g.reason)}, ${str(g.message.slice(0, 500))})`);
  await con.run(`INSERT INTO gaps VALUES ${values.join(', ')}`);
}

export interface SnapshotFilter {
  kind?: SnapshotKind;
  recording?: string;
  cluster?: string;
  /** overlapping [start, end], ms */
  start?: number;
  end?: number;
  level?: number;
  /** files holding this metric, or any of these: their daily files and every file of many metrics */
  metric?: string | readonly string[];
}

/** Whether a snapshot may hold rows of the filter's metric(s). */
export function holdsMetric(s: Snapshot, metric: SnapshotFilter['metric']): boolean {
  if (metric === undefined || s.metric === undefined) return true;
  return typeof metric === 'string' ? s.metric === metric : metric.includes(s.metric);
}

export async function selectSnapshots(con: DuckDBConnection, f: SnapshotFilter = {}): Promise<Snapshot[]> {
  const where = ['true'];
  if (f.kind) where.push(`kind = ${str(f.kind)}`);
  if (f.recording) where.push(`recording = ${str(f.recording)}`);
  if (f.cluster) where.push(`cluster = ${str(f.cluster)}`);
  if (f.start !== undefined) where.push(`ts_max >= ${ts(f.start)}`);
  if (f.end !== undefined) where.push(`ts_min <= ${ts(f.end)}`);
  if (f.level !== undefined) where.push(`level = ${f.level}`);
  // `*`: catalogs made before the metric column still read
  const r = await con.runAndReadAll(`SELECT * EXCLUDE (date, ts_min, ts_max), strftime(date, '%Y-%m-%d') AS date, ${ms('ts_min')} AS ts_min,
    ${ms('ts_max')} AS ts_max FROM snapshots WHERE ${where.join(' AND ')} ORDER BY ts_min, file`);
  const snaps: Snapshot[] = r.getRowObjects().map((o) => ({
    file: String(o.file), recording: String(o.recording), kind: o.kind as SnapshotKind, cluster: String(o.cluster),
    date: String(o.date), tsMin: Number(o.ts_min), tsMax: Number(o.ts_max), rows: Number(o.rows), bytes: Number(o.bytes), level: Number(o.level),
    ...(o.metric !== undefined && o.metric !== null ? { metric: String(o.metric) } : {}),
  }));
  return f.metric === undefined ? snaps : snaps.filter((s) => holdsMetric(s, f.metric));
}

export async function selectRecordings(con: DuckDBConnection, name?: string): Promise<RecordingStats[]> {
  const r = await con.runAndReadAll(`
    SELECT r.name, r.cluster, r.context, r.server, r.resolution_ms, ${ms('r.started_at')} AS started_at, ${ms('r.ended_at')} AS ended_at,
      r.status, r.nodes, r.ticks, r.last_error,
      coalesce(s.rows, 0) AS rows, coalesce(s.bytes, 0) AS bytes, coalesce(s.files, 0) AS files, s.ts_min, s.ts_max,
      (SELECT count(*) FROM gaps g WHERE g.recording = r.name) AS gaps
    FROM recordings r LEFT JOIN (
      SELECT recording, sum(rows) FILTER (WHERE kind = 'samples') AS rows, sum(bytes) AS bytes, count(*) AS files,
        ${ms('min(ts_min)')} AS ts_min, ${ms('max(ts_max)')} AS ts_max FROM snapshots GROUP BY recording
    ) s ON s.recording = r.name
    ${name !== undefined ? `WHERE r.name = ${str(name)}` : ''} ORDER BY r.started_at`);
  return r.getRowObjects().map((o) => ({
    name: String(o.name), cluster: String(o.cluster), context: String(o.context ?? ''), server: String(o.server ?? ''),
    resolutionMs: Number(o.resolution_ms), startedAt: Number(o.started_at), ...(o.ended_at !== null ? { endedAt: Number(o.ended_at) } : {}),
    status: o.status as RecordingStatus, nodes: Number(o.nodes ?? 0), ticks: Number(o.ticks ?? 0),
    ...(o.last_error ? { lastError: String(o.last_error) } : {}),
    rows: Number(o.rows), bytes: Number(o.bytes), files: Number(o.files), gaps: Number(o.gaps),
    ...(o.ts_min !== null ? { tsMin: Number(o.ts_min), tsMax: Number(o.ts_max) } : {}),
  }));
}

/** The recordings' own rows, without the per-file sums of `selectRecordings`. */
export async function selectRecordingRows(con: DuckDBConnection): Promise<Recording[]> {
  const r = await con.runAndReadAll(`SELECT name, cluster, context, server, resolution_ms, ${ms('started_at')} AS started_at, ${ms('ended_at')} AS ended_at,
    status, nodes, ticks, last_error FROM recordings ORDER BY started_at`);
  return r.getRowObjects().map((o) => ({
    name: String(o.name), cluster: String(o.cluster), context: String(o.context ?? ''), server: String(o.server ?? ''),
    resolutionMs: Number(o.resolution_ms), startedAt: Number(o.started_at), ...(o.ended_at !== null ? { endedAt: Number(o.ended_at) } : {}),
    status: o.status as RecordingStatus, nodes: Number(o.nodes ?? 0), ticks: Number(o.ticks ?? 0), ...(o.last_error ? { lastError: String(o.last_error) } : {}),
  }));
}

/** A recording's gaps as its gap log has them: the log is flushed before the catalog hears of a gap. */
export async function replaceGaps(con: DuckDBConnection, recording: string, gaps: readonly Gap[]): Promise<void> {
  await con.run(`DELETE FROM gaps WHERE recording = ${str(recording)}`);
  for (let i = 0; i < gaps.length; i += 1000) await insertGaps(con, gaps.slice(i, i + 1000));
}

export async function gapCounts(con: DuckDBConnection): Promise<Map<string, number>> {
  const r = await con.runAndReadAll('SELECT recording, count(*) AS n FROM gaps GROUP BY recording');
  return new Map(r.getRowObjects().map((o) => [String(o.recording), Number(o.n)]));
}

export async function selectGaps(con: DuckDBConnection, recording: string): Promise<Gap[]> {
  const r = await con.runAndReadAll(`SELECT recording, ${ms('ts')} AS ts, node, reason, message FROM gaps WHERE recording = ${str(recording)} ORDER BY ts, node`);
  return r.getRowObjects().map((o) => ({ recording: String(o.recording), ts: Number(o.ts), node: String(o.node), reason: String(o.reason), message: String(o.message ?? '') }));
}

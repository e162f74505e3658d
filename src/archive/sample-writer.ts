import { renameSync, statSync } from 'node:fs';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { L, type Batch, type MetricSet } from '../model/index.js';
import { duckdb, lit } from './duck.js';
import { fsyncFile, tempName } from './durable.js';
import { kvMetadataOption, type FileMeta } from './file-meta.js';
import { entityColumns, resourceIdOf } from './sample-rows.js';

/**
 * The span of time a compacted file keeps together before its series: a file of a day holds each six
 * hours' rows apart, so that a window of minutes reads only its part's row groups (their `ts`
 * statistics skip the rest) instead of every row group of the day. Shorter spans cut a series' run
 * into more pieces, each restating in its row group's dictionaries the pod names and UIDs it carries,
 * and compress its values less well. The 100-node bench day (388 M samples), reading back ten minutes
 * (what `serve --prometheus` and a sink read) / the last hour, and bytes a sample:
 * a whole day 17.1 s / 23.4 s, 0.770; 6 h 6.0 s / 11.9 s, 0.884; 1 h 2.7 s / 8.1 s, 1.23. On the 20-node
 * bench day, 0.738 and 0.861 bytes a sample for a whole day and for 6 h (issue 18).
 */
export const TIME_BUCKET_MS = 6 * 3_600_000;

/**
 * Compacted files are sorted by full series identity, then time, within each six hours (TIME_BUCKET_MS):
 * 2× smaller and far faster to query than time order. A tick file is not sorted at all: its rows
 * come grouped by entity, as the batch held them, and sorting them cost a sixth of the ingest time;
 * the hourly compaction sorts them. This is the order of a file of one metric (a large day's daily files).
 */
export const SAMPLE_ORDER = `metric, epoch_ms(ts) // ${TIME_BUCKET_MS}, type, namespace, pod, container, resource_id, node, ts`;

/**
 * The order of a file of many metrics (an hour's, a small day's) of a few ticks, each larger than a
 * row group (a cluster of ~50 nodes or more; METRIC_LAST_TICKS in compact.ts): the metric last in
 * the series, so an entity's labels run over all its metrics. With the metric first, a metric's
 * series fill row groups of their own, and each pod's UID and name are stated again for each of its
 * ~40 series, compressed once a run of ticks. Merged files against the tick files they replace,
 * metric first / last: 1,000 nodes, 9 ticks (an hour's run at 15 s, see MERGE_ROWS) 1.12 / 0.46
 * (a 1,000-node recorder's hours were 1.6× its ticks); 100 nodes, 10, 30 and 55 ticks 0.69 / 0.42,
 * 0.46 / 0.31, 0.34 / 0.28. The value column compresses better with the metric first, which wins
 * while a tick fits in a row group: 20 nodes, 10 to 120 ticks, 0.24-0.11 / 0.32-0.14 (issue 18).
 */
export const MIXED_SAMPLE_ORDER = `epoch_ms(ts) // ${TIME_BUCKET_MS}, type, namespace, pod, container, resource_id, node, metric, ts`;

/** Rows of a row group (see PARQUET_OPTIONS) */
export const ROW_GROUP_ROWS = 122_880;

/**
 * Parquet 2 pages: doubles as BYTE_STREAM_SPLIT and integers delta-encoded when not in a dictionary.
 * DICTIONARY_SIZE_LIMIT counts a column chunk's distinct values: a day of one metric holds 1,440
 * timestamps per row group (at 60 s), which as a dictionary cost 0.26 byte a sample; over 1,000 they
 * are delta-encoded instead (runs of equal steps within a series: 0.06), while labels, with fewer
 * distinct values per row group, keep their dictionaries. On the 20-node bench day: 1.254 → 0.749
 * byte a sample (V2 alone 1.065; no dictionaries at all 0.781 and slower to filter), same query
 * times (issue 18). No bloom filters, which DuckDB writes for dictionary columns by default: they were
 * 1.7% of the bytes, and a filter on a namespace or pod read them row group by row group without
 * pruning more than the min/max statistics already did (the peers kit's Q1 30-43 → 27-28 ms and Q3
 * 39-42 → 35-36 ms on the 20-node day; the plugin's own queries unchanged). Row groups stay at
 * 122,880 rows: at 491,520 the kit's queries read fewer footers (Q1 ~2× faster, 0.705 byte a
 * sample), but a `query` of one namespace or pod, which reads only its metric's file, took 20-25%
 * longer, and compaction 45% longer. Exports keep Parquet 1 defaults for older readers (Spark before 3.3).
 */
export const PARQUET_OPTIONS = `FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 1000, WRITE_BLOOM_FILTER false`;

/** What a writer's caller tells of a file: the rest (rows, times) the writer knows. */
export type FileAbout = Omit<FileMeta, 'kind' | 'tsMin' | 'tsMax'>;

export interface WrittenFile {
  rows: number;
  bytes: number;
  tsMin: number;
  tsMax: number;
}

const CHUNK = 2048;

/**
 * The label tables as DuckDB ENUMs, made again when a label was added or dropped: Parquet writes
 * an ENUM column's dictionary straight from the type, where a VARCHAR column hashes every row's
 * string, ~5 ms per column for a 20-node tick's 54,000 rows. The files are the same (UTF-8 byte
 * arrays, dictionaries), but for an ENUM column's statistics, which are the ENUM's values: a tick's
 * rows are in the order of its sets, so no statistics of its labels would skip a row group anyway.
 * A tick's COPY 45 → 22 ms.
 */
const LABEL_TABLES = [
  ['entities', 'eid', ['type', 'node', 'namespace', 'pod', 'pod_uid', 'container']],
  ['metrics', 'mid', ['metric']],
  ['resources', 'rid', ['resource_id']],
] as const;

/**
 * A file of several row groups has an ENUM column's whole dictionary in each: there a column is an
 * ENUM while its values times the row groups after the first stay within this. A 100-node tick
 * (2-3 row groups, ~3,000 pods) with every label an ENUM was 0.86 MB instead of 0.73, a 1,000-node
 * tick (21 row groups) 26 MB instead of 7. Within the limit both keep their size, and a 100-node
 * tick at 1 s is written in 172 ms instead of 251.
 */
const ENUM_EXTRA_VALUES = 4096;

/**
 * What the writer keeps of one set key: the entity it named when last seen (a row of the entity
 * table), and the resource rows of its labeled values as they came then. A series is an entity, a
 * metric and a resource: held apart, an entity is one row for its ~40 values instead of ~40 rows of
 * eight strings. At 1,000 nodes the series table was 3.5 M such rows (most of the recorder's native
 * memory, and ~3 s of its first tick to append), and the ids of each entity's series in JavaScript
 * ~300 MB of a 513 MB heap (issue 18).
 */
interface Entity {
  /** a pod's UID and node: a StatefulSet pod made again keeps its key but is another entity */
  uid: string | undefined;
  node: string | undefined;
  eid: number;
  /** the names of its labeled values when last seen: the sets' shared array (see LabeledValues.names) */
  labeled: readonly string[];
  /** each labeled value's resource id, and its row of the resource table */
  resources: readonly string[];
  rids: Int32Array;
  /** the last tick (count of `add` calls) the set came in */
  seen: number;
}

const NONE: readonly string[] = [];
const NO_RIDS = new Int32Array(0);

/** Sweeps for entities gone this many ticks (pods that ended): an hour at one minute. */
const SWEEP_TICKS = 60;

/**
 * Turns batches into long-format Parquet. Samples are held as numeric columns (entity, metric and
 * resource ids, value; times by tick) and joined with the entity, metric and resource tables only
 * when a file is written: ~10 M rows/s into DuckDB instead of ~0.5 M for row-by-row appends of nine
 * columns.
 */
export class SampleWriter {
  /** set key → the entity it named when last seen */
  private readonly entities = new Map<string, Entity>();
  private readonly metricIds = new Map<string, number>();
  /** metric ids of a names array: shared by every set of that shape, as the array is */
  private readonly midsOf = new WeakMap<readonly string[], Int32Array>();
  /** rows of the entity and resource tables of entities that ended or were replaced */
  private deadEntities: number[] = [];
  private deadResources: number[] = [];
  private live = 0;
  private ticks = 0;
  private nextEid = 0;
  /** 0 is no resource: a plain value */
  private nextRid = 1;
  private eid = new Int32Array(1 << 16);
  private mid = new Int32Array(1 << 16);
  private rid = new Int32Array(1 << 16);
  private value = new Float64Array(1 << 16);
  /** each add's samples end at `ends[i]` and have time `times[i]` */
  private ends: number[] = [];
  private times: number[] = [];
  private n = 0;
  private tsMin = Infinity;
  private tsMax = -Infinity;
  /** the row groups of the file the ENUM tables were made for; none when labels changed since */
  private typedFor: number | undefined;

  private constructor(
    private readonly con: DuckDBConnection,
    private entityAppender: DuckDBAppender,
    private resourceAppender: DuckDBAppender,
    private readonly metricAppender: DuckDBAppender,
  ) {}

  /** Keeps its tables in `con`, an in-memory database the caller owns and closes. */
  static async create(con: DuckDBConnection): Promise<SampleWriter> {
    await con.run('CREATE TABLE entities (eid INTEGER, type VARCHAR, node VARCHAR, namespace VARCHAR, pod VARCHAR, pod_uid VARCHAR, container VARCHAR)');
    await con.run('CREATE TABLE metrics (mid INTEGER, metric VARCHAR)');
    await con.run('CREATE TABLE resources (rid INTEGER, resource_id VARCHAR)');
    await con.run('CREATE TABLE samples (eid INTEGER, mid INTEGER, rid INTEGER, ts DOUBLE, value DOUBLE)');
    await con.run('CREATE TABLE dead (id INTEGER)');
    return new SampleWriter(con, await con.createAppender('entities'), await con.createAppender('resources'), await con.createAppender('metrics'));
  }

  get pendingRows(): number {
    return this.n;
  }

  /** rows of the entity and resource tables: those of the entities seen lately, and dead ones not yet dropped */
  get tableRows(): number {
    return this.live + this.deadEntities.length + this.deadResources.length;
  }

  add(batch: Batch): void {
    const t = batch.timestamp;
    const tick = ++this.ticks;
    this.tsMin = Math.min(this.tsMin, t);
    this.tsMax = Math.max(this.tsMax, t);
    for (const set of batch.sets.values()) {
      let e = this.entities.get(set.key);
      const uid = set.labels[L.podId], node = set.labels[L.nodename];
      if (e && (e.uid !== uid || e.node !== node)) {
        this.bury(e);
        e = undefined;
      }
      if (!e) this.entities.set(set.key, (e = this.newEntity(set, uid, node)));
      e.seen = tick;
      this.reserve(set.values.size + set.labeled.length);
      if (!sameResources(set, e)) this.replan(set, e);
      this.copyValues(set, e);
    }
    this.ends.push(this.n);
    this.times.push(t);
    if (tick % SWEEP_TICKS === 0) {
      for (const [key, e] of this.entities) {
        if (e.seen <= tick - SWEEP_TICKS) {
          this.entities.delete(key);
          this.bury(e);
        }
      }
    }
  }

  private newEntity(set: MetricSet, uid: string | undefined, node: string | undefined): Entity {
    const eid = this.nextEid++;
    this.live++;
    this.typedFor = undefined;
    const c = entityColumns(set);
    const a = this.entityAppender;
    a.appendInteger(eid);
    for (const v of [c.type, c.node, c.namespace, c.pod, c.pod_uid, c.container]) {
      if (v === null) a.appendNull();
      else a.appendVarchar(v);
    }
    a.endRow();
    return { uid, node, eid, labeled: NONE, resources: NONE, rids: NO_RIDS, seen: 0 };
  }

  /** Forgets an entity: its rows leave the entity and resource tables at the next rewrite. */
  private bury(e: Entity): void {
    const rids = new Set(e.rids);
    this.deadEntities.push(e.eid);
    for (const rid of rids) this.deadResources.push(rid);
    this.live -= 1 + rids.size;
  }

  /** The set's samples at the end of the pending columns. */
  private copyValues(set: MetricSet, e: Entity): void {
    const { values, labeled } = set;
    const at = this.n, plain = values.size, count = plain + labeled.length;
    this.eid.fill(e.eid, at, at + count);
    this.mid.set(this.metricIdsOf(values.names), at);
    this.mid.set(this.metricIdsOf(labeled.names), at + plain);
    this.rid.fill(0, at, at + plain);
    this.rid.set(e.rids, at + plain);
    for (let k = 0; k < plain; k++) this.value[at + k] = values.valueAt(k);
    for (let k = 0; k < labeled.length; k++) this.value[at + plain + k] = labeled.valueAt(k);
    this.n += count;
  }

  private metricIdsOf(names: readonly string[]): Int32Array {
    let mids = this.midsOf.get(names);
    if (!mids) {
      mids = new Int32Array(names.length);
      for (let i = 0; i < names.length; i++) mids[i] = this.metricId(names[i]!);
      this.midsOf.set(names, mids);
    }
    return mids;
  }

  private metricId(metric: string): number {
    let mid = this.metricIds.get(metric);
    if (mid === undefined) {
      this.metricIds.set(metric, (mid = this.metricIds.size));
      this.typedFor = undefined;
      this.metricAppender.appendInteger(mid);
      this.metricAppender.appendVarchar(metric);
      this.metricAppender.endRow();
    }
    return mid;
  }

  /**
   * The slow path, for a set whose labeled values changed (or a new entity): each keeps the resource
   * row it had, found by a scan of the old ones (a handful, and rare), or gets a new row. Rows the set
   * no longer names are dead.
   */
  private replan(set: MetricSet, e: Entity): void {
    const labeled = set.labeled;
    const rids = labeled.length ? new Int32Array(labeled.length) : NO_RIDS;
    const resources: string[] = [];
    for (let k = 0; k < labeled.length; k++) {
      const r = resourceIdOf(labeled.labelsAt(k));
      // a volume's usage, limit and available share one row
      const same = resources.indexOf(r);
      resources.push(r);
      if (same >= 0) {
        rids[k] = rids[same]!;
        continue;
      }
      const j = e.resources.indexOf(r);
      rids[k] = j >= 0 ? e.rids[j]! : this.newResource(r);
    }
    for (const old of new Set(e.rids)) {
      if (rids.includes(old)) continue;
      this.deadResources.push(old);
      this.live--;
    }
    e.labeled = labeled.names;
    e.resources = resources.length ? resources : NONE;
    e.rids = rids;
  }

  private newResource(resourceId: string): number {
    const rid = this.nextRid++;
    this.live++;
    this.typedFor = undefined;
    this.resourceAppender.appendInteger(rid);
    this.resourceAppender.appendVarchar(resourceId);
    this.resourceAppender.endRow();
    return rid;
  }

  /**
   * Writes every pending sample to `dest` and clears them: a temporary name, flushed to disk, then
   * renamed, the file describing itself (`about`, plus its rows and times) for a catalog rebuild.
   */
  async write(dest: string, about: FileAbout): Promise<WrittenFile> {
    await this.flushSamples();
    const groups = Math.max(1, Math.ceil(this.n / ROW_GROUP_ROWS));
    if (this.typedFor !== groups) await this.typeLabels(groups);
    this.typedFor = groups;
    const tmp = tempName(dest);
    const meta: FileMeta = { ...about, kind: 'samples', tsMin: this.tsMin, tsMax: this.tsMax };
    const recording = lit(about.recording);
    await this.con.run(`COPY (
      SELECT make_timestamp(CAST(s.ts AS BIGINT) * 1000)::TIMESTAMPTZ AS ts, CAST(${recording} AS ENUM(${recording})) AS recording,
        e.type, e.node, e.namespace, e.pod, e.pod_uid, e.container, m.metric, r.resource_id, s.value
      FROM samples s JOIN entities_typed e USING (eid) JOIN metrics_typed m USING (mid) LEFT JOIN resources_typed r USING (rid)
    ) TO ${lit(tmp)} (${PARQUET_OPTIONS}, ${kvMetadataOption(meta)})`);
    fsyncFile(tmp);
    renameSync(tmp, dest);
    const written = { rows: this.n, bytes: statSync(dest).size, tsMin: this.tsMin, tsMax: this.tsMax };
    await this.con.run('DELETE FROM samples');
    // a tenth dead: worth rewriting the tables, which every file's join reads whole
    const dead = this.deadEntities.length + this.deadResources.length;
    if (dead > 0 && dead * 10 >= this.live) await this.dropDead();
    this.n = 0;
    this.ends = [];
    this.times = [];
    this.tsMin = Infinity;
    this.tsMax = -Infinity;
    return written;
  }

  /** Makes the `_typed` label tables for a file of `groups` row groups (see ENUM_EXTRA_VALUES). */
  private async typeLabels(groups: number): Promise<void> {
    const sql: string[] = [];
    for (const [table, id, cols] of LABEL_TABLES) {
      let enums: readonly string[] = cols;
      if (groups > 1) {
        const counts = (await this.con.runAndReadAll(`SELECT ${cols.map((c) => `count(DISTINCT ${c}) AS ${c}`).join(', ')} FROM ${table}`)).getRowObjects()[0]!;
        enums = cols.filter((c) => Number(counts[c]) * (groups - 1) <= ENUM_EXTRA_VALUES);
      }
      sql.push(`DROP TABLE IF EXISTS ${table}_typed`);
      for (const c of enums) sql.push(`CREATE OR REPLACE TYPE ${c}_enum AS ENUM (SELECT DISTINCT ${c} FROM ${table} WHERE ${c} IS NOT NULL)`);
      sql.push(`CREATE TABLE ${table}_typed AS SELECT ${id}, ${cols.map((c) => (enums.includes(c) ? `${c}::${c}_enum AS ${c}` : c)).join(', ')} FROM ${table}`);
    }
    await this.con.run(sql.join(';\n'));
  }

  close(): void {
    this.entityAppender.closeSync();
    this.resourceAppender.closeSync();
    this.metricAppender.closeSync();
  }

  /**
   * Drops the dead rows. Rewritten rather than deleted from: an in-memory table keeps the space of
   * deleted rows, and a recording of days of pod churn would hold every pod it ever saw.
   */
  private async dropDead(): Promise<void> {
    this.entityAppender.closeSync();
    this.resourceAppender.closeSync();
    for (const [table, id, dead] of [['entities', 'eid', this.deadEntities], ['resources', 'rid', this.deadResources]] as const) {
      const a = await this.con.createAppender('dead');
      for (const x of dead) {
        a.appendInteger(x);
        a.endRow();
      }
      a.closeSync();
      await this.con.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${table} WHERE ${id} NOT IN (SELECT id FROM dead)`);
      await this.con.run('DELETE FROM dead');
    }
    this.deadEntities = [];
    this.deadResources = [];
    this.typedFor = undefined;
    this.entityAppender = await this.con.createAppender('entities');
    this.resourceAppender = await this.con.createAppender('resources');
  }

  private async flushSamples(): Promise<void> {
    this.entityAppender.flushSync();
    this.resourceAppender.flushSync();
    this.metricAppender.flushSync();
    const { DuckDBDataChunk, INTEGER, DOUBLE } = await duckdb();
    const appender = await this.con.createAppender('samples');
    const chunk = DuckDBDataChunk.create([INTEGER, INTEGER, INTEGER, DOUBLE, DOUBLE], CHUNK);
    const columns = [this.eid, this.mid, this.rid, undefined, this.value];
    let run = 0;
    for (let off = 0; off < this.n; off += CHUNK) {
      const rows = Math.min(CHUNK, this.n - off);
      chunk.rowCount = rows;
      // straight from the typed arrays into the vectors: no intermediate JS array per column
      for (let c = 0; c < columns.length; c++) {
        const vector = chunk.getColumnVector(c), from = columns[c];
        if (from) {
          for (let i = 0; i < rows; i++) vector.setItem(i, from[off + i]!);
        } else {
          // times by tick: the sample at `off + i` belongs to the first add that ends after it
          let r = run;
          for (let i = 0; i < rows; i++) {
            while (this.ends[r]! <= off + i) r++;
            vector.setItem(i, this.times[r]!);
          }
        }
        vector.flush();
      }
      while (run < this.ends.length && this.ends[run]! <= off + rows) run++;
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  /** Makes room for `more` samples. */
  private reserve(more: number): void {
    if (this.n + more <= this.eid.length) return;
    let size = this.eid.length * 2;
    while (size < this.n + more) size *= 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.eid = grow(this.eid, (k) => new Int32Array(k));
    this.mid = grow(this.mid, (k) => new Int32Array(k));
    this.rid = grow(this.rid, (k) => new Int32Array(k));
    this.value = grow(this.value, (k) => new Float64Array(k));
  }
}

/**
 * The fast path: the set's labeled values are the names they were last tick (the same shared array:
 * nearly every set, every tick) and name the same resources, so last tick's resource rows hold.
 */
function sameResources(set: MetricSet, e: Entity): boolean {
  const labeled = set.labeled;
  if (labeled.names !== e.labeled) return false;
  for (let k = 0; k < labeled.length; k++) if (resourceIdOf(labeled.labelsAt(k)) !== e.resources[k]) return false;
  return true;
}

import { renameSync, statSync } from 'node:fs';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { L, type Batch, type MetricSet } from '../model/index.js';
import { duckdb, lit } from './duck.js';
import { fsyncFile, tempName } from './durable.js';
import { kvMetadataOption, type FileMeta } from './file-meta.js';
import { entityColumns, resourceIdOf } from './sample-rows.js';

/**
 * Compacted files are sorted by full series identity, then time: 2× smaller and far faster to query
 * than time order. A tick file is not sorted at all: its rows come grouped by entity, as the batch
 * held them, and sorting them cost a sixth of the ingest time; the hourly compaction sorts them.
 */
export const SAMPLE_ORDER = 'metric, type, namespace, pod, container, resource_id, node, ts';
/**
 * Parquet 2 pages: doubles as BYTE_STREAM_SPLIT and integers delta-encoded when not in a dictionary.
 * DICTIONARY_SIZE_LIMIT counts a column chunk's distinct values: a day of one metric holds 1,440
 * timestamps per row group (at 60 s), which as a dictionary cost 0.26 byte a sample; over 1,000 they
 * are delta-encoded instead (runs of equal steps within a series: 0.06), while labels, with fewer
 * distinct values per row group, keep their dictionaries. On the 20-node bench day: 1.254 → 0.749
 * byte a sample (V2 alone 1.065; no dictionaries at all 0.781 and slower to filter), same query
 * times (issue 18). Exports keep Parquet 1 defaults for older readers (Spark before 3.3).
 */
export const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 1000";

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
 * What the writer keeps of one set key: the entity it named when last seen, its series ids, and its
 * samples as they came last tick (metric and resource id per position, with their series ids).
 */
interface Entity {
  /** a pod's UID and node: a StatefulSet pod made again keeps its key but is another entity */
  uid: string | undefined;
  node: string | undefined;
  /** metric + resource id → series id; nested under the key to avoid building a string per sample */
  ids: Map<string, number>;
  metrics: string[];
  resources: (string | null)[];
  sids: Int32Array;
  /** the last tick (count of `add` calls) the set came in */
  seen: number;
}

/** Sweeps for entities gone this many ticks (pods that ended): an hour at one minute. */
const SWEEP_TICKS = 60;

/**
 * Turns batches into sorted long-format Parquet. Samples are held as numeric columns (series id, ts,
 * value) and joined with a series table only when a file is written: ~10 M rows/s into DuckDB
 * instead of ~0.5 M for row-by-row appends of nine columns.
 */
export class SampleWriter {
  /** set key → the entity it named when last seen */
  private readonly entities = new Map<string, Entity>();
  /** series ids of entities that ended or were replaced, still rows of the series table */
  private dead: number[] = [];
  private live = 0;
  private ticks = 0;
  private nextSid = 0;
  private sid = new Int32Array(1 << 16);
  private ts = new Float64Array(1 << 16);
  private value = new Float64Array(1 << 16);
  private n = 0;
  private tsMin = Infinity;
  private tsMax = -Infinity;

  private constructor(
    private readonly con: DuckDBConnection,
    private seriesAppender: DuckDBAppender,
  ) {}

  /** Keeps its tables in `con`, an in-memory database the caller owns and closes. */
  static async create(con: DuckDBConnection): Promise<SampleWriter> {
    await con.run(`CREATE TABLE series (sid INTEGER, type VARCHAR, node VARCHAR, namespace VARCHAR, pod VARCHAR,
      pod_uid VARCHAR, container VARCHAR, metric VARCHAR, resource_id VARCHAR)`);
    await con.run('CREATE TABLE samples (sid INTEGER, ts DOUBLE, value DOUBLE)');
    await con.run('CREATE TABLE dead (sid INTEGER)');
    return new SampleWriter(con, await con.createAppender('series'));
  }

  get pendingRows(): number {
    return this.n;
  }

  /** rows of the series table: those of the entities seen lately, and dead ones not yet dropped */
  get seriesRows(): number {
    return this.live + this.dead.length;
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
      if (!e) this.entities.set(set.key, (e = { uid, node, ids: new Map(), metrics: [], resources: [], sids: new Int32Array(0), seen: 0 }));
      e.seen = tick;
      const count = set.values.size + set.labeled.length;
      this.reserve(count);
      if (!this.addByPlan(set, e, count)) this.addNew(set, e, count);
      this.ts.fill(t, this.n, this.n + count);
      this.n += count;
    }
    if (tick % SWEEP_TICKS === 0) {
      for (const [key, e] of this.entities) {
        if (e.seen <= tick - SWEEP_TICKS) {
          this.entities.delete(key);
          this.bury(e);
        }
      }
    }
  }

  /** Forgets an entity's series: their rows leave the series table at the next rewrite. */
  private bury(e: Entity): void {
    for (const sid of e.ids.values()) this.dead.push(sid);
    this.live -= e.ids.size;
  }

  /**
   * The fast path: a set whose metrics come in the order they came last tick (nearly all of them)
   * reuses that tick's series ids, without a lookup per sample. False, having written nothing
   * that counts, when the set's metrics changed.
   */
  private addByPlan(set: MetricSet, plan: Entity, count: number): boolean {
    if (plan.sids.length !== count) return false;
    let i = 0;
    const at = this.n;
    const values = set.values;
    for (let k = 0; k < values.size; k++) {
      if (plan.metrics[i] !== values.nameAt(k) || plan.resources[i] !== null) return false;
      this.sid[at + i] = plan.sids[i]!;
      this.value[at + i++] = values.valueAt(k);
    }
    const labeled = set.labeled;
    for (let k = 0; k < labeled.length; k++) {
      if (plan.metrics[i] !== labeled.nameAt(k) || plan.resources[i] !== resourceIdOf(labeled.labelsAt(k))) return false;
      this.sid[at + i] = plan.sids[i]!;
      this.value[at + i++] = labeled.valueAt(k);
    }
    return true;
  }

  /** The slow path: looks every sample's series up (creating new ones) and makes them the entity's plan. */
  private addNew(set: MetricSet, plan: Entity, count: number): void {
    const ids = plan.ids;
    plan.metrics = [];
    plan.resources = [];
    plan.sids = new Int32Array(count);
    const at = this.n;
    const put = (metric: string, resourceId: string | null, value: number) => {
      const id = resourceId === null ? metric : `${metric}\u0000${resourceId}`;
      let sid = ids.get(id);
      if (sid === undefined) {
        ids.set(id, (sid = this.nextSid++));
        this.live++;
        this.appendSeries(set, sid, metric, resourceId);
      }
      const i = plan.metrics.length;
      plan.metrics.push(metric);
      plan.resources.push(resourceId);
      plan.sids[i] = sid;
      this.sid[at + i] = sid;
      this.value[at + i] = value;
    };
    set.values.forEach((value, metric) => put(metric, null, value));
    for (const lv of set.labeled) put(lv.name, resourceIdOf(lv.labels), lv.value);
  }

  private appendSeries(set: MetricSet, sid: number, metric: string, resourceId: string | null): void {
    const e = entityColumns(set);
    const a = this.seriesAppender;
    a.appendInteger(sid);
    for (const v of [e.type, e.node, e.namespace, e.pod, e.pod_uid, e.container, metric, resourceId]) {
      if (v === null) a.appendNull();
      else a.appendVarchar(v);
    }
    a.endRow();
  }

  /**
   * Writes every pending sample to `dest` and clears them: a temporary name, flushed to disk, then
   * renamed, the file describing itself (`about`, plus its rows and times) for a catalog rebuild.
   */
  async write(dest: string, about: FileAbout): Promise<WrittenFile> {
    await this.flushSamples();
    const tmp = tempName(dest);
    const meta: FileMeta = { ...about, kind: 'samples', tsMin: this.tsMin, tsMax: this.tsMax };
    await this.con.run(`COPY (
      SELECT make_timestamp(CAST(s.ts AS BIGINT) * 1000)::TIMESTAMPTZ AS ts, ${lit(about.recording)} AS recording,
        r.type, r.node, r.namespace, r.pod, r.pod_uid, r.container, r.metric, r.resource_id, s.value
      FROM samples s JOIN series r USING (sid)
    ) TO ${lit(tmp)} (${PARQUET_OPTIONS}, ${kvMetadataOption(meta)})`);
    fsyncFile(tmp);
    renameSync(tmp, dest);
    const written = { rows: this.n, bytes: statSync(dest).size, tsMin: this.tsMin, tsMax: this.tsMax };
    await this.con.run('DELETE FROM samples');
    // a tenth dead: worth rewriting the table, which every file's join reads whole
    if (this.dead.length > 0 && this.dead.length * 10 >= this.live) await this.dropDead();
    this.n = 0;
    this.tsMin = Infinity;
    this.tsMax = -Infinity;
    return written;
  }

  close(): void {
    this.seriesAppender.closeSync();
  }

  /**
   * Drops the dead series' rows. Rewritten rather than deleted from: an in-memory table keeps the
   * space of deleted rows, and a recording of days of pod churn would hold every pod it ever saw.
   */
  private async dropDead(): Promise<void> {
    this.seriesAppender.closeSync();
    const a = await this.con.createAppender('dead');
    for (const sid of this.dead) {
      a.appendInteger(sid);
      a.endRow();
    }
    a.closeSync();
    await this.con.run('CREATE OR REPLACE TABLE series AS SELECT * FROM series WHERE sid NOT IN (SELECT sid FROM dead)');
    await this.con.run('DELETE FROM dead');
    this.dead = [];
    this.seriesAppender = await this.con.createAppender('series');
  }

  private async flushSamples(): Promise<void> {
    this.seriesAppender.flushSync();
    const { DuckDBDataChunk, INTEGER, DOUBLE } = await duckdb();
    const appender = await this.con.createAppender('samples');
    const chunk = DuckDBDataChunk.create([INTEGER, DOUBLE, DOUBLE], CHUNK);
    const columns = [this.sid, this.ts, this.value];
    for (let off = 0; off < this.n; off += CHUNK) {
      const rows = Math.min(CHUNK, this.n - off);
      chunk.rowCount = rows;
      // straight from the typed arrays into the vectors: no intermediate JS array per column
      for (let c = 0; c < columns.length; c++) {
        const vector = chunk.getColumnVector(c), from = columns[c]!;
        for (let i = 0; i < rows; i++) vector.setItem(i, from[off + i]!);
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  /** Makes room for `more` samples. */
  private reserve(more: number): void {
    if (this.n + more <= this.sid.length) return;
    let size = this.sid.length * 2;
    while (size < this.n + more) size *= 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.sid = grow(this.sid, (k) => new Int32Array(k));
    this.ts = grow(this.ts, (k) => new Float64Array(k));
    this.value = grow(this.value, (k) => new Float64Array(k));
  }
}

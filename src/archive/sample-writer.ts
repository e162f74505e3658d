import { chmodSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Batch } from '../model/index.js';
import { lit } from './duck.js';
import { entityColumns, forEachSample } from './sample-rows.js';

/**
 * Compacted files are sorted by full series identity, then time: 2× smaller and far faster to query
 * than time order. A tick file is grouped by series id instead (half the cost of the full sort);
 * the hourly compaction puts it in the full order.
 */
export const SAMPLE_ORDER = 'metric, type, namespace, pod, container, resource_id, node, ts';
export const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880";

export interface WrittenFile {
  rows: number;
  bytes: number;
  tsMin: number;
  tsMax: number;
}

const CHUNK = 2048;

/**
 * Turns batches into sorted long-format Parquet. Samples are held as numeric columns (series id, ts,
 * value) and joined with a series table only when a file is written: ~10 M rows/s into DuckDB
 * instead of ~0.5 M for row-by-row appends of nine columns.
 */
export class SampleWriter {
  /** set key → metric + resource id → series id; nested maps avoid building a string per sample */
  private readonly seriesIds = new Map<string, Map<string, number>>();
  private nextSid = 0;
  private sid = new Int32Array(1 << 16);
  private ts = new Float64Array(1 << 16);
  private value = new Float64Array(1 << 16);
  private n = 0;
  private tsMin = Infinity;
  private tsMax = -Infinity;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly seriesAppender: DuckDBAppender,
  ) {}

  static async create(): Promise<SampleWriter> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    await con.run("SET TimeZone = 'UTC'");
    await con.run("SET memory_limit = '2GB'");
    await con.run(`CREATE TABLE series (sid INTEGER, type VARCHAR, node VARCHAR, namespace VARCHAR, pod VARCHAR,
      pod_uid VARCHAR, container VARCHAR, metric VARCHAR, resource_id VARCHAR)`);
    await con.run('CREATE TABLE samples (sid INTEGER, ts DOUBLE, value DOUBLE)');
    return new SampleWriter(instance, con, await con.createAppender('series'));
  }

  get pendingRows(): number {
    return this.n;
  }

  add(batch: Batch): void {
    const t = batch.timestamp;
    this.tsMin = Math.min(this.tsMin, t);
    this.tsMax = Math.max(this.tsMax, t);
    let lastKey = '', ids: Map<string, number> | undefined;
    forEachSample(batch, (set, metric, resourceId, value) => {
      if (set.key !== lastKey || !ids) {
        lastKey = set.key;
        ids = this.seriesIds.get(set.key);
        if (!ids) this.seriesIds.set(set.key, (ids = new Map()));
      }
      const id = resourceId === null ? metric : `${metric}\u0000${resourceId}`;
      let sid = ids.get(id);
      if (sid === undefined) {
        sid = this.nextSid++;
        ids.set(id, sid);
        const e = entityColumns(set);
        const a = this.seriesAppender;
        a.appendInteger(sid);
        for (const v of [e.type, e.node, e.namespace, e.pod, e.pod_uid, e.container, metric, resourceId]) {
          if (v === null) a.appendNull();
          else a.appendVarchar(v);
        }
        a.endRow();
      }
      if (this.n === this.sid.length) this.grow();
      this.sid[this.n] = sid;
      this.ts[this.n] = t;
      this.value[this.n] = value;
      this.n++;
    });
  }

  /** Writes every pending sample to `dest` (atomically: a temporary name, then a rename) and clears them. */
  async write(dest: string, recording: string): Promise<WrittenFile> {
    await this.flushSamples();
    const tmp = path.join(path.dirname(dest), `.tmp-${path.basename(dest)}`);
    await this.con.run(`COPY (
      SELECT make_timestamp(CAST(s.ts AS BIGINT) * 1000)::TIMESTAMPTZ AS ts, ${lit(recording)} AS recording,
        r.type, r.node, r.namespace, r.pod, r.pod_uid, r.container, r.metric, r.resource_id, s.value
      FROM samples s JOIN series r USING (sid) ORDER BY s.sid, s.ts
    ) TO ${lit(tmp)} (${PARQUET_OPTIONS})`);
    chmodSync(tmp, 0o600);
    renameSync(tmp, dest);
    const written = { rows: this.n, bytes: statSync(dest).size, tsMin: this.tsMin, tsMax: this.tsMax };
    await this.con.run('DELETE FROM samples');
    this.n = 0;
    this.tsMin = Infinity;
    this.tsMax = -Infinity;
    return written;
  }

  close(): void {
    this.seriesAppender.closeSync();
    this.con.closeSync();
    this.instance.closeSync();
  }

  private async flushSamples(): Promise<void> {
    this.seriesAppender.flushSync();
    const { DuckDBDataChunk, INTEGER, DOUBLE } = await import('@duckdb/node-api');
    const appender = await this.con.createAppender('samples');
    const chunk = DuckDBDataChunk.create([INTEGER, DOUBLE, DOUBLE], CHUNK);
    for (let off = 0; off < this.n; off += CHUNK) {
      const end = Math.min(off + CHUNK, this.n);
      chunk.rowCount = end - off;
      chunk.setColumnValues(0, Array.from(this.sid.subarray(off, end)));
      chunk.setColumnValues(1, Array.from(this.ts.subarray(off, end)));
      chunk.setColumnValues(2, Array.from(this.value.subarray(off, end)));
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  private grow(): void {
    const size = this.sid.length * 2;
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

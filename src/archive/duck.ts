import { rmSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { PluginError, usageError } from '../model/index.js';
import { spillDir } from './spill-dir.js';

/**
 * DuckDB is imported lazily: commands that never touch the archive should not pay for it. In the
 * bundled commands (scripts/bundle-app.mjs) the CommonJS package is a module with only a default
 * export; imported by Node itself, the default export is the same exports object.
 */
export async function duckdb() {
  return (await import('@duckdb/node-api')).default;
}

/**
 * Makes DuckDB's allocator (a jemalloc of its own) keep memory DuckDB freed for `ms` before giving it
 * back to the system, instead of DuckDB's 1 s; takes effect only if called before DuckDB loads, and a
 * user's own DUCKDB_JE_MALLOC_CONF wins. For `record`: at 1 s resolution each tick's memory went back
 * between ticks and was faulted in again at the next, at ~14 µs a page on this VM. With 30 s, a
 * 20-node recorder at 1 s through the simulator: CPU 158-161 → 130-137 ms a second, page faults
 * 3,600 → 2,000-2,300 a second, RSS the same; a tick written a second after the last 121 → 84 ms
 * (2 s: 96-99, 3 s: 89-100). Its price: compacting 90 such ticks peaked at 0.80 GB instead of
 * 0.68-0.72. Not for every command: an export of the 20-node day peaked at 1.2-1.5 GB instead of
 * 0.48 (3 s: 0.58-0.60), in the same time (issue 18).
 */
export function keepFreedMemory(ms: number): void {
  process.env.DUCKDB_JE_MALLOC_CONF ??= `dirty_decay_ms:${ms},muzzy_decay_ms:${ms}`;
}

/**
 * What a writer of a tick every `resolutionMs` keeps (record, and the ingest bench as record): below
 * 10 s its ticks' memory, 30 s of it. Slower, the faults of taking it back are a sliver of the
 * interval, and a 1,000-node recorder at 15 s that kept its ticks' memory peaked at 1,399 MB (one run;
 * 1,269-1,271 in earlier runs without). Call it before DuckDB loads.
 */
export function keepMemoryBetweenTicks(resolutionMs: number): void {
  if (resolutionMs < 10_000) keepFreedMemory(30_000);
}

/**
 * What `archive compact` keeps of the memory DuckDB frees: 100 ms, not DuckDB's 1 s. Its sorts, one
 * per metric of a day, free and take again hundreds of MB, and jemalloc held the freed pages on top
 * of the cap. 2 hours of 20 nodes at 1 s (336 M samples in 20 hourly files), one run each: peak RSS
 * 1,034 MB in 168 s with DuckDB's 1 s; 100 ms 812 MB in 158 s; 250 ms 855 MB in 164 s; 0 ms 740 MB
 * but 260 s (every page faulted in again). Call it before DuckDB loads.
 */
export function keepFreedMemoryBriefly(): void {
  keepFreedMemory(100);
}

/**
 * DuckDB's memory cap unless KUBECTL_HEAPSTER_MEMORY_LIMIT says otherwise. On the 20-node bench day,
 * against 2GB: compaction 0.83 GB peak RSS in 74 s (2.21 GB, 72 s), a whole-day Parquet export 0.68 GB
 * in 49 s (1.24 GB, 43 s), `top pods -A` over the day 0.74 GB in 8-9 s (2.18 GB, 9-10 s): DuckDB
 * grows to its cap before it spills, and faulting in memory costs about what spilling saves (issue 18).
 */
export const DEFAULT_MEMORY_LIMIT = '512MB';

/** A size as DuckDB takes it: 512MB, 1.5GB, 1GiB (the number, the power, `i` for powers of 1024). */
const SIZE = /^(\d+(?:\.\d+)?)\s*([KMGT])(i?)B$/i;

/**
 * The memory cap DuckDB gets: a sorted COPY or a large export grows to it before it spills, so it
 * decides most of a compaction's or an export's peak RSS. A machine that must keep the plugin
 * smaller, or can give it more, sets KUBECTL_HEAPSTER_MEMORY_LIMIT.
 */
export function memoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.KUBECTL_HEAPSTER_MEMORY_LIMIT?.trim();
  if (!v) return DEFAULT_MEMORY_LIMIT;
  if (!SIZE.test(v)) {
    throw usageError(`KUBECTL_HEAPSTER_MEMORY_LIMIT=${v} is not a size`, 'give it as 512MB, 1GB or 4GB, or unset it');
  }
  return v;
}

/** Whether DuckDB refused the work for its memory cap ("Out of Memory Error": it spills sorts, not everything). */
export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && /Out of Memory Error/i.test(err.message);
}

/** The memory cap in bytes, counted as DuckDB counts it (MB = 10^6 bytes, MiB = 2^20). */
export function memoryLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const m = SIZE.exec(memoryLimit(env))!;
  const power = 'KMGT'.indexOf(m[2]!.toUpperCase()) + 1;
  return Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
}

/**
 * SQL settings every connection gets: UTC times, the memory cap and a spill folder of the instance's
 * own, without which an in-memory database cannot sort more than fits.
 */
function setup(spill: string): string[] {
  return [
    "SET TimeZone = 'UTC'", `SET memory_limit = '${memoryLimit()}'`, 'SET parquet_metadata_cache = true',
    `SET temp_directory = ${lit(spill)}`,
  ];
}

/** A connection with the setup() settings, and how to close it and its database. */
export interface OpenDb {
  con: DuckDBConnection;
  close: () => void;
}

async function openOn(instance: DuckDBInstance): Promise<OpenDb> {
  const spill = spillDir();
  const close = (con?: DuckDBConnection) => {
    con?.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  };
  let con: DuckDBConnection | undefined;
  try {
    con = await instance.connect();
    for (const s of setup(spill)) await con.run(s);
  } catch (e) {
    close(con);
    throw e;
  }
  return { con, close: () => close(con) };
}

async function use<T>(db: OpenDb, fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  try {
    return await fn(db.con);
  } finally {
    db.close();
  }
}

/**
 * An in-memory database kept open by a long-running writer: creating one costs ~20 ms, which a
 * recorder writing pods, nodes and samples every tick would otherwise pay three times per tick.
 */
export async function openScratchDb(): Promise<OpenDb> {
  const { DuckDBInstance } = await duckdb();
  return openOn(await DuckDBInstance.create(':memory:'));
}

/**
 * Runs `fn` on a fresh in-memory database; closed afterwards whatever happens. `signal` interrupts
 * the statement running when it aborts: a merge of a day is minutes of one COPY.
 */
export async function withMemoryDb<T>(fn: (con: DuckDBConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return use(await openScratchDb(), async (con) => {
    const interrupt = () => con.interrupt();
    signal?.addEventListener('abort', interrupt);
    try {
      return await fn(con);
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  });
}

let shared: Promise<DuckDBInstance> | undefined;

/**
 * The process's one long-lived in-memory database: readers take connections of it, and database
 * files are attached to it for their sessions. Creating and closing an instance per session cost
 * ~60 ms, and each close slowed the next Parquet write 2-3× (DuckDB gives its memory back to the
 * system and faults it in again): at 1 s resolution that was most of a small cluster's tick.
 */
function host(): Promise<DuckDBInstance> {
  // the settings are made global once: four statements per read were a few ms of every query
  shared ??= duckdb().then(async ({ DuckDBInstance }) => {
    const instance = await DuckDBInstance.create(':memory:');
    const spill = spillDir();
    // it is never closed: what it spilled goes when the process ends (or, after a kill, with the next one)
    process.once('exit', () => rmSync(spill, { recursive: true, force: true }));
    const con = await instance.connect();
    for (const s of setup(spill)) await con.run(s.replace(/^SET /, 'SET GLOBAL '));
    con.closeSync();
    return instance;
  });
  return shared;
}

/**
 * Runs a read on a connection of the process's in-memory database: a long-running `serve` then
 * keeps DuckDB's Parquet footer cache warm and skips creating a database per request.
 */
export async function withReadDb<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const con = await (await host()).connect();
  try {
    return await fn(con);
  } finally {
    con.closeSync();
  }
}

/** DuckDB's words for a file lock another process holds ("block" and the like must not match). */
const LOCKED = /Could not set lock on file|Conflicting lock/i;

/** DuckDB's words for a database file it cannot use: a torn write, a bad checksum, not a database, no tables. */
export function isCorruptCatalog(message: string): boolean {
  return /Corrupt database file|checksum|not a valid DuckDB database|Could not read enough bytes|Table with name (recordings|snapshots|gaps) does not exist/i.test(message);
}

/**
 * Opens a database file for one short piece of work, then closes it, so that `record` in one
 * terminal and `query` in another take turns on the file lock. A lock held by another process is
 * waited for, up to `waitMs`.
 */
export async function withFileDb<T>(file: string, readOnly: boolean, fn: (con: DuckDBConnection) => Promise<T>, waitMs = 10_000): Promise<T> {
  return inTurn(path.resolve(file), () => openFileDb(file, readOnly, fn, waitMs));
}

/**
 * DuckDB's file lock is a process's lock: two instances of one file in one process (serve --live's
 * recorder and its readers, two compactions) would both get it and write over each other. Within a
 * process each file's sessions therefore take turns.
 */
const turns = new Map<string, Promise<void>>();

async function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = turns.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = before.then(() => new Promise<void>((r) => (done = r)));
  turns.set(key, mine);
  await before;
  try {
    return await fn();
  } finally {
    done();
    if (turns.get(key) === mine) turns.delete(key);
  }
}

let attached = 0;

/**
 * One session on a database file, attached to the process's in-memory database under a name of its
 * own and made the connection's default, so `fn`'s SQL names its tables plainly. Detaching closes
 * the file and releases its lock for other processes.
 */
async function openFileDb<T>(file: string, readOnly: boolean, fn: (con: DuckDBConnection) => Promise<T>, waitMs: number): Promise<T> {
  const instance = await host();
  const deadline = Date.now() + waitMs;
  const alias = `file_db_${++attached}`;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    const con = await instance.connect();
    try {
      await con.run(`ATTACH ${lit(file)} AS ${alias}${readOnly ? ' (READ_ONLY)' : ''}`);
    } catch (e) {
      con.closeSync();
      const msg = String((e as Error).message);
      if (LOCKED.test(msg) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, delay));
        continue;
      }
      throw new PluginError('archive', `cannot open ${file}: ${msg.split('\n')[0]}`,
        LOCKED.test(msg) ? 'another kubectl-heapster process has held it for 10 s; try again' : 'run `kubectl heapster archive repair`');
    }
    try {
      await con.run(`USE ${alias}`);
      return await fn(con);
    } catch (e) {
      // a transaction `fn` left open (it threw before COMMIT) would keep the file from detaching
      await con.run('ROLLBACK').catch(() => {});
      // a catalog that opened but cannot be read (a table missing or a block torn) is named as the file's fault
      const msg = String((e as Error).message);
      if (!(e instanceof PluginError) && isCorruptCatalog(msg)) throw new PluginError('archive', `cannot read ${file}: ${msg.split('\n')[0]}`, 'run `kubectl heapster archive repair`');
      throw e;
    } finally {
      // the default database cannot be detached
      await con.run('USE memory').catch(() => {});
      await con.run(`DETACH ${alias}`).catch(() => {});
      con.closeSync();
    }
  }
}

/** A SQL string literal. Paths and names reach SQL only through this or bound parameters. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SQL identifier (a column named after a metric, `cpu/usage_rate`). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function fileList(files: readonly string[]): string {
  return `[${files.map(lit).join(', ')}]`;
}

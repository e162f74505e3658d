import { accessSync, constants, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PluginError, usageError } from '../model/index.js';
import { CATALOG_FILE, ensurePrivateDir, INTENTS_DIR, MARKER_FILE, NODES_DIR, PODS_DIR, RECORDINGS_DIR, SAMPLES_DIR, SERIES_DIR } from './archive-dir.js';
import { createCatalog, holdsMetric, selectRecordingRows, selectSnapshots, type Recording, type Snapshot, type SnapshotFilter, type SnapshotKind } from './catalog.js';
import { isCorruptCatalog, withFileDb } from './duck.js';
import { writeFileDurably, writerTag } from './durable.js';
import { rebuildCatalog } from './rebuild.js';
import { reconcile } from './reconcile.js';

const KIND_DIR: Record<SnapshotKind, string> = { samples: SAMPLES_DIR, pods: PODS_DIR, nodes: NODES_DIR, series: SERIES_DIR };

/** Recording and cluster names end up in file names: a closed alphabet keeps them safe there and in SQL. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

/** What to do when there is no archive where one is read: commands that can scrape add their way first. */
export const NO_ARCHIVE_HINT = 'record one with `kubectl heapster record`, or pass --archive DIR (or set KUBECTL_HEAPSTER_ARCHIVE)';

export interface OpenOptions {
  /** one line for the user when the archive had to be repaired (a catalog rebuilt) */
  notice?: (line: string) => void;
  /** false: leave what a crash left as it is (verify reports it) */
  reconcile?: boolean;
}

/**
 * A folder of Parquet snapshots with a DuckDB catalog (design.md §4). The files are the truth and
 * describe themselves; the catalog is an index, rebuilt from them when it is missing or corrupt.
 */
export class Archive {
  private constructor(readonly dir: string, private readonly notice: (line: string) => void) {}

  /** Whether `dir` holds an archive: its marker, or the catalog of an archive made before the marker. */
  static exists(dir: string): boolean {
    return existsSync(path.join(dir, MARKER_FILE)) || existsSync(path.join(dir, CATALOG_FILE));
  }

  /**
   * Opens an archive; `create` makes one in a folder that is missing or empty. A path that is a file,
   * or a folder holding anything else, is refused: nothing the product did not create is written into.
   */
  static async open(dir: string, create: boolean, o: OpenOptions = {}): Promise<Archive> {
    // archive files hold cluster data: nothing this process writes is readable by others (DuckDB's WAL included)
    process.umask(0o077);
    const notice = o.notice ?? (() => {});
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw usageError(`${dir} is a file, not an archive folder`, 'give --archive a folder of its own (a missing one is made)');
    }
    if (!Archive.exists(dir)) {
      if (!create) throw usageError(`no archive at ${dir}`, NO_ARCHIVE_HINT);
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw usageError(`${dir} is not a kubectl-heapster archive: it holds other files`, 'give --archive a new or empty folder, or an existing archive');
      }
      ensurePrivateDir(dir);
      writeFileDurably(path.join(dir, MARKER_FILE), `${JSON.stringify({ format: 1, made_by: 'kubectl-heapster' })}\n`);
    }
    const archive = new Archive(dir, notice);
    // an archive copied to read-only media is read as it is: nothing to add, nothing a reader could repair
    const readOnly = !create && !writable(dir);
    if (readOnly) return archive;
    for (const d of [...Object.values(KIND_DIR), RECORDINGS_DIR, INTENTS_DIR]) ensurePrivateDir(path.join(dir, d));
    if (!existsSync(path.join(dir, MARKER_FILE))) writeFileDurably(path.join(dir, MARKER_FILE), `${JSON.stringify({ format: 1, made_by: 'kubectl-heapster' })}\n`);
    if (!existsSync(archive.catalogPath)) {
      const hasData = Object.values(KIND_DIR).some((d) => readdirSync(path.join(dir, d)).length > 0);
      if (hasData) await archive.rebuild('the catalog was missing');
      else {
        // made under a temporary name and renamed: a kill while DuckDB writes a new file's first blocks leaves no torn catalog
        const tmp = path.join(dir, `.tmp-catalog-${writerTag()}.duckdb`);
        await withFileDb(tmp, false, createCatalog);
        renameSync(tmp, archive.catalogPath);
      }
    }
    if (o.reconcile !== false) await reconcile(archive);
    return archive;
  }

  get catalogPath(): string {
    return path.join(this.dir, CATALOG_FILE);
  }

  /**
   * One short catalog session; the lock is released when `fn` returns. A catalog that cannot be read
   * is rebuilt from the files once, and the work done on the new one.
   */
  async catalog<T>(readOnly: boolean, fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    try {
      return await withFileDb(this.catalogPath, readOnly, fn);
    } catch (e) {
      if (!(e instanceof PluginError) || !isCorruptCatalog(e.message)) throw e;
      await this.rebuild(`the catalog was corrupt (${e.message.replace(/^cannot open [^:]+: /, '').slice(0, 160)})`);
      return withFileDb(this.catalogPath, readOnly, fn);
    }
  }

  /** Rebuilds the catalog from the files, keeping a corrupt one aside, and says so in one line. */
  async rebuild(why: string): Promise<void> {
    let aside = '';
    if (existsSync(this.catalogPath)) {
      aside = `${this.catalogPath}.corrupt-${Date.now()}`;
      renameSync(this.catalogPath, aside);
      if (existsSync(`${this.catalogPath}.wal`)) renameSync(`${this.catalogPath}.wal`, `${aside}.wal`);
    }
    const r = await rebuildCatalog(this.dir, path.join(this.dir, `.tmp-catalog-${writerTag()}.duckdb`));
    renameSync(r.tmp, this.catalogPath);
    this.snapshotCache.clear();
    this.notice(`${why}; rebuilt it from ${r.files} files and ${r.recordings} recordings, nothing recorded lost${aside ? ` (the old one is kept as ${path.basename(aside)})` : ''}`);
  }

  /** Where a new snapshot goes: `kind/cluster=C/date=D/recording-level-ts-pid-tag.parquet`, folders created private. */
  snapshotPath(kind: SnapshotKind, cluster: string, date: string, recording: string, level: number, tsMin: number): { rel: string; abs: string } {
    const folder = path.join(KIND_DIR[kind], `cluster=${cluster}`, `date=${date}`);
    ensurePrivateDir(path.join(this.dir, folder));
    const rel = path.join(folder, `${recording}-L${level}-${tsMin}-${writerTag()}.parquet`);
    return { rel, abs: path.join(this.dir, rel) };
  }

  /**
   * A token that changes whenever the catalog was written (its file is rewritten on every close), so
   * long-running readers such as `serve` can cache file lists and answers between batches.
   */
  version(): string {
    const stat = (f: string) => (existsSync(f) ? `${statSync(f).mtimeMs}:${statSync(f).size}` : '-');
    return `${stat(this.catalogPath)}|${stat(`${this.catalogPath}.wal`)}`;
  }

  /** Every cataloged snapshot, cached until the catalog changes. */
  async allSnapshots(): Promise<Snapshot[]> {
    const version = this.version();
    const hit = this.snapshotCache.get('*');
    if (hit && hit.version === version) return hit.snaps;
    const snaps = await this.catalog(true, (con) => selectSnapshots(con));
    this.remember(snaps, version);
    return snaps;
  }

  /**
   * Keeps a snapshot list, and the recordings' rows, read at `version`: reconcile reads them anyway,
   * and the command then need not again.
   */
  remember(snaps: Snapshot[], version = this.version(), recordings?: Recording[]): void {
    this.snapshotCache.set('*', { version, snaps, ...(recordings ? { recordings } : {}) });
  }

  /** The recordings' own rows (no per-file sums), cached until the catalog changes. */
  async recordingRows(): Promise<Recording[]> {
    const hit = this.snapshotCache.get('*');
    if (hit?.recordings && hit.version === this.version()) return hit.recordings;
    return this.catalog(true, (con) => selectRecordingRows(con));
  }

  /** The cataloged snapshots that match. */
  async snapshots(f: SnapshotFilter): Promise<Snapshot[]> {
    return filterSnapshots(await this.allSnapshots(), f);
  }

  /** Absolute paths of the cataloged snapshot files that match. */
  async files(filter: SnapshotFilter): Promise<string[]> {
    return (await this.snapshots(filter)).map((s) => path.join(this.dir, s.file));
  }

  private readonly snapshotCache = new Map<string, { version: string; snaps: Snapshot[]; recordings?: Recording[] }>();
}

/** Whether this process may write into `dir` (false on a read-only file system, even for root). */
function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The snapshots a filter keeps, as `selectSnapshots` would in SQL. */
export function filterSnapshots(all: readonly Snapshot[], f: SnapshotFilter): Snapshot[] {
  return all.filter((s) => (f.kind === undefined || s.kind === f.kind) && (f.recording === undefined || s.recording === f.recording)
    && (f.cluster === undefined || s.cluster === f.cluster) && (f.start === undefined || s.tsMax >= f.start) && (f.end === undefined || s.tsMin <= f.end)
    && (f.level === undefined || s.level === f.level) && holdsMetric(s, f.metric));
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function checkName(name: string, what: string): string {
  if (!NAME_PATTERN.test(name)) throw usageError(`${what} "${name}" has characters that cannot go in a file name`, 'use letters, digits, ".", "_" and "-"');
  return name;
}

import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { usageError } from '../model/index.js';
import { CATALOG_FILE, ensurePrivateDir, NODES_DIR, PODS_DIR, SAMPLES_DIR } from './archive-dir.js';
import { createCatalog, selectSnapshots, type Snapshot, type SnapshotFilter, type SnapshotKind } from './catalog.js';
import { withFileDb } from './duck.js';

const KIND_DIR: Record<SnapshotKind, string> = { samples: SAMPLES_DIR, pods: PODS_DIR, nodes: NODES_DIR };

/** Recording and cluster names end up in file names: a closed alphabet keeps them safe there and in SQL. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

/** A folder of Parquet snapshots with a DuckDB catalog (design.md §4). */
/** What to do when there is no archive where one is read: commands that can scrape add their way first. */
export const NO_ARCHIVE_HINT = 'record one with `kubectl heapster record`, or pass --archive DIR (or set KUBECTL_HEAPSTER_ARCHIVE)';

export class Archive {
  private constructor(readonly dir: string) {}

  /** Whether `dir` holds an archive (its catalog). */
  static exists(dir: string): boolean {
    return existsSync(path.join(dir, CATALOG_FILE));
  }

  /** Opens an archive; `create` makes the folder and catalog when missing. */
  static async open(dir: string, create: boolean): Promise<Archive> {
    const catalog = path.join(dir, CATALOG_FILE);
    if (!Archive.exists(dir)) {
      if (!create) {
        throw usageError(`no archive at ${dir}`, NO_ARCHIVE_HINT);
      }
      // archive files hold cluster data: nothing this process writes is readable by others
      process.umask(0o077);
      ensurePrivateDir(dir);
      for (const d of Object.values(KIND_DIR)) ensurePrivateDir(path.join(dir, d));
      await withFileDb(catalog, false, createCatalog);
    }
    return new Archive(dir);
  }

  get catalogPath(): string {
    return path.join(this.dir, CATALOG_FILE);
  }

  /** One short catalog session; the lock is released when `fn` returns. */
  catalog<T>(readOnly: boolean, fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    return withFileDb(this.catalogPath, readOnly, fn);
  }

  /** Where a new snapshot goes: `kind/cluster=C/date=D/recording-level-ts.parquet`, folders created private. */
  snapshotPath(kind: SnapshotKind, cluster: string, date: string, recording: string, level: number, tsMin: number): { rel: string; abs: string } {
    const folder = path.join(KIND_DIR[kind], `cluster=${cluster}`, `date=${date}`);
    const abs = path.join(this.dir, folder);
    if (!existsSync(abs)) mkdirSync(abs, { recursive: true, mode: 0o700 });
    const rel = path.join(folder, `${recording}-L${level}-${tsMin}-${process.pid}${Math.floor(Math.random() * 1e6)}.parquet`);
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

  /** The cataloged snapshots that match, cached until the catalog changes. */
  async snapshots(filter: SnapshotFilter): Promise<Snapshot[]> {
    const key = JSON.stringify(filter);
    const version = this.version();
    const hit = this.snapshotCache.get(key);
    if (hit && hit.version === version) return hit.snaps;
    const snaps = await this.catalog(true, (con) => selectSnapshots(con, filter));
    if (this.snapshotCache.size > 256) this.snapshotCache.clear();
    this.snapshotCache.set(key, { version, snaps });
    return snaps;
  }

  /** Absolute paths of the cataloged snapshot files that match. */
  async files(filter: SnapshotFilter): Promise<string[]> {
    return (await this.snapshots(filter)).map((s) => path.join(this.dir, s.file));
  }

  private readonly snapshotCache = new Map<string, { version: string; snaps: Snapshot[] }>();
}

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function checkName(name: string, what: string): string {
  if (!NAME_PATTERN.test(name)) throw usageError(`${what} "${name}" has characters that cannot go in a file name`, 'use letters, digits, ".", "_" and "-"');
  return name;
}


import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where the archive lives: `--archive`, else $KUBECTL_HEAPSTER_ARCHIVE, else
 * $XDG_DATA_HOME/kubectl-heapster, else ~/.local/share/kubectl-heapster. Never under ~/.kube/cache.
 */
export function archiveDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.KUBECTL_HEAPSTER_ARCHIVE) return path.resolve(env.KUBECTL_HEAPSTER_ARCHIVE);
  const data = env.XDG_DATA_HOME || path.join(env.HOME || homedir(), '.local', 'share');
  return path.join(data, 'kubectl-heapster');
}

/**
 * Makes a folder the archive owns, private (0700 whatever the umask). A folder that is already there
 * is left as it is: the product never changes the mode of anything it did not create.
 */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export const CATALOG_FILE = 'catalog.duckdb';
/** The archive's own marker: a folder without it (or a catalog) is not an archive, and is never written into. */
export const MARKER_FILE = 'kubectl-heapster-archive.json';
export const SAMPLES_DIR = 'samples';
export const PODS_DIR = 'pods';
export const NODES_DIR = 'nodes';
/** compacted files' series indexes (series-index.ts) */
export const SERIES_DIR = 'series';
/** each recording's manifest and gap log */
export const RECORDINGS_DIR = 'recordings';
/** what a compaction or prune is about to swap, so a kill in the middle is finished or undone */
export const INTENTS_DIR = 'intents';

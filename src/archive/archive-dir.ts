import { chmodSync, existsSync, mkdirSync } from 'node:fs';
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

/** Archive files hold cluster data: folders 0700, files 0600, whatever the umask. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export const CATALOG_FILE = 'catalog.duckdb';
export const SAMPLES_DIR = 'samples';
export const PODS_DIR = 'pods';
export const NODES_DIR = 'nodes';

import { isOutOfMemory } from '../archive/duck.js';

/** What each file-system failure means for the user, and what to do about it. */
const MEANING: Record<string, [string, string]> = {
  ENOSPC: ['no space left on the device', 'free some space and run it again; what was already recorded is kept'],
  EDQUOT: ['the disk quota is used up', 'free some space and run it again; what was already recorded is kept'],
  EACCES: ['permission denied', 'check the folder\'s owner and mode, or pick another path'],
  EPERM: ['permission denied', 'check the folder\'s owner and mode, or pick another path'],
  EROFS: ['the file system is read-only', 'pick a writable path'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'pick another path'],
  EISDIR: ['it is a folder', 'give a file name'],
  EMFILE: ['too many open files', 'raise the limit (ulimit -n) or close other programs'],
};

/** DuckDB's words for the same failures, which come without an errno. */
const DUCKDB: [RegExp, string][] = [[/No space left on device/i, 'ENOSPC'], [/Disk quota exceeded/i, 'EDQUOT'], [/Permission denied/i, 'EACCES'], [/Read-only file system/i, 'EROFS'], [/Not a directory/i, 'ENOTDIR']];

/**
 * A failure of the machine rather than of the plugin (a full disk, a folder it may not write, a path
 * through a file) as one line naming the path and what to do; undefined for anything else.
 */
export function systemErrorLine(err: Error & { code?: string; path?: string }): string | undefined {
  let code = typeof err.code === 'string' && MEANING[err.code] ? err.code : undefined;
  let where = err.path;
  if (!code) {
    const found = DUCKDB.find(([re]) => re.test(err.message));
    if (!found) return undefined;
    code = found[1];
    where = /"([^"]+)"/.exec(err.message)?.[1];
  }
  const [what, todo] = MEANING[code]!;
  return `cannot write${where ? ` ${where}` : ''}: ${what}; ${todo}`;
}

/**
 * DuckDB's "Out of Memory Error" as what it means here: the work needed more than the memory cap
 * (which it could not spill). Undefined for any other error.
 */
export function outOfMemoryLine(err: Error, limit: string): string | undefined {
  if (!isOutOfMemory(err)) return undefined;
  return `DuckDB needed more memory than its cap of ${limit} (KUBECTL_HEAPSTER_MEMORY_LIMIT); narrow the window or the target, or raise the cap, e.g. KUBECTL_HEAPSTER_MEMORY_LIMIT=2GB`;
}

/** Any error as one line: the machine's failure or DuckDB's memory cap in their words, else the error's first line. */
export function errorLine(err: unknown, limit: string): string {
  if (!(err instanceof Error)) return String(err);
  return systemErrorLine(err) ?? outOfMemoryLine(err, limit) ?? err.message.split('\n')[0]!;
}

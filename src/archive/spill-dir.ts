import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writerAlive, writerTag } from './durable.js';

/** The user's private folder for what DuckDB spills and what an export to standard output stages. */
export function privateTmpDir(): string {
  const dir = path.join(tmpdir(), `kubectl-heapster-${process.getuid?.() ?? 'user'}`);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** `spill-PID-TAG`, as `writerTag` makes it. */
const SPILL = /^spill-(\d+)-[0-9a-z]+$/;
let swept = false;

/**
 * A spill folder for one DuckDB instance, inside the private folder. DuckDB names its spill files
 * the same in every instance: a recorder's compaction and an export in another terminal sharing one
 * folder overwrote each other's files ("Corrupt temporary file", or a segfault). DuckDB makes the
 * folder when it first spills and removes it when the instance closes; folders of processes that
 * died (kill -9) are removed by the next process that asks for one.
 */
export function spillDir(): string {
  const base = privateTmpDir();
  if (!swept) {
    swept = true;
    sweepSpillDirs(base);
  }
  return path.join(base, `spill-${writerTag()}`);
}

/** Removes the spill folders in `base` whose process is gone; nothing else there is touched. */
export function sweepSpillDirs(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = SPILL.exec(name)?.[1];
    if (pid !== undefined && !writerAlive(Number(pid))) rmSync(path.join(base, name), { recursive: true, force: true });
  }
}

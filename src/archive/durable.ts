import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * The write order that makes a kill at any instant leave the old state or the new one: the bytes go
 * to a temporary name, are flushed to the disk, and only then take the final name.
 */
export function writeFileDurably(dest: string, data: string | Buffer): void {
  const tmp = tempName(dest);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, dest);
}

/** Flushes a file written by someone else (DuckDB's COPY) before it is renamed into place. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Appends one line and flushes it: a kill leaves at most a torn last line, which readers skip. */
export function appendLineDurably(file: string, line: string): void {
  const fd = openSync(file, 'a', 0o600);
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Where a file is written before its rename: `.tmp-NAME`, which no reader lists and a repair removes. */
export function tempName(dest: string): string {
  return path.join(path.dirname(dest), `.tmp-${path.basename(dest)}`);
}

export function isTempName(file: string): boolean {
  return path.basename(file).startsWith('.tmp-');
}

/** A unique part for file names that names the writing process, so a repair can tell live writers from dead ones. */
export function writerTag(): string {
  return `${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** The writing process's pid in a name made with `writerTag`; undefined for names from before it. */
export function writerPid(file: string): number | undefined {
  const m = /-(\d+)-[0-9a-z]+\.(parquet|json)$/.exec(path.basename(file));
  return m ? Number(m[1]) : undefined;
}

export const HOST = hostname();

/**
 * Whether the process that wrote something may still be writing: the same host and a live pid.
 * A pid from another host (a copied archive) or none at all is taken as gone.
 */
export function writerAlive(pid: number | undefined, host: string = HOST): boolean {
  if (pid === undefined || host !== HOST) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function removeIfThere(file: string): boolean {
  if (!existsSync(file)) return false;
  unlinkSync(file);
  return true;
}

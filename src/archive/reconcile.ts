import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Archive } from './archive.js';
import { INTENTS_DIR, RECORDINGS_DIR } from './archive-dir.js';
import {
  gapCounts, insertRecording, insertSnapshots, replaceGaps, selectRecordingRows, selectSnapshots, updateRecording, wasKilled, type Recording, type Snapshot,
} from './catalog.js';
import { withMemoryDb, lit } from './duck.js';
import { isTempName, removeIfThere, writerAlive, writerPid } from './durable.js';
import { describeFiles } from './file-meta.js';
import { filesOnDisk } from './files-on-disk.js';
import { clearIntent, readIntents, type IntentFile } from './intents.js';
import { readGaps, readManifest, readManifests, updateManifest } from './manifest.js';

/** A file whose writer looks alive but that has waited this long for its catalog row is adopted anyway. */
const STUCK_MS = 86_400_000;
/** A temporary file that names no writer (a manifest's, an intent's) is a leftover after this long. */
const ORPHAN_TEMP_MS = 600_000;

/** What a crash left, and what a repair does about it. */
export interface Leftovers {
  /** unfinished writes: temporary files of processes that are gone */
  temps: string[];
  /** compactions and prunes whose swap committed: their old files are still to delete */
  finish: IntentFile[];
  /** those that never committed: their new files are to delete */
  undo: IntentFile[];
  /** completed files the catalog never heard of */
  adopt: string[];
  /** manifests of recordings the catalog does not have */
  missing: Recording[];
  /** recordings still marked as running whose process is gone */
  ended: string[];
  /** recordings whose manifest says they ended, the catalog not */
  settled: Recording[];
}

export const isEmpty = (l: Leftovers) => !l.temps.length && !l.finish.length && !l.undo.length && !l.adopt.length && !l.missing.length && !l.ended.length && !l.settled.length;

/** Temporary files anywhere in the archive whose writer is gone. */
export function deadTemps(dir: string, now = Date.now(), dataFiles = filesOnDisk(dir)): string[] {
  const tops = [...dataFiles, ...[RECORDINGS_DIR, INTENTS_DIR, '.'].flatMap((d) => (existsSync(path.join(dir, d)) ? readdirSync(path.join(dir, d)).map((f) => path.join(d, f)) : []))];
  return tops.filter((rel) => {
    if (!isTempName(rel)) return false;
    const pid = writerPid(rel);
    if (pid !== undefined) return !writerAlive(pid);
    return statSync(path.join(dir, rel)).mtimeMs < now - ORPHAN_TEMP_MS;
  }).map((rel) => path.normalize(rel));
}

/** Whether the writer named in a data file's name may still catalog it itself. */
function mayStillCatalog(dir: string, rel: string, now: number): boolean {
  return writerAlive(writerPid(rel)) && statSync(path.join(dir, rel)).mtimeMs > now - STUCK_MS;
}

/**
 * Compares files, intents and manifests with the catalog seen through `con`. An intent of a process
 * that is gone has committed when none of its old files is cataloged any more (the swap takes them
 * all out in one transaction); otherwise it never did.
 */
export async function findLeftovers(dir: string, con: DuckDBConnection, now = Date.now(), snaps?: readonly Snapshot[], recordingRows?: readonly Recording[]): Promise<Leftovers> {
  const cataloged = new Set((snaps ?? (await selectSnapshots(con))).map((s) => s.file));
  // one walk of the data folders serves the files to adopt and the temp files to remove
  const onDisk = filesOnDisk(dir);
  const recordings = recordingRows ?? (await selectRecordingRows(con));
  const intents = readIntents(dir);
  const finish: IntentFile[] = [], undo: IntentFile[] = [];
  const named = new Set<string>();
  for (const i of intents) {
    for (const f of [...i.intent.old, ...i.intent.new]) named.add(f);
    if (writerAlive(i.intent.pid, i.intent.host)) continue;
    (i.intent.old.some((f) => cataloged.has(f)) ? undo : finish).push(i);
  }
  const adopt = onDisk.filter((rel) => !isTempName(rel) && !cataloged.has(rel) && !named.has(rel) && !mayStillCatalog(dir, rel, now));
  const known = new Map(recordings.map((r) => [r.name, r]));
  const manifests = readManifests(dir);
  const missing = manifests.filter((m) => !known.has(m.name)).map((m) => ({ ...m, status: m.status === 'recording' && !writerAlive(m.pid, m.host) ? 'interrupted' as const : m.status }));
  const ended: string[] = [], settled: Recording[] = [];
  for (const r of recordings) {
    if (r.status !== 'recording') continue;
    const m = manifests.find((x) => x.name === r.name);
    if (m && m.status !== 'recording') settled.push({ ...r, status: m.status, ...(m.lastError ? { lastError: m.lastError } : {}), ...(m.endedAt ? { endedAt: m.endedAt } : {}) });
    else if (m ? !writerAlive(m.pid, m.host) : wasKilled(r, now)) ended.push(r.name);
  }
  return { temps: deadTemps(dir, now, onDisk), finish, undo, adopt, missing, ended, settled };
}

export interface ReconcileReport extends Leftovers {
  /** files that could not be adopted (not Parquet, not ours): left as they are */
  unreadable: Map<string, string>;
}

/**
 * Makes catalog and files agree after a crash: finishes or undoes interrupted swaps, removes
 * unfinished writes, adopts completed files and ends recordings whose process is gone. It looks
 * first without the write lock and takes it only when there is something to do; the work is planned
 * again under the lock, as another process may have done it meanwhile.
 */
export async function reconcile(archive: Archive): Promise<ReconcileReport | undefined> {
  const version = archive.version();
  // the snapshots and recordings are read once: to compare with the disk, and for the command's own reads after
  const first = await archive.catalog(true, async (con) => {
    const snaps = await selectSnapshots(con);
    const recordings = await selectRecordingRows(con);
    return { leftovers: await findLeftovers(archive.dir, con, Date.now(), snaps, recordings), snaps, recordings };
  });
  archive.remember(first.snaps, version, first.recordings);
  if (isEmpty(first.leftovers)) return undefined;
  return repairLeftovers(archive);
}

/** The repair itself, under the catalog's write lock; files are deleted only once the catalog has committed. */
export async function repairLeftovers(archive: Archive): Promise<ReconcileReport> {
  const dir = archive.dir;
  const report = await archive.catalog(false, async (con) => {
    const l = await findLeftovers(dir, con);
    const described = l.adopt.length ? await withMemoryDb((mem) => describeFiles(mem, dir, l.adopt)) : { files: [], unreadable: new Map<string, string>() };
    const counts = await gapCounts(con);
    await con.run('BEGIN TRANSACTION');
    for (const r of l.missing) await insertRecording(con, r);
    await insertSnapshots(con, described.files);
    for (const r of l.settled) await updateRecording(con, r.name, { status: r.status, ...(r.lastError ? { lastError: r.lastError } : {}), ...(r.endedAt ? { endedAt: r.endedAt } : {}) });
    const adoptedTicks = new Map<string, number>();
    for (const f of described.files) if (f.kind === 'samples' && f.level === 0) adoptedTicks.set(f.recording, (adoptedTicks.get(f.recording) ?? 0) + 1);
    for (const [name, n] of adoptedTicks) await con.run(`UPDATE recordings SET ticks = ticks + ${n} WHERE name = ${lit(name)}`);
    for (const name of [...l.ended, ...l.missing.map((m) => m.name)]) {
      await con.run(`UPDATE recordings SET ended_at = coalesce((SELECT max(ts_max) FROM snapshots WHERE recording = ${lit(name)}), ended_at)
        ${l.ended.includes(name) ? ", status = 'interrupted'" : ''} WHERE name = ${lit(name)}`);
      // the gap log is written before the catalog: a kill between the two left the catalog short
      const gaps = readGaps(dir, name);
      if (gaps.length > (counts.get(name) ?? 0)) await replaceGaps(con, name, gaps);
    }
    await con.run('COMMIT');
    return { ...l, unreadable: described.unreadable };
  });
  for (const name of report.ended) {
    const m = readManifest(dir, name);
    if (m) updateManifest(dir, { ...m, status: 'interrupted' });
  }
  for (const i of report.finish) for (const f of i.intent.old) removeIfThere(path.join(dir, f));
  for (const i of report.undo) for (const f of i.intent.new) removeIfThere(path.join(dir, f));
  for (const i of [...report.finish, ...report.undo]) clearIntent(i);
  for (const t of report.temps) removeIfThere(path.join(dir, t));
  return report;
}

import path from 'node:path';
import type { Archive } from './archive.js';
import { deleteSnapshots, selectRecordings, selectSnapshots, wasKilled } from './catalog.js';
import { lit } from './duck.js';
import { removeIfThere } from './durable.js';
import { clearIntent, writeIntent, type IntentFile } from './intents.js';
import { recordingFiles } from './manifest.js';

export interface PruneOptions {
  /** drop files whose newest sample is older than this time, ms */
  olderThan?: number;
  recording?: string;
}

export interface PruneResult {
  files: number;
  bytes: number;
  recordings: string[];
}

/**
 * Drops whole snapshot files (and recordings left without any): the intent, then the catalog, then
 * the files, so a kill in the middle is finished by the next command rather than bringing files back.
 */
export async function prune(archive: Archive, o: PruneOptions): Promise<PruneResult> {
  let intent: IntentFile | undefined;
  const result = await archive.catalog(false, async (con) => {
    const snaps = (await selectSnapshots(con, o.recording ? { recording: o.recording } : {}))
      .filter((s) => o.olderThan === undefined || s.tsMax < o.olderThan);
    const gone = new Set(snaps.map((s) => s.file));
    // a recording left without files goes too (a killed one included); one still running keeps its row
    const now = Date.now();
    const names = (await selectRecordings(con, o.recording)).filter((r) => r.status !== 'recording' || wasKilled(r, now))
      .filter((r) => snaps.filter((s) => s.recording === r.name).length === r.files).map((r) => r.name);
    // its manifest and gap log are in the intent too: a kill after the commit must not bring it back from them
    const own = names.flatMap((n) => recordingFiles(archive.dir, n)).map((f) => path.relative(archive.dir, f));
    intent = writeIntent(archive.dir, 'prune', [...gone, ...own], []);
    await con.run('BEGIN TRANSACTION');
    await deleteSnapshots(con, [...gone]);
    for (const n of names) {
      await con.run(`DELETE FROM gaps WHERE recording = ${lit(n)}`);
      await con.run(`DELETE FROM recordings WHERE name = ${lit(n)}`);
    }
    await con.run('COMMIT');
    return { files: snaps.length, bytes: snaps.reduce((t, s) => t + s.bytes, 0), recordings: names };
  });
  if (intent) {
    for (const f of intent.intent.old) removeIfThere(path.join(archive.dir, f));
    clearIntent(intent);
  }
  return result;
}

import path from 'node:path';
import type { Archive } from './archive.js';
import { deleteSnapshots, selectRecordings, selectSnapshots, wasKilled } from './catalog.js';
import { lit } from './duck.js';
import { removeIfThere } from './durable.js';
import { clearIntent, writeIntent, type IntentFile } from './intents.js';
import { removeRecordingFiles } from './manifest.js';

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
    intent = writeIntent(archive.dir, 'prune', snaps.map((s) => s.file), []);
    await con.run('BEGIN TRANSACTION');
    await deleteSnapshots(con, snaps.map((s) => s.file));
    // a killed recording goes too; one still running keeps its row for the ticks to come
    const now = Date.now();
    const names = (await selectRecordings(con, o.recording))
      .filter((r) => r.files === 0 && (r.status !== 'recording' || wasKilled(r, now))).map((r) => r.name);
    for (const n of names) {
      await con.run(`DELETE FROM gaps WHERE recording = ${lit(n)}`);
      await con.run(`DELETE FROM recordings WHERE name = ${lit(n)}`);
    }
    await con.run('COMMIT');
    return { files: snaps.map((s) => s.file), bytes: snaps.reduce((t, s) => t + s.bytes, 0), recordings: names };
  });
  for (const f of result.files) removeIfThere(path.join(archive.dir, f));
  for (const n of result.recordings) for (const f of removeRecordingFiles(archive.dir, n)) removeIfThere(f);
  if (intent) clearIntent(intent);
  return { files: result.files.length, bytes: result.bytes, recordings: result.recordings };
}

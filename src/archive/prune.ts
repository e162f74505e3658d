import { existsSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Archive } from './archive.js';
import { deleteSnapshots, selectRecordings, selectSnapshots, wasKilled } from './catalog.js';
import { lit } from './duck.js';

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

/** Drops whole snapshot files (and recordings left without any): catalog first, then the files. */
export async function prune(archive: Archive, o: PruneOptions): Promise<PruneResult> {
  return archive.catalog(false, async (con) => {
    const snaps = (await selectSnapshots(con, o.recording ? { recording: o.recording } : {}))
      .filter((s) => o.olderThan === undefined || s.tsMax < o.olderThan);
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
    for (const s of snaps) {
      const f = path.join(archive.dir, s.file);
      if (existsSync(f)) unlinkSync(f);
    }
    return { files: snaps.length, bytes: snaps.reduce((t, s) => t + s.bytes, 0), recordings: names };
  });
}

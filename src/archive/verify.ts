import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Archive } from './archive.js';
import { selectSnapshots } from './catalog.js';
import { filesOnDisk } from './compact.js';
import { lit, withMemoryDb } from './duck.js';

export interface VerifyReport {
  checked: number;
  problems: string[];
}

/** Every cataloged file exists, has its size and row count, and reads; every data file is cataloged. */
export async function verify(archive: Archive): Promise<VerifyReport> {
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con));
  const problems: string[] = [];
  await withMemoryDb(async (con) => {
    for (const s of snaps) {
      const abs = path.join(archive.dir, s.file);
      if (!existsSync(abs)) {
        problems.push(`${s.file}: in the catalog but missing on disk`);
        continue;
      }
      const size = statSync(abs).size;
      if (size !== s.bytes) problems.push(`${s.file}: ${size} bytes on disk, ${s.bytes} in the catalog`);
      try {
        const r = await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${lit(abs)})`);
        const n = Number(r.getRowObjects()[0]!.n);
        if (n !== s.rows) problems.push(`${s.file}: ${n} rows in the file, ${s.rows} in the catalog`);
      } catch (e) {
        problems.push(`${s.file}: unreadable (${String((e as Error).message).split('\n')[0]})`);
      }
    }
  });
  const known = new Set(snaps.map((s) => s.file));
  for (const f of filesOnDisk(archive.dir)) {
    if (path.basename(f).startsWith('.tmp-')) problems.push(`${f}: an unfinished write (safe to delete)`);
    else if (!known.has(f)) problems.push(`${f}: not in the catalog (a foreign file, or left by an interrupted compaction)`);
  }
  return { checked: snaps.length, problems };
}

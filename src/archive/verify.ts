import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Archive } from './archive.js';
import { selectSnapshots } from './catalog.js';
import { isCorruptCatalog, lit, withFileDb, withMemoryDb } from './duck.js';
import { describeFiles } from './file-meta.js';
import { findLeftovers, type Leftovers } from './reconcile.js';

export interface VerifyReport {
  checked: number;
  /** data lost or damaged, or a catalog that cannot be read: exit 1 */
  problems: string[];
  /** what a crash left that `archive repair` (or the next command) finishes or removes */
  leftovers: string[];
  /** files in the archive's folders that are not its own: left as they are */
  foreign: string[];
}

/**
 * Every cataloged file exists, has its size and row count, and reads; what is not cataloged is named
 * for what it is: a crash's leftover that a repair handles, or a file that is not the archive's.
 */
export async function verify(archive: Archive): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, problems: [], leftovers: [], foreign: [] };
  let read: { snaps: Awaited<ReturnType<typeof selectSnapshots>>; left: Leftovers };
  try {
    read = await withFileDb(archive.catalogPath, true, async (con) => ({ snaps: await selectSnapshots(con), left: await findLeftovers(archive.dir, con) }));
  } catch (e) {
    const msg = String((e as Error).message);
    if (!isCorruptCatalog(msg)) throw e;
    report.problems.push(`${path.basename(archive.catalogPath)}: the catalog cannot be read (${msg.replace(/^cannot (open|read) [^:]+: /, '')}); \`kubectl heapster archive repair\` rebuilds it from the files, which are intact unless named below`);
    return report;
  }
  const { snaps, left } = read;
  report.checked = snaps.length;
  await withMemoryDb(async (con) => {
    for (const s of snaps) {
      const abs = path.join(archive.dir, s.file);
      if (!existsSync(abs)) {
        // an index holds no sample: what is lost is only speed, until a compaction makes another
        const lost = s.kind === 'series' ? 'a series index, no samples lost' : `${s.rows} rows lost`;
        report.problems.push(`${s.file}: in the catalog but missing on disk (${lost}); \`archive repair\` drops it from the catalog`);
        continue;
      }
      const size = statSync(abs).size;
      if (size !== s.bytes) report.problems.push(`${s.file}: ${size} bytes on disk, ${s.bytes} in the catalog (changed after it was written)`);
      try {
        const r = await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${lit(abs)})`);
        const n = Number(r.getRowObjects()[0]!.n);
        if (n !== s.rows) report.problems.push(`${s.file}: ${n} rows in the file, ${s.rows} in the catalog`);
      } catch (e) {
        report.problems.push(`${s.file}: unreadable (${String((e as Error).message).split('\n')[0]})`);
      }
    }
    const { unreadable } = left.adopt.length ? await describeFiles(con, archive.dir, left.adopt) : { unreadable: new Map<string, string>() };
    for (const f of left.adopt) {
      if (unreadable.has(f)) report.foreign.push(`${f}: not a file of this archive (${unreadable.get(f)}); left as it is`);
      else report.leftovers.push(`${f}: a complete file the catalog does not list yet (a kill between its write and the catalog); repair adds it`);
    }
  });
  for (const t of left.temps) report.leftovers.push(`${t}: an unfinished write of a process that is gone; repair removes it`);
  for (const i of left.finish) report.leftovers.push(`${path.basename(i.path)}: a ${i.intent.op} that committed before it was killed; repair deletes the ${i.intent.old.length} files it replaced`);
  for (const i of left.undo) report.leftovers.push(`${path.basename(i.path)}: a ${i.intent.op} killed before it committed; repair removes its ${i.intent.new.length} new files, the old ones stay`);
  for (const n of left.ended) report.leftovers.push(`recording ${n}: marked as running, but its process is gone; repair marks it interrupted`);
  for (const r of left.missing) report.leftovers.push(`recording ${r.name}: has a manifest but no catalog row; repair adds it`);
  for (const r of left.settled) report.leftovers.push(`recording ${r.name}: ended (${r.status}) but the catalog says running; repair records its end`);
  for (const f of [archive.catalogPath, `${archive.catalogPath}.wal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) report.problems.push(`${path.basename(f)}: readable by others (mode ${(statSync(f).mode & 0o777).toString(8)}); chmod 600 it`);
  }
  return report;
}

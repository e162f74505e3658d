import { chmodSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Archive } from './archive.js';
import { deleteSnapshots, selectSnapshots } from './catalog.js';
import { isCorruptCatalog, withFileDb } from './duck.js';
import { repairLeftovers } from './reconcile.js';

/** `archive repair`: the whole repair, with a line for each thing done. */
export async function repairArchive(archive: Archive, o: { rebuild?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  let corrupt: string | undefined;
  try {
    await withFileDb(archive.catalogPath, true, (con) => selectSnapshots(con));
  } catch (e) {
    const msg = String((e as Error).message);
    if (!isCorruptCatalog(msg)) throw e;
    corrupt = msg.replace(/^cannot (open|read) [^:]+: /, '');
  }
  if (corrupt !== undefined || o.rebuild) {
    await archive.rebuild(corrupt !== undefined ? `the catalog was corrupt (${corrupt.slice(0, 160)})` : 'rebuilt as asked');
    lines.push('rebuilt the catalog from the files');
  }
  const r = await repairLeftovers(archive);
  if (r.temps.length) lines.push(`removed ${r.temps.length} unfinished writes of processes that are gone`);
  if (r.adopt.length - r.unreadable.size > 0) lines.push(`added ${r.adopt.length - r.unreadable.size} complete files the catalog did not list`);
  for (const [f, why] of r.unreadable) lines.push(`left ${f} as it is: not a file of this archive (${why})`);
  for (const i of r.finish) lines.push(`finished an interrupted ${i.intent.op}: deleted the ${i.intent.old.length} files it had replaced`);
  for (const i of r.undo) lines.push(`undid an interrupted ${i.intent.op}: removed its new files, the old ones stay`);
  for (const n of r.ended) lines.push(`recording ${n}: its process is gone; marked interrupted`);
  for (const m of r.missing) lines.push(`recording ${m.name}: added to the catalog from its manifest`);
  const dropped = await archive.catalog(false, async (con) => {
    const gone = (await selectSnapshots(con)).filter((s) => !existsSync(path.join(archive.dir, s.file)));
    await deleteSnapshots(con, gone.map((s) => s.file));
    return gone;
  });
  for (const s of dropped) {
    const lost = s.kind === 'series' ? `a series index of ${s.recording}, no samples lost: label listings read the rows instead` : `${s.rows} rows of ${s.recording} lost`;
    lines.push(`dropped ${s.file} from the catalog: the file is missing (${lost})`);
  }
  for (const f of [archive.catalogPath, `${archive.catalogPath}.wal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) {
      chmodSync(f, 0o600);
      lines.push(`made ${path.basename(f)} private (0600)`);
    }
  }
  return lines;
}

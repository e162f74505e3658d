import { renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Archive } from './archive.js';
import { insertSnapshots, selectSnapshots, type Snapshot } from './catalog.js';
import { allCataloged, readCatalog } from './compact.js';
import { fileList, withMemoryDb } from './duck.js';
import { removeIfThere } from './durable.js';
import { coveredBy, coverKey, seriesIndexFile, writeSeriesIndex } from './series-index.js';

/**
 * Writes the series index of every compacted group that has none: files compacted before indexes
 * existed, which no later compaction merges again (a day's files are final). What `archive compact`
 * does after its merges, once per such day; the recorder's hourly merges do not, as that is a scan of
 * each old day. Written like a tick file, to a temporary name, renamed and cataloged under the
 * catalog's lock: a kill in between leaves a complete file that the next command adopts.
 * Returns how many groups it indexed.
 */
export async function backfillSeriesIndexes(archive: Archive, o: { recording?: string; signal?: AbortSignal } = {}): Promise<number> {
  const { snaps, resolution } = await readCatalog(archive, o.recording);
  const groups = new Map<string, Snapshot[]>();
  for (const s of coveredBy(snaps.filter((x) => x.kind === 'samples' && x.level > 0), snaps.filter((x) => x.kind === 'series')).scan) {
    const key = coverKey(s);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  let made = 0;
  for (const [key, group] of groups) {
    if (o.signal?.aborted) break;
    const first = group[0]!;
    const { meta, tmp, ...dest } = seriesIndexFile(archive, first, first.level, first.tsMin, first.tsMax, resolution.get(first.recording) ?? 60_000);
    let rows: number;
    try {
      const from = `read_parquet(${fileList(group.map((g) => path.join(archive.dir, g.file)))}, union_by_name = true)`;
      rows = await withMemoryDb((con) => writeSeriesIndex(con, tmp, meta, from), o.signal);
    } catch (e) {
      removeIfThere(tmp);
      if (o.signal?.aborted) break;
      // a concurrent compaction merged the group and removed its files while this read them
      if (!(await archive.catalog(true, (con) => allCataloged(con, group)))) continue;
      throw e;
    }
    const { resolutionMs: _r, ...described } = meta;
    const index: Snapshot = { ...described, file: dest.rel, rows, bytes: statSync(tmp).size };
    const added = await archive.catalog(false, async (con) => {
      // merged meanwhile, or indexed by another run: this index covers nothing, or nothing new
      const indexed = (await selectSnapshots(con, { recording: first.recording, kind: 'series' })).some((s) => coverKey(s) === key);
      if (indexed || !(await allCataloged(con, group))) return false;
      renameSync(tmp, dest.abs);
      await insertSnapshots(con, [index]);
      return true;
    }).finally(() => removeIfThere(tmp));
    if (added) made++;
  }
  return made;
}

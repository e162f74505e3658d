import { renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Archive } from './archive.js';
import { insertSnapshots, selectRecordingRows, selectSnapshots, type Snapshot } from './catalog.js';
import { fileList, withMemoryDb } from './duck.js';
import { removeIfThere, tempName } from './durable.js';
import type { FileMeta } from './file-meta.js';
import { coveredBy, writeSeriesIndex } from './series-index.js';

/**
 * Writes the series index of every compacted group that has none: files compacted before indexes
 * existed, which no later compaction merges again (a day's files are final). What `archive compact`
 * does after its merges, once per such day; the recorder's hourly merges do not, as that is a scan of
 * each old day. Written like a tick file, to a temporary name, renamed and cataloged under the
 * catalog's lock: a kill in between leaves a complete file that the next command adopts.
 * Returns how many groups it indexed.
 */
export async function backfillSeriesIndexes(archive: Archive, o: { recording?: string; signal?: AbortSignal } = {}): Promise<number> {
  const { snaps, resolution } = await archive.catalog(true, async (con) => ({
    snaps: await selectSnapshots(con, o.recording ? { recording: o.recording } : {}),
    resolution: new Map((await selectRecordingRows(con)).map((r) => [r.name, r.resolutionMs])),
  }));
  const unindexed = coveredBy(snaps.filter((s) => s.kind === 'samples' && s.level > 0), snaps.filter((s) => s.kind === 'series')).scan;
  const groups = new Map<string, Snapshot[]>();
  for (const s of unindexed) {
    const key = [s.recording, s.cluster, s.date, s.level, s.tsMin, s.tsMax].join('|');
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  let made = 0;
  for (const group of groups.values()) {
    if (o.signal?.aborted) break;
    const first = group[0]!;
    const dest = archive.snapshotPath('series', first.cluster, first.date, first.recording, first.level, first.tsMin);
    const tmp = tempName(dest.abs);
    const meta: FileMeta = { kind: 'series', recording: first.recording, cluster: first.cluster, date: first.date, level: first.level, tsMin: first.tsMin, tsMax: first.tsMax, resolutionMs: resolution.get(first.recording) ?? 60_000 };
    const files = group.map((g) => path.join(archive.dir, g.file));
    let rows: number;
    try {
      rows = await withMemoryDb(async (con) => {
        const interrupt = () => con.interrupt();
        o.signal?.addEventListener('abort', interrupt);
        try {
          return await writeSeriesIndex(con, tmp, meta, `read_parquet(${fileList(files)}, union_by_name = true)`);
        } finally {
          o.signal?.removeEventListener('abort', interrupt);
        }
      });
    } catch (e) {
      removeIfThere(tmp);
      if (o.signal?.aborted) break;
      throw e;
    }
    const { resolutionMs: _r, ...described } = meta;
    const index: Snapshot = { ...described, file: dest.rel, rows, bytes: statSync(tmp).size };
    const added = await archive.catalog(false, async (con) => {
      // merged meanwhile, or indexed by another run: this index covers nothing, or nothing new
      const now = await selectSnapshots(con, { recording: first.recording });
      const same = (s: Snapshot) => s.cluster === first.cluster && s.date === first.date && s.level === first.level && s.tsMin === first.tsMin && s.tsMax === first.tsMax;
      if (!group.every((g) => now.some((s) => s.file === g.file)) || now.some((s) => s.kind === 'series' && same(s))) return false;
      renameSync(tmp, dest.abs);
      await insertSnapshots(con, [index]);
      return true;
    }).finally(() => removeIfThere(tmp));
    if (added) made++;
  }
  return made;
}

import path from 'node:path';
import { createCatalog, insertRecording, insertSnapshots, replaceGaps, type Recording } from './catalog.js';
import { fileList, withFileDb, withMemoryDb } from './duck.js';
import { isTempName, removeIfThere, writerAlive } from './durable.js';
import { describeFiles, type DescribedFile } from './file-meta.js';
import { filesOnDisk } from './files-on-disk.js';
import { clearIntent, readIntents } from './intents.js';
import { readGaps, readManifests } from './manifest.js';
import { deadTemps } from './reconcile.js';

export interface Rebuilt {
  /** the new catalog, to be renamed into place */
  tmp: string;
  files: number;
  recordings: number;
}

/**
 * A catalog made from the files alone: every file's own metadata, each recording's manifest and gap
 * log. With no catalog to say whether an interrupted swap committed, one whose new files are all
 * there is finished, any other undone. Written to `tmp`; the caller renames it into place.
 */
export async function rebuildCatalog(dir: string, tmp: string): Promise<Rebuilt> {
  const onDisk = new Set(filesOnDisk(dir));
  const live = new Set<string>();
  for (const i of readIntents(dir)) {
    if (writerAlive(i.intent.pid, i.intent.host)) {
      for (const f of [...i.intent.old, ...i.intent.new]) live.add(f);
      continue;
    }
    const done = i.intent.new.every((f) => onDisk.has(f));
    for (const f of done ? i.intent.old : i.intent.new) {
      removeIfThere(path.join(dir, f));
      onDisk.delete(f);
    }
    clearIntent(i);
  }
  for (const t of deadTemps(dir)) removeIfThere(path.join(dir, t));
  const rels = [...onDisk].filter((f) => !isTempName(f) && !live.has(f));
  const { files, ticks } = await withMemoryDb(async (con) => {
    const { files } = await describeFiles(con, dir, rels);
    return { files, ticks: await countTicks(con, dir, files) };
  });
  const recordings = recordingsOf(dir, files, ticks);
  await withFileDb(tmp, false, async (con) => {
    await createCatalog(con);
    await con.run('BEGIN TRANSACTION');
    for (const r of recordings) await insertRecording(con, r);
    for (let i = 0; i < files.length; i += 500) await insertSnapshots(con, files.slice(i, i + 500));
    for (const r of recordings) await replaceGaps(con, r.name, readGaps(dir, r.name));
    await con.run('COMMIT');
  });
  return { tmp, files: files.length, recordings: recordings.length };
}

/** Batches per recording: the distinct timestamps of its sample files. */
async function countTicks(con: Parameters<Parameters<typeof withMemoryDb>[0]>[0], dir: string, files: readonly DescribedFile[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const byRecording = new Map<string, string[]>();
  for (const f of files) if (f.kind === 'samples') byRecording.set(f.recording, [...(byRecording.get(f.recording) ?? []), path.join(dir, f.file)]);
  for (const [name, paths] of byRecording) {
    const r = await con.runAndReadAll(`SELECT count(DISTINCT ts) AS n FROM read_parquet(${fileList(paths)}, union_by_name = true)`);
    out.set(name, Number(r.getRowObjects()[0]!.n));
  }
  return out;
}

/** Each recording from its manifest, or from its files when a manifest is missing (an archive made before them). */
function recordingsOf(dir: string, files: readonly DescribedFile[], ticks: ReadonlyMap<string, number>): Recording[] {
  const out = new Map<string, Recording>();
  for (const m of readManifests(dir)) {
    const { pid, host, ...r } = m;
    out.set(m.name, { ...r, status: r.status === 'recording' && !writerAlive(pid, host) ? 'interrupted' : r.status });
  }
  for (const f of files) {
    const r = out.get(f.recording);
    const tsMax = Math.max(r?.endedAt ?? -Infinity, f.tsMax);
    if (r) out.set(f.recording, { ...r, endedAt: tsMax });
    else {
      out.set(f.recording, {
        name: f.recording, cluster: f.cluster, context: '', server: '', resolutionMs: f.resolutionMs, startedAt: f.tsMin, endedAt: f.tsMax,
        status: 'interrupted', nodes: 0, ticks: 0,
      });
    }
    const now = out.get(f.recording)!;
    if (f.tsMin < now.startedAt) out.set(f.recording, { ...now, startedAt: f.tsMin });
  }
  return [...out.values()].map((r) => ({ ...r, ticks: Math.max(r.ticks, ticks.get(r.name) ?? 0) }));
}

import { statSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Snapshot, SnapshotKind } from './catalog.js';
import { fileList, ident, lit } from './duck.js';

/**
 * What every Parquet file of the archive says about itself in its key-value metadata, so that the
 * catalog can be rebuilt from the files alone (design.md §4).
 */
export interface FileMeta {
  kind: SnapshotKind;
  recording: string;
  cluster: string;
  /** YYYY-MM-DD, UTC */
  date: string;
  level: number;
  tsMin: number;
  tsMax: number;
  resolutionMs: number;
  metric?: string;
}

/** Keys are prefixed: the files are read by other tools, whose own keys must not collide. */
const PREFIX = 'kubectl_heapster.';
// rows are not among them: the footer has the count, and a split compaction learns it only by writing
const FIELDS = ['kind', 'recording', 'cluster', 'date', 'level', 'ts_min', 'ts_max', 'resolution_ms', 'metric'] as const;

/** The `KV_METADATA {...}` option of a COPY for these facts, and any other pairs (units, say). */
export function kvMetadataOption(m: FileMeta, extra: Record<string, string> = {}): string {
  const values: Record<(typeof FIELDS)[number], string | undefined> = {
    kind: m.kind, recording: m.recording, cluster: m.cluster, date: m.date, level: String(m.level), ts_min: String(m.tsMin),
    ts_max: String(m.tsMax), resolution_ms: String(m.resolutionMs), metric: m.metric,
  };
  const pairs: [string, string][] = Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [`${PREFIX}${k}`, v!]);
  for (const [k, v] of Object.entries(extra)) pairs.push([k, v]);
  return `KV_METADATA {${pairs.map(([k, v]) => `${ident(k)}: ${lit(v)}`).join(', ')}}`;
}

export type DescribedFile = Snapshot & { resolutionMs: number };

/**
 * What the files say of themselves, by path relative to `dir`. A file written before files carried
 * their metadata is described from its place in the layout and its own rows; a file that is neither
 * (not Parquet, not ours) is left out, and its problem is returned.
 */
export async function describeFiles(con: DuckDBConnection, dir: string, rels: readonly string[]): Promise<{ files: DescribedFile[]; unreadable: Map<string, string> }> {
  const files: DescribedFile[] = [];
  const unreadable = new Map<string, string>();
  const byAbs = new Map(rels.map((r) => [path.join(dir, r), r]));
  const kv = new Map<string, Record<string, string>>();
  const rowsOf = new Map<string, number>();
  // one footer read for all when they are all readable; one by one when some is not
  const readKv = async (abs: readonly string[]) => {
    const r = await con.runAndReadAll(`SELECT file_name, decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${fileList(abs)})`);
    for (const o of r.getRowObjects()) {
      const rel = byAbs.get(String(o.file_name));
      if (!rel) continue;
      const m = kv.get(rel) ?? {};
      m[String(o.k)] = String(o.v);
      kv.set(rel, m);
    }
    const n = await con.runAndReadAll(`SELECT file_name, num_rows FROM parquet_file_metadata(${fileList(abs)})`);
    for (const o of n.getRowObjects()) rowsOf.set(byAbs.get(String(o.file_name)) ?? '', Number(o.num_rows));
  };
  if (rels.length) {
    try {
      await readKv([...byAbs.keys()]);
    } catch {
      for (const [abs, rel] of byAbs) {
        try {
          await readKv([abs]);
        } catch (e) {
          unreadable.set(rel, String((e as Error).message).split('\n')[0]!);
        }
      }
    }
  }
  for (const rel of rels) {
    if (unreadable.has(rel)) continue;
    const bytes = statSync(path.join(dir, rel)).size;
    const m = kv.get(rel) ?? {};
    const get = (k: (typeof FIELDS)[number]) => m[`${PREFIX}${k}`];
    if (get('kind') !== undefined) {
      files.push({
        file: rel, kind: get('kind') as SnapshotKind, recording: get('recording')!, cluster: get('cluster')!, date: get('date')!,
        level: Number(get('level')), tsMin: Number(get('ts_min')), tsMax: Number(get('ts_max')), rows: rowsOf.get(rel) ?? 0, bytes,
        resolutionMs: Number(get('resolution_ms')), ...(get('metric') !== undefined ? { metric: get('metric')! } : {}),
      });
      continue;
    }
    const legacy = await describeByLayout(con, dir, rel, bytes).catch((e: Error) => e);
    if (legacy instanceof Error) unreadable.set(rel, String(legacy.message).split('\n')[0]!);
    else if (legacy) files.push(legacy);
    else unreadable.set(rel, 'not a file of this archive (no kubectl-heapster metadata, and not in its layout)');
  }
  return { files, unreadable };
}

/** `samples/cluster=C/date=D/REC-L1-TS-….parquet`: the layout archives had before files described themselves. */
async function describeByLayout(con: DuckDBConnection, dir: string, rel: string, bytes: number): Promise<DescribedFile | undefined> {
  const parts = rel.split(path.sep);
  const name = /^(.+)-L(\d)-\d+-[0-9a-z-]+\.parquet$/.exec(parts[3] ?? '');
  const cluster = /^cluster=(.+)$/.exec(parts[1] ?? '')?.[1], date = /^date=(\d{4}-\d{2}-\d{2})$/.exec(parts[2] ?? '')?.[1];
  if (parts.length !== 4 || !['samples', 'pods', 'nodes'].includes(parts[0]!) || !name || !cluster || !date) return undefined;
  const kind = parts[0] as SnapshotKind;
  const r = await con.runAndReadAll(`SELECT count(*) AS n, epoch_ms(min(ts)) AS lo, epoch_ms(max(ts)) AS hi,
    ${kind === 'samples' ? 'min(metric) AS m0, max(metric) AS m1' : 'NULL AS m0, NULL AS m1'} FROM read_parquet(${lit(path.join(dir, rel))})`);
  const o = r.getRowObjects()[0]!;
  const level = Number(name[2]);
  return {
    file: rel, kind, recording: name[1]!, cluster, date, level, rows: Number(o.n), bytes, tsMin: Number(o.lo), tsMax: Number(o.hi),
    resolutionMs: 60_000,
    ...(kind === 'samples' && level === 2 && o.m0 !== null && o.m0 === o.m1 ? { metric: String(o.m0) } : {}),
  };
}

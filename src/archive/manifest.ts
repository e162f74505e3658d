import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RECORDINGS_DIR } from './archive-dir.js';
import type { Gap, Recording } from './catalog.js';
import { appendLineDurably, HOST, isTempName, writeFileDurably } from './durable.js';

/**
 * A recording's own facts, kept beside its data as a small JSON file so the catalog can be rebuilt
 * without it; the writer's pid and host tell a killed recording from a running one.
 */
export interface Manifest extends Recording {
  pid: number;
  host: string;
  /** what each sink of the recording was sent, as of the last save */
  sinks?: SinkRecord[];
}

/** One sink's account in a recording: the sink as shown (no credentials), batches sent, pending, failed. */
export interface SinkRecord {
  sink: string;
  sent: number;
  pending: number;
  failed: number;
  /** the oldest batch not sent, ms: where a `sink push` would start */
  oldestPending?: number;
  lastError?: string;
}

const manifestFile = (dir: string, name: string) => path.join(dir, RECORDINGS_DIR, `${name}.json`);
const gapsFile = (dir: string, name: string) => path.join(dir, RECORDINGS_DIR, `${name}.gaps.jsonl`);

export function writeManifest(dir: string, r: Recording): void {
  const m: Manifest = { ...r, pid: process.pid, host: HOST };
  writeFileDurably(manifestFile(dir, r.name), `${JSON.stringify(m, null, 1)}\n`);
}

/** Updates a manifest written before (a finished or repaired recording); a missing one is written anew. */
export function updateManifest(dir: string, r: Recording & { sinks?: SinkRecord[] }, keepWriter = true): void {
  const old = readManifest(dir, r.name);
  const sinks = r.sinks ?? old?.sinks;
  // a repair knows nothing of the sinks: what the recorder last saved of them is kept
  const m: Manifest = { ...r, pid: keepWriter && old ? old.pid : process.pid, host: keepWriter && old ? old.host : HOST, ...(sinks ? { sinks } : {}) };
  writeFileDurably(manifestFile(dir, r.name), `${JSON.stringify(m, null, 1)}\n`);
}

export function readManifest(dir: string, name: string): Manifest | undefined {
  const f = manifestFile(dir, name);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

export function readManifests(dir: string): Manifest[] {
  const folder = path.join(dir, RECORDINGS_DIR);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith('.json') && !isTempName(f)).map((f) => readManifest(dir, f.slice(0, -5))).filter((m): m is Manifest => !!m);
}

/** Gaps are appended as they happen, one JSON line each, flushed before the catalog hears of them. */
export function appendGaps(dir: string, name: string, gaps: readonly Omit<Gap, 'recording'>[]): void {
  if (!gaps.length) return;
  appendLineDurably(gapsFile(dir, name), gaps.map((g) => JSON.stringify({ ts: g.ts, node: g.node, reason: g.reason, message: g.message.slice(0, 500) })).join('\n'));
}

/** A recording's gaps; a line torn by a kill is skipped. */
export function readGaps(dir: string, name: string): Gap[] {
  const f = gapsFile(dir, name);
  if (!existsSync(f)) return [];
  const out: Gap[] = [];
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const g = JSON.parse(line) as Omit<Gap, 'recording'>;
      out.push({ recording: name, ts: g.ts, node: g.node, reason: g.reason, message: g.message ?? '' });
    } catch {
      // a torn last line: the tick it belonged to was never cataloged either
    }
  }
  return out;
}

/** The files of a recording of its own (manifest, gap log) that exist: a pruned recording takes them with it. */
export function recordingFiles(dir: string, name: string): string[] {
  return [manifestFile(dir, name), gapsFile(dir, name)].filter((f) => existsSync(f));
}

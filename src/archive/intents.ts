import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { INTENTS_DIR } from './archive-dir.js';
import { HOST, isTempName, removeIfThere, writeFileDurably, writerTag } from './durable.js';

/**
 * What a compaction or prune is about to swap in the catalog: written before the first file is
 * renamed into place and removed after the last old file is gone. A run killed in between leaves it,
 * and the next command finishes the swap or undoes it (see reconcile.ts).
 */
export interface Intent {
  op: 'compact' | 'prune';
  pid: number;
  host: string;
  /** files (relative to the archive) the swap takes out of the catalog, deleted once it commits */
  old: string[];
  /** files it puts in */
  new: string[];
}

export interface IntentFile {
  path: string;
  intent: Intent;
}

export function writeIntent(dir: string, op: Intent['op'], old: readonly string[], added: readonly string[]): IntentFile {
  const intent: Intent = { op, pid: process.pid, host: HOST, old: [...old], new: [...added] };
  const file = path.join(dir, INTENTS_DIR, `${op}-${writerTag()}.json`);
  writeFileDurably(file, JSON.stringify(intent));
  return { path: file, intent };
}

export function readIntents(dir: string): IntentFile[] {
  const folder = path.join(dir, INTENTS_DIR);
  if (!existsSync(folder)) return [];
  const out: IntentFile[] = [];
  for (const f of readdirSync(folder)) {
    if (isTempName(f) || !f.endsWith('.json')) continue;
    try {
      out.push({ path: path.join(folder, f), intent: JSON.parse(readFileSync(path.join(folder, f), 'utf8')) as Intent });
    } catch {
      // written by temp file and rename: a whole intent or none
    }
  }
  return out;
}

export function clearIntent(i: IntentFile): void {
  removeIfThere(i.path);
}

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { NODES_DIR, PODS_DIR, SAMPLES_DIR, SERIES_DIR } from './archive-dir.js';

/** Every file under the archive's data folders, relative to the archive, temporary ones included. */
export function filesOnDisk(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  for (const d of [SAMPLES_DIR, PODS_DIR, NODES_DIR, SERIES_DIR]) if (existsSync(path.join(dir, d))) walk(d);
  return out;
}

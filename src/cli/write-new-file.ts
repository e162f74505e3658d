import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../model/index.js';

/**
 * Writes a whole file the user named: nothing that exists is replaced without `force`, and the file
 * appears under its name only once complete (a temporary name beside it, then a rename), private to
 * the user since it holds the cluster's names.
 */
export function writeNewFile(dest: string, text: string, force: boolean): void {
  if (existsSync(dest) && !force) throw usageError(`--output ${dest} exists`, 'pass --force to replace it, or pick another name');
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

// The bin's path and the Node flags and environment its shebang gives it: spawned with `node`, the
// plugin would run without them, and the bench must measure the plugin as kubectl runs it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
const SHEBANG = readFileSync(RUN, 'utf8').split('\n')[0].split(/\s+/);
export const RUN_FLAGS = SHEBANG.filter((w) => w.startsWith('--'));
/** `env -S NAME=VALUE node ...`: the variables the shebang sets */
export const RUN_ENV = Object.fromEntries(SHEBANG.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));

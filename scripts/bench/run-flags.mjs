// The bin's path and the Node flags its shebang gives it: spawned with `node`, the plugin would
// run without them, and the bench must measure the plugin as kubectl runs it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/run.js');
export const RUN_FLAGS = readFileSync(RUN, 'utf8').split('\n')[0].split(/\s+/).filter((w) => w.startsWith('--'));

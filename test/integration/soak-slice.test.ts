import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/paths.js';

// ---
test("the soak's fast slice: a few kills of record, compact and export, and a sample of the CLI and HTTP fuzz, lose nothing", async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/soak.mjs'), '--fast'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.on('exit', r));
  assert.is(code, 0, out + err);
  assert.match(out, /\nsoak: passed in \d+ s\n$/);
  // the table names every figure with what it must be, and none failed
  for (const figure of ['archives left unopenable', 'completed ticks lost', 'verify failures after the next open repaired', 'stack traces', 'exit 0 on bad input', 'server crashes']) {
    assert.match(out, new RegExp(`\\| +${figure} +\\| 0 \\| 0 \\|`), figure);
  }
  assert.match(out, /kill -9 tried \(record \d+, compact [1-9]\d*, export [1-9]\d*\)/, 'each command was killed');
  assert.not.match(out, 'FAIL');
});

test.run();

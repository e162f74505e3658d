#!/usr/bin/env node
// Runs the uvu suites and ends with the line CI reads: "N passed, N failed".
// uvu exits 0 when it finds no test, so a run with nothing executed fails here.
// The suites' temporary folders (archives, servers' data, homes) go in one folder made for this run and
// removed after it (set KEEP_TEST_TMP=1 to keep it), so repeated runs on one machine do not fill /tmp.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const args = ['node_modules/uvu/bin.js', '-r', 'tsx', 'test', '\\.test\\.ts$', ...process.argv.slice(2)];
const runDir = mkdtempSync(path.join(tmpdir(), 'kh-test-'));
const child = spawn(process.execPath, args, { env: { ...process.env, TMPDIR: runDir, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
child.on('close', (code) => {
  if (process.env.KEEP_TEST_TMP) process.stdout.write(`temporary files kept in ${runDir}\n`);
  else rmSync(runDir, { recursive: true, force: true });
  const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(out) ?? [])[1] ?? 0);
  const total = num('Total'), passed = num('Passed'), skipped = num('Skipped');
  const failed = Math.max(0, total - passed - skipped) || (code !== 0 && total === passed ? 1 : 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  if (total === 0) {
    process.stdout.write('no test ran\n');
    process.exit(1);
  }
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});

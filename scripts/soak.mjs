#!/usr/bin/env node
// npm run soak: the crash-only and loud-failure guarantees, tried under kills, faults and fuzz, on
// loopback only, inside its own temp folder. Prints a table and exits 1 on any loss.
//   SOAK_SCALE=2 npm run soak     twice the kills, fuzz and recording time (default 1: about 10 minutes)
//   node scripts/soak.mjs --fast  the slice `npm test` runs: a few kills, a sample of the fuzz
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator } from '../dist/simulator/index.js';
import { caSoak, faultySoak, outageSoak, tokenSoak } from './soak/cluster-faults.mjs';
import { diskFullSoak } from './soak/disk-full.mjs';
import { fuzzCli } from './soak/fuzz-cli.mjs';
import { fuzzHttp } from './soak/fuzz-http.mjs';
import { killSoak } from './soak/kills.mjs';
import { rssSoak } from './soak/rss.mjs';
import { pluginEnv, runPlugin } from './soak/util.mjs';

const fast = process.argv.includes('--fast');
const scale = fast ? 0 : Number(process.env.SOAK_SCALE ?? 1);
const n = (full, slice) => (fast ? slice : Math.round(full * scale));
const dir = mkdtempSync(path.join(tmpdir(), 'kh-soak-'));
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const rows = [];
let failed = false;
/** A row of the table; `must` is the value it has to have (0, or true) for the soak to pass. */
const row = (what, value, must) => {
  const ok = must === undefined || value === must;
  if (!ok) failed = true;
  rows.push([what, String(value), must === undefined ? '' : `${must}`, ok ? '' : 'FAIL']);
};

const sim = await startSimulator({ seed: 20, nodes: fast ? 3 : 20, podsPerNode: fast ? 3 : 10 });
const kubeconfig = path.join(dir, 'kubeconfig');
writeFileSync(kubeconfig, sim.kubeconfig, { mode: 0o600 });
const env = pluginEnv({ KUBECONFIG: kubeconfig });
const started = Date.now();
try {
  // the recorder whose memory is watched runs the whole time, beside everything else
  const stopRss = fast ? undefined : rssSoak({ dir, env });

  // the misbehaving clusters wait on real time mostly: they run beside the kills and the fuzz
  const cluster = fast ? undefined : (async () => {
    const f = await faultySoak({ dir, seconds: Math.max(20, 30 * scale) });
    const o = await outageSoak({ dir, downSeconds: 20 });
    const t = await tokenSoak({ dir, seconds: Math.max(60, 120 * scale) });
    const ca = await caSoak({ dir });
    const d = await diskFullSoak({ dir, env });
    log('misbehaving clusters: done');
    return { f, o, t, ca, d };
  })();

  log('kills');
  const k = await killSoak({ dir, env, kills: n(200, 10), log });
  row(`kill -9 tried (record ${k.byCommand.record}, compact ${k.byCommand.compact}, export ${k.byCommand.export})`, k.tried);
  row('  archives left unopenable', k.unopenable, 0);
  row('  completed ticks lost', k.ticksLost, 0);
  row('  verify failures after the next open repaired', k.verifyFailures, 0);
  row('  rows lost or duplicated by a killed compaction', k.duplicated, 0);
  row('  partial exports under the name asked for', k.partialExports, 0);
  for (const note of k.notes.slice(0, 10)) log(`  ${note}`);

  log('cli fuzz');
  // the fuzzers read an archive of their own, recorded whole (their bad input never gets as far as writing it)
  const archive = path.join(dir, 'fuzz-archive');
  const made = await runPlugin(['record', '--archive', archive, '--resolution', '1s', '--for', '3s', '--name', 'fuzz'], env);
  if (made.code !== 0) throw new Error(`recording the fuzz archive failed: ${made.stderr}`);
  const c = await fuzzCli({ dir, env, count: n(500, 25), archive, log });
  row('fuzzed CLI invocations (all with bad input)', c.runs);
  row('  stack traces', c.stackTraces, 0);
  row('  crashes (a signal or an odd exit)', c.crashes, 0);
  row('  exit 0 on bad input', c.exitZero, 0);
  row('  hangs (30 s)', c.hangs, 0);
  row('  answers not one error line', c.manyLines, 0);
  for (const note of c.notes.slice(0, 10)) log(`  ${note}`);

  log('http fuzz');
  const h = await fuzzHttp({ env, count: n(500, 40), archive, log });
  row(`fuzzed HTTP requests (${Object.entries(h.statuses).map(([s, k]) => `${s}: ${k}`).join(', ')})`, h.requests);
  row('  internal messages or stack traces answered', h.internal, 0);
  row('  server crashes', h.crashes, 0);
  for (const note of h.notes.slice(0, 10)) log(`  ${note}`);

  if (cluster) {
    const { f, o, t, ca, d } = await cluster;
    row(`10% of nodes faulty of each kind: ticks (of ${f.boundaries} boundaries)`, f.ticks);
    row('  boundaries with neither a batch nor a gap', f.uncovered, 0);
    row('  healthy nodes missing from a batch', f.healthyMissing, 0);
    row('  every faulty node a gap of every tick', f.faultyAsGaps, true);
    row(`API server down 20 s: gap rows (of ${o.boundaries} boundaries)`, o.outageGaps);
    row('  boundaries with neither a batch nor a gap', o.uncovered, 0);
    row('  recording resumed (batches after)', o.resumed > 3, true);
    row(`tokens expiring every 20 s: ticks (of ${t.boundaries} boundaries)`, t.ticks);
    row('  ticks lost to auth', t.authGaps, 0);
    row('  boundaries with neither a batch nor a gap', t.uncovered, 0);
    row(`CA rotated, kubeconfig with the old CA inline: recording ${ca.status}`, ca.failedClearly, true);
    if (d.skipped) row(`disk full: skipped (${d.skipped})`, 'skipped');
    else {
      row(`disk full (${d.ticks} ticks written first): one clear line, exit 1`, d.clear, true);
      row('  earlier data intact and verify clean once space is back', d.verifyOk && d.intact && d.status === 'interrupted', true);
    }
  }

  if (stopRss) {
    // what is left of the ten minutes goes to the memory watch
    const left = 10 * 60_000 * scale - (Date.now() - started);
    if (left > 0) {
      log(`recorder memory: ${Math.round(left / 1000)} s more`);
      await new Promise((r) => setTimeout(r, left));
    }
    const r = await stopRss();
    row(`recorder RSS over ${r.minutes.toFixed(1)} min (20 nodes at 1 s): after warm-up MB`, r.warmMb.toFixed(0));
    row('  at the end MB (peak)', `${r.lastMb.toFixed(0)} (${r.peakMb.toFixed(0)})`);
    row('  growth after warm-up, MB/min', r.mbPerMin.toFixed(2));
  }
} finally {
  await sim.close();
  if (!failed) rmSync(dir, { recursive: true, force: true });
}

const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`\n| figure${' '.repeat(width - 6)} | value | must be |\n|${'-'.repeat(width + 2)}|---:|---|\n`);
for (const [what, value, must, bad] of rows) process.stdout.write(`| ${what.padEnd(width)} | ${value} | ${must}${bad ? ` ${bad}` : ''} |\n`);
process.stdout.write(`\n${failed ? `soak: FAILED (kept ${dir})` : 'soak: passed'} in ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// npm run bench: the figures the issues name, printed as a table. Timings never go into tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scrapeBench } from './bench/scrape.mjs';
import { archiveBench } from './bench/archive.mjs';
import { serveBench } from './bench/serve.mjs';
import { startupBench } from './bench/startup.mjs';
import { recorderBench } from './bench/recorder.mjs';
import { ingestBench } from './bench/ingest.mjs';
import { RUN_ENV, RUN_FLAGS } from './bench/run-flags.mjs';
import { machineBench } from './bench/machine.mjs';
import { listingBench } from './bench/listing.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// the scrape and archive figures are measured in this process: run it with the flags and environment
// the plugin's shebang gives it, so they are the plugin's figures (the plugins it spawns inherit both)
if (RUN_FLAGS.some((f) => !process.execArgv.includes(f)) || Object.entries(RUN_ENV).some(([k, v]) => process.env[k] !== v)) {
  const again = spawnSync(process.execPath, [...RUN_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ...RUN_ENV } });
  process.exit(again.status ?? 1);
}
const only = process.argv[2];

/** The simulator runs in its own process, as a real API server would, so our CPU is ours alone. */
export async function startSimulatorProcess(args) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'simulate', '--kubeconfig-out', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Kubeconfig:')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { kubeconfig, stop: () => child.kill('SIGTERM') };
}

// each figure is printed as soon as it is known, so a long run that fails late still reports the rest
const WIDTH = 80;
console.log(`${'figure'.padEnd(WIDTH)}  ${'value'.padStart(12)}  target`);
const print = (rows) => {
  for (const [name, value, target] of rows) console.log(`${name.padEnd(WIDTH)}  ${String(value).padStart(12)}  ${target ?? ''}`);
};
// first, whatever else runs: the machine's speed that day, to read every other figure against
print(await machineBench());
if (!only || only === 'startup') print(await startupBench());
if (!only || only === 'ingest') print(await ingestBench());
if (!only || only === 'recorder') print(await recorderBench(startSimulatorProcess));
// the recurring scrape's CPU per node, which the sinks' per-tick CPU is compared with
let scrapeMsPerNode = process.env.BENCH_SCRAPE_MS_PER_NODE ?? '';
if (!only || only === 'scrape') {
  const rows = await scrapeBench(startSimulatorProcess);
  print(rows);
  scrapeMsPerNode = String(rows.find(([name]) => name.includes('next scrapes (watches, rates; median'))?.[1] ?? scrapeMsPerNode);
}
if (!only || only === 'listing') print(await listingBench());
if (!only || only === 'promql') {
  // serve --prometheus beside a real Prometheus given the same rows
  const s = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/bench/promql.ts')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (s.status !== 0) console.log(`promql: the benchmark failed (exit ${s.status})`);
  else print(JSON.parse(s.stdout.trim().split('\n').at(-1)));
}
if (!only || only === 'archive' || only === 'serve' || only === 'sinks') {
  const a = await archiveBench(print);
  try {
    if (only !== 'sinks') print(await serveBench(a.dir, a.ns, a.end));
    // a window of the day for the sinks: ten minutes of 100 nodes is already millions of samples
    const minutes = Number(process.env.BENCH_SINK_MINUTES ?? 10);
    const s = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'scripts/bench/sinks.ts'), a.dir, String(a.end - minutes * 60_000), String(a.end), scrapeMsPerNode],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (s.status !== 0) console.log(`sinks: the benchmark failed (exit ${s.status})`);
    else print(JSON.parse(s.stdout.trim().split('\n').at(-1)));
  } finally {
    a.cleanup();
  }
}

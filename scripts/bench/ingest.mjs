// Issue 18 §2: what a tick costs the archive at 1 s resolution, where a fixed cost per tick (catalog
// sessions, file creation, fsync) shows most: model batches of a simulated cluster, made in process
// as `record` makes them, written by the recorder's TickWriter; only the writes are timed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Archive, keepMemoryBetweenTicks, TickWriter } from '../../dist/archive/index.js';
import { Workload } from '../../dist/simulator/index.js';
import { simBatch, simNodes } from './sim-batch.mjs';
import { RUN_FLAGS } from './run-flags.mjs';

/**
 * `paced`: each write starts a second after the one before, as `record --resolution 1s` writes; back to
 * back, the memory a tick freed is still at hand for the next, and what the recorder pays to take it
 * again after an idle second does not show.
 */
async function ingest(nodes, ticks, paced = false) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-bench-ingest-'));
  try {
    const archive = await Archive.open(path.join(dir, 'archive'), true);
    const start = Date.UTC(2026, 10, 25);
    const w = new Workload({ seed: 11, nodes, podsPerNode: 30, epoch: start });
    const writer = await TickWriter.start(archive, {
      name: 'ingest', cluster: 'bench', context: 'bench', server: 'https://bench', resolutionMs: 1000, startedAt: start, status: 'recording', nodes, ticks: 0,
    });
    const infos = simNodes(w, start);
    let prev, rows = 0;
    const times = [];
    let started = 0;
    for (let i = 0; i < ticks; i++) {
      const { batch, pods } = simBatch(w, start + i * 1000 + 500, start + (i + 1) * 1000, prev, infos);
      prev = batch;
      if (paced && i > 0) await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - started))));
      const t0 = performance.now();
      started = t0;
      rows += (await writer.write(batch, pods, infos, [])).rows;
      times.push(performance.now() - t0);
    }
    await writer.finish('done');
    const total = times.reduce((a, b) => a + b, 0);
    return { perTick: rows / ticks, medianMs: times.sort((a, b) => a - b)[ticks >> 1], rate: rows / (total / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure() {
  // as `record` at 1 s does, before DuckDB loads; DuckDB reads it once, so this runs in a process of
  // its own and the benches after it (the archive's, at 60 s) keep DuckDB's own setting. The bench's
  // process already has the plugin's environment (bench.mjs), which the child inherits
  keepMemoryBetweenTicks(1000);
  const rows = [];
  for (const nodes of [20, 100]) {
    const r = await ingest(nodes, Number(process.env.BENCH_INGEST_TICKS ?? 60));
    rows.push([`ingest at 1 s, ${nodes} nodes (${Math.round(r.perTick).toLocaleString('en')} samples a tick): median ms a tick`, r.medianMs.toFixed(0)]);
    rows.push([`ingest at 1 s, ${nodes} nodes: samples/s`, Math.round(r.rate), '≥ 1,000,000']);
  }
  const paced = await ingest(20, Number(process.env.BENCH_INGEST_PACED_TICKS ?? 30), true);
  rows.push(['ingest at 1 s, 20 nodes, a tick a second as `record` writes: median ms a tick', paced.medianMs.toFixed(0)]);
  return rows;
}

const SELF = fileURLToPath(import.meta.url);
if (process.argv[1] === SELF) process.stdout.write(JSON.stringify(await measure()));

export async function ingestBench() {
  const r = spawnSync(process.execPath, [...RUN_FLAGS, SELF], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`the ingest bench exited ${r.status}`);
  return JSON.parse(r.stdout);
}

// Issue 18 §2: what a tick costs the archive at 1 s resolution, where a fixed cost per tick (catalog
// sessions, file creation, fsync) shows most: model batches of a simulated cluster, made in process
// as `record` makes them, written by the recorder's TickWriter; only the writes are timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Archive, TickWriter } from '../../dist/archive/index.js';
import { Workload } from '../../dist/simulator/index.js';
import { simBatch, simNodes } from './sim-batch.mjs';

async function ingest(nodes, ticks) {
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
    for (let i = 0; i < ticks; i++) {
      const { batch, pods } = simBatch(w, start + i * 1000 + 500, start + (i + 1) * 1000, prev, infos);
      prev = batch;
      const t0 = performance.now();
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

export async function ingestBench() {
  const rows = [];
  for (const nodes of [20, 100]) {
    const r = await ingest(nodes, Number(process.env.BENCH_INGEST_TICKS ?? 60));
    rows.push([`ingest at 1 s, ${nodes} nodes (${Math.round(r.perTick).toLocaleString('en')} samples a tick): median ms a tick`, r.medianMs.toFixed(0)]);
    rows.push([`ingest at 1 s, ${nodes} nodes: samples/s`, Math.round(r.rate), '≥ 1,000,000']);
  }
  return rows;
}

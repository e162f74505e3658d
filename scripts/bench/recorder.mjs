// Issue 18: the recorder's resident memory as users run it: `record` against a simulator in its own
// process, watched as the soak watches it (scripts/soak/rss.mjs): where it settles after a warm-up,
// and whether it still grows. BENCH_NODE_FLAGS="..." runs it with other Node flags than the bin's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rssSoak } from '../soak/rss.mjs';
import { sleep } from '../soak/util.mjs';
import { RUN_FLAGS } from './run-flags.mjs';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap-probe.mjs');

const NODE_FLAGS = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : RUN_FLAGS;

/** `record` at `resolution` for `minutes` on `nodes` simulated nodes. */
async function recordRss(startSimulatorProcess, { nodes, resolution, minutes }) {
  const sim = await startSimulatorProcess(['--nodes', String(nodes), '--pods-per-node', '30', '--seed', '5']);
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-bench-rec-'));
  try {
    const heapProbe = path.join(dir, 'heap-probe.jsonl');
    const stop = rssSoak({
      dir, env: { ...process.env, KUBECONFIG: sim.kubeconfig, HEAP_PROBE_FILE: heapProbe }, resolution, heapProbe,
      nodeFlags: [...NODE_FLAGS, '--import', pathToFileURL(PROBE).href],
    });
    await sleep(minutes * 60_000);
    const r = await stop();
    if (r.exit !== 0) throw new Error(`record exited ${r.exit}: ${r.stderr.trim().split('\n').at(-1)}`);
    return r;
  } finally {
    sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function recorderBench(startSimulatorProcess) {
  const minutes = Number(process.env.BENCH_RECORD_MINUTES ?? 5);
  const small = await recordRss(startSimulatorProcess, { nodes: 20, resolution: '1s', minutes });
  const rows = [
    [`recorder RSS MB, 20 nodes at 1 s, ${minutes} min: after warm-up / at the end`, `${small.warmMb.toFixed(0)} / ${small.lastMb.toFixed(0)}`, '≤ 150 MB, flat'],
    ['recorder RSS growth after warm-up, 20 nodes at 1 s, MB/min', small.mbPerMin.toFixed(1), '≈ 0'],
    partsRow('20 nodes at 1 s', small.atPeak),
  ];
  // BENCH_RECORD_NODES=0 leaves the large cluster out
  const bigNodes = Number(process.env.BENCH_RECORD_NODES ?? 1000);
  if (bigNodes > 0) {
    const big = await recordRss(startSimulatorProcess, { nodes: bigNodes, resolution: '15s', minutes: Math.min(3, minutes) });
    rows.push([`recorder peak RSS MB, ${bigNodes} nodes at 15 s, ${Math.min(3, minutes)} min`, big.peakEverMb.toFixed(0), '≤ 400 MB']);
    rows.push(partsRow(`${bigNodes} nodes at 15 s`, big.atPeak));
  }
  return rows;
}

/**
 * What the peak is made of, MB: V8's heap as committed (of it in use when last probed), ArrayBuffers
 * (the model's value slab), other anonymous memory (DuckDB, TLS and malloc), mapped files (code).
 */
function partsRow(what, p) {
  const value = p ? [`${p.heapMb.toFixed(0)} (${p.heapUsedMb.toFixed(0)})`, p.buffersMb, p.otherAnonMb, p.fileMb].map((x) => (typeof x === 'number' ? x.toFixed(0) : x)).join(' / ') : '–';
  return [`  its peak, MB: V8 heap (in use) / buffers / other anon / files, ${what}`, value, ''];
}

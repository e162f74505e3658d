// Issue 18: the recorder's resident memory as users run it, `record` against a simulator in its own
// process, sampled from /proc every 5 s: where it settles after a warm-up, and whether it still grows.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RUN, RUN_FLAGS } from './run-flags.mjs';

const rssMb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `record` at `resolution` for `minutes` on `nodes` simulated nodes: RSS after warm-up, at the end, peak, MB/min. */
async function recordRss(startSimulatorProcess, { nodes, resolution, minutes }) {
  const sim = await startSimulatorProcess(['--nodes', String(nodes), '--pods-per-node', '30', '--seed', '5']);
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-bench-rec-'));
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : RUN_FLAGS), RUN, 'record', '--archive', path.join(dir, 'a'), '--resolution', resolution, '--name', 'rss'],
    { env: { ...process.env, KUBECONFIG: sim.kubeconfig }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  const samples = [];
  const t0 = Date.now();
  try {
    while (Date.now() - t0 < minutes * 60_000) {
      await sleep(5000);
      samples.push({ t: (Date.now() - t0) / 60_000, mb: rssMb(child.pid) });
    }
  } finally {
    child.kill('SIGINT');
    const code = await exited;
    sim.stop();
    rmSync(dir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`record exited ${code}: ${stderr.trim().split('\n').at(-1)}`);
  }
  // warm-up: the first third, at most two minutes
  const after = samples.filter((s) => s.t >= Math.min(2, minutes / 3) && s.mb > 0);
  const first = after[0], last = after.at(-1);
  return { warm: first.mb, last: last.mb, peak: Math.max(...samples.map((s) => s.mb)), perMin: (last.mb - first.mb) / Math.max(1e-9, last.t - first.t) };
}

export async function recorderBench(startSimulatorProcess) {
  const minutes = Number(process.env.BENCH_RECORD_MINUTES ?? 5);
  const small = await recordRss(startSimulatorProcess, { nodes: 20, resolution: '1s', minutes });
  const bigNodes = Number(process.env.BENCH_RECORD_NODES ?? 1000);
  const rows = [
    [`recorder RSS MB, 20 nodes at 1 s, ${minutes} min: after warm-up / at the end`, `${small.warm.toFixed(0)} / ${small.last.toFixed(0)}`, '≤ 150 MB, flat'],
    ['recorder RSS growth after warm-up, 20 nodes at 1 s, MB/min', small.perMin.toFixed(1), '≈ 0'],
  ];
  // BENCH_RECORD_NODES=0 leaves the large cluster out
  if (bigNodes > 0) {
    const big = await recordRss(startSimulatorProcess, { nodes: bigNodes, resolution: '15s', minutes: Math.min(3, minutes) });
    rows.push([`recorder peak RSS MB, ${bigNodes} nodes at 15 s, ${Math.min(3, minutes)} min`, big.peak.toFixed(0), '≤ 400 MB']);
  }
  return rows;
}

// Issue 18 §3: label listings over the hour being recorded, which no series index covers yet, as a
// Grafana dashboard over a recording asks them: again after every tick, its window moving with it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ArchiveHistory } from '../../dist/query/index.js';
import { allLabelValues } from '../../dist/query/prom-source.js';
import { benchRecording, simBatch } from './sim-batch.mjs';

const NODES = Number(process.env.BENCH_LISTING_NODES ?? 100);
const RES = 60_000;
const ASKS = 5;

export async function listingBench() {
  const { dir, archive, start, w, writer, nodes } = await benchRecording('hour', NODES, RES);
  try {
    let prev, i = 0;
    const tick = async () => {
      const { batch, pods } = simBatch(w, start + i * RES + 5000, start + (i + 1) * RES, prev, nodes);
      prev = batch;
      i++;
      await writer.write(batch, pods, nodes, []);
    };
    // an hour of ticks, not compacted: the recorder merges an hour only once it is over
    for (let k = 0; k < 59; k++) await tick();
    // one server's history, as `serve --prometheus` keeps it, the window the last hour
    const h = new ArchiveHistory(archive, { cluster: 'bench-cluster' });
    const ask = async () => {
      const end = start + i * RES;
      const t0 = performance.now();
      const labels = await allLabelValues(h, { start: end - 3_600_000, end });
      return { ms: performance.now() - t0, pods: labels.get('pod_name')?.size ?? 0 };
    };
    const first = await ask();
    const next = [];
    for (let k = 0; k < ASKS; k++) {
      await tick();
      next.push((await ask()).ms);
    }
    await writer.finish('done');
    const median = [...next].sort((a, b) => a - b)[Math.floor(ASKS / 2)];
    return [
      [`every label of the hour being recorded (${NODES} nodes, ${i - ASKS} tick files, ${first.pods.toLocaleString('en')} pods), in process: first ask, ms`, first.ms.toFixed(0)],
      [`  asked again after each new tick, the window moving with it (median of ${ASKS}), ms`, median.toFixed(0)],
    ];
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

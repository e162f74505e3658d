// Issue 18 §3: `serve --prometheus` against Prometheus 2.42 holding the same rows, asked what a
// Grafana dashboard asks: query_range over the last 10 minutes and over the whole recording, and the
// series and label values of a selector. Run by tsx from bench.mjs (it starts the real Prometheus with
// the tests' helper): node_modules/.bin/tsx scripts/bench/promql.ts. Prints its rows as one JSON line.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { readRecordedBatches } from '../../src/archive/index.js';
import { makeSink, parseSinkSpec } from '../../src/sinks/index.js';
import { startPrometheus } from '../../test/helpers/servers.js';
import { startServe } from './serve-process.mjs';
import { recordedHours } from './sim-batch.mjs';

const NODES = Number(process.env.BENCH_PROMQL_NODES ?? 100);
const HOURS = Number(process.env.BENCH_PROMQL_HOURS ?? 3);
const RES = 60_000;
const RUNS = 5;
/** what the queries read, the only metrics Prometheus is sent: the whole catalogue of 3 h of 100 nodes is 50 M samples */
const METRICS = ['memory/usage', 'memory/working_set', 'cpu/usage', 'cpu/usage_rate'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: [string, string | number, string?][] = [];

// the recording, with its hourly merges, as `record` leaves it
const { dir, archive, start, end } = await recordedHours('promql', NODES, HOURS, RES);
const prom = await startPrometheus();
try {
  // the same rows into Prometheus by remote write, as `sink push` sends them
  const sink = makeSink(parseSinkSpec(`prometheus:${prom.url}/api/v1/write`, {}));
  await sink.probe();
  const files = { samples: await archive.files({ kind: 'samples' }), pods: await archive.files({ kind: 'pods' }), nodes: await archive.files({ kind: 'nodes' }) };
  await readRecordedBatches(files, { metrics: METRICS }, { start, end }, async (b) => void await sink.send(b));
  sink.close();

  const serve = await startServe(dir);
  const ours = serve.url;
  try {
    // a median of RUNS asks, after one that is not counted (each server's first read of its files)
    const time = async (base: string, api: string, params: Record<string, string>) => {
      const t: number[] = [];
      let n = 0;
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        const doc = await (await fetch(`${base}/api/v1/${api}?${new URLSearchParams({ ...params, i: String(i) })}`)).json() as { data: unknown[] | { result: unknown[] } };
        if (i > 0) t.push(performance.now() - t0);
        n = Array.isArray(doc.data) ? doc.data.length : doc.data.result.length;
      }
      return { ms: median(t), n };
    };
    const last = end - RES;
    const ns = 'spark-cluster';
    const queries = [
      ['sum by (namespace_name) (heapster_memory_usage{type="pod"})', 'sum by namespace of pod memory'],
      ['rate(heapster_cpu_usage{type="node"}[5m])', 'rate of node CPU'],
      [`quantile_over_time(0.95, heapster_memory_working_set{type="pod",namespace_name="${ns}"}[10m])`, 'p95 over 10m of a namespace\'s pods'],
    ];
    for (const minutes of [10, HOURS * 60 - 10]) {
      for (const [query, what] of queries) {
        const params = { query: query!, start: String((last - minutes * 60_000) / 1000), end: String(last / 1000), step: '60' };
        const [a, b] = [await time(ours, 'query_range', params), await time(prom.url, 'query_range', params)];
        rows.push([`serve --prometheus query_range ${what}, ${minutes} min of ${NODES} nodes at 60 s: ms (Prometheus ms; series ${a.n}/${b.n})`, `${a.ms.toFixed(0)} (${b.ms.toFixed(0)})`]);
      }
    }
    const window = { start: String((end - 3_600_000) / 1000), end: String(end / 1000) };
    for (const [api, match, what] of [
      ['series', `heapster_memory_usage{type="pod",namespace_name="${ns}"}`, 'series of a namespace\'s pods'],
      ['label/pod_name/values', 'heapster_cpu_usage_rate{type="pod"}', 'pod_name values of a metric'],
    ]) {
      const [a, b] = [await time(ours, api!, { 'match[]': match!, ...window }), await time(prom.url, api!, { 'match[]': match!, ...window })];
      rows.push([`serve --prometheus ${what}, the last hour: ms (Prometheus ms; ${a.n}/${b.n})`, `${a.ms.toFixed(0)} (${b.ms.toFixed(0)})`]);
    }
  } finally {
    serve.stop();
  }
} finally {
  await prom.stop();
  if (!process.env.BENCH_KEEP) rmSync(path.dirname(dir), { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(rows)}\n`);

// Issue 17: the sinks on the benchmark day. Run by tsx from bench.mjs (it starts the real InfluxDB,
// Prometheus and VictoriaMetrics with the tests' helpers): node_modules/.bin/tsx scripts/bench/sinks.ts ARCHIVE START END [SCRAPE_MS_PER_NODE]
// Prints its rows as one JSON line.
import { spawn } from 'node:child_process';
import { elasticsearchBodies, kafkaBodies, makeSink, openMetricsChunks, parseSinkSpec } from '../../src/sinks/index.js';
import { Workload } from '../../src/simulator/index.js';
import { startInflux, startPrometheus, startVictoria } from '../../test/helpers/servers.js';
import { RUN, RUN_FLAGS } from './run-flags.mjs';
import { startServe } from './serve-process.mjs';
import { simBatch, simNodes } from './sim-batch.mjs';

const [dir, startText, endText, scrapeText] = process.argv.slice(2) as [string, string, string, string?];
const [start, end] = [Number(startText), Number(endText)];
const iso = (ms: number) => new Date(ms).toISOString();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: [string, string | number, string?][] = [];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...RUN_FLAGS, RUN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const [influx, prom, vm] = await Promise.all([startInflux(), startPrometheus(), startVictoria()]);
try {
  const minutes = Math.round((end - start) / 60_000);
  // 1. a window of the recorded day sent afterwards, as `sink push` does it: the archive read back, encoded, posted
  for (const [name, sink] of [['InfluxDB 1.6', `influxdb:${influx.url}?db=k8s`], ['Prometheus 2.42 remote write', `prometheus:${prom.url}/api/v1/write`]]) {
    const r = await cli(['sink', 'push', '--archive', dir, '--recording', 'day', '--start', iso(start), '--end', iso(end), '--sink', sink!]);
    const m = /: (\d+) batches, (\d+) samples in ([\d.]+) s \((\d+) samples\/s\)/.exec(r.stdout);
    if (r.code !== 0 || !m) throw new Error(`sink push to ${name} failed: ${r.stderr}`);
    rows.push([`sink push to ${name}: samples/s (${Number(m[2]).toLocaleString('en')} samples, ${minutes} min of the day)`, Number(m[4])]);
  }

  // 2. serve --prometheus against Prometheus itself, on the same window
  const serve = await startServe(dir);
  const ours = serve.url;
  try {
    const queries = [
      ['sum by (namespace_name) (heapster_memory_usage{type="pod"})', 'sum by namespace of pod memory'],
      ['rate(heapster_cpu_usage{type="node"}[5m])', 'rate of node CPU'],
      ['quantile_over_time(0.95, heapster_memory_working_set{type="pod",namespace_name="spark-cluster"}[10m])', 'p95 over 10m of a namespace\'s pods'],
    ];
    for (const [q, what] of queries) {
      const time = async (base: string) => {
        const t: number[] = [];
        let series = 0;
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          const doc = await (await fetch(`${base}/api/v1/query_range?query=${encodeURIComponent(q!)}&start=${start / 1000}&end=${end / 1000}&step=60&i=${i}`)).json() as { data: { result: unknown[] } };
          t.push(performance.now() - t0);
          series = doc.data.result.length;
        }
        return { ms: median(t), series };
      };
      const [a, b] = [await time(ours), await time(prom.url)];
      rows.push([`serve --prometheus query_range ${what}, ${minutes} min at 60 s: ms (Prometheus ms; series ${a.series}/${b.series})`, `${a.ms.toFixed(0)} (${b.ms.toFixed(0)})`]);
    }
  } finally {
    serve.stop();
  }

  // 3. what a sink adds to a tick of the 1,000-node simulator: encoding and sending one batch, in this process
  const epoch = Date.UTC(2026, 10, 25);
  const w = new Workload({ seed: 11, nodes: 1000, podsPerNode: 30, epoch });
  const nodes = simNodes(w, epoch);
  // after the window pushed above: Prometheus refuses samples older than its head block ("out of bounds")
  const t0 = Math.ceil(end / 60_000) * 60_000 + 60_000;
  const first = simBatch(w, t0 + 5000, t0 + 60_000, undefined, nodes).batch;
  const { batch } = simBatch(w, t0 + 65_000, t0 + 120_000, first, nodes);
  // Graphite and OpenTSDB into VictoriaMetrics's receivers: carbon-cache would make a whisper file for each of the 2.7 M paths
  const sinks: [string, string][] = [
    ['InfluxDB', `influxdb:${influx.url}?db=tick`], ['remote write', `prometheus:${prom.url}/api/v1/write`],
    ['Graphite (TCP)', `graphite:${vm.graphiteUrl}`], ['OpenTSDB', `opentsdb:${vm.opentsdbUrl}`],
  ];
  for (const [name, spec] of sinks) {
    const sink = makeSink(parseSinkSpec(spec, {}));
    await sink.probe();
    // once: a tick of 1,000 nodes takes the servers here minutes to absorb
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const n = await sink.send(batch);
    const c = process.cpuUsage(c0);
    const cpu = [(c.user + c.system) / 1000];
    const wall = (performance.now() - w0) / 1000;
    sink.close();
    const scrapeTick = Number(scrapeText) * 1000;
    const ratio = Number.isFinite(scrapeTick) && scrapeTick > 0 ? ` = ${((median(cpu) / scrapeTick) * 100).toFixed(0)}% of the scrape's ${scrapeTick.toFixed(0)} ms` : '';
    rows.push([`sink ${name}: CPU ms a 1,000-node tick adds (${n.toLocaleString('en')} samples; the server took ${wall.toFixed(0)} s)${ratio}`, median(cpu).toFixed(0), '< 10% of the scrape\'s']);
  }

  // 4. the export formats that write a sink's schema to a file: encoding that tick, in this process
  const formats: [string, () => Iterable<{ body: Uint8Array }>][] = [
    ['kafka-json', () => kafkaBodies(batch, 10_000)],
    ['elasticsearch-bulk', () => elasticsearchBodies(batch, { index: 'heapster', clusterName: 'default' }, 10_000)],
    ['openmetrics', () => openMetricsChunks(batch, 'default', 1 << 18)],
  ];
  for (const [name, bodies] of formats) {
    const cpu: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const c0 = process.cpuUsage();
      bytes = 0;
      for (const { body } of bodies()) bytes += body.length;
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    rows.push([`export --format ${name}: CPU ms to encode a 1,000-node tick (${(bytes / 1e6).toFixed(0)} MB; median of 3)`, median(cpu).toFixed(0)]);
  }
} finally {
  await Promise.all([influx.stop(), prom.stop(), vm.stop()]);
}
process.stdout.write(`${JSON.stringify(rows)}\n`);

// Issue 3: 24 hours of a simulated 100-node cluster (30 pods per node) at 60 s, generated in simulated
// time straight into an archive, then the queries and the export the issue names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRecordedBatches } from '../../dist/archive/index.js';
import { HourlyCompaction, compactRecording } from '../../dist/record/index.js';
import { benchRecording, simBatch } from './sim-batch.mjs';
import { timeCli } from './time-cli.mjs';
import { ArchiveHistory, parseTarget, runQuery } from '../../dist/query/index.js';
import { allLabelValues } from '../../dist/query/prom-source.js';

const NODES = Number(process.env.BENCH_ARCHIVE_NODES ?? 100);
const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const RES = 60_000;

export async function archiveBench(print) {
  const { dir, archive, start, w, writer, nodes } = await benchRecording('day', NODES, RES);
  // the finished hours merged as the recorder merges them: beside the ticks, one run at a time
  const hourly = new HourlyCompaction(compactRecording(archive, 'day'), (e) => { throw e; });
  let prev, samples = 0, ingestMs = 0, genMs = 0;
  const ticks = HOURS * 60;
  for (let i = 0; i < ticks; i++) {
    const t = start + i * RES + 5000;
    const g0 = performance.now();
    const { batch, pods } = simBatch(w, t, start + (i + 1) * RES, prev, nodes);
    prev = batch;
    const i0 = performance.now();
    genMs += i0 - g0;
    const r = await writer.write(batch, pods, nodes, []);
    ingestMs += performance.now() - i0;
    samples += r.rows;
    if (i % 60 === 59) {
      hourly.start(batch.timestamp + 1);
      process.stderr.write(`\r  generated ${((i + 1) / 60).toFixed(0)} of ${HOURS} h, ${samples} samples`);
    }
  }
  await hourly.end(false);
  await writer.finish('done');
  process.stderr.write('\n');
  // taken before the day's compaction, which runs as its own process so that its peak is its own
  const ingestRss = process.resourceUsage().maxRSS / 1024;
  const env = { ...process.env, KUBECONFIG: '' };
  const c = await timeCli(['archive', 'compact', '--archive', dir], env, 1);

  const ns = 'spark-cluster';
  const pods = w.nodes.flatMap((n) => w.podsOn(n, start + ticks * RES - 60_000)).filter((p) => p.namespace === ns).map((p) => p.name);
  // in process: the query itself, as `serve` will run it; the CLI figures add process start-up
  const h = new ArchiveHistory(archive, { cluster: 'bench-cluster' });
  const ctx = { namespace: 'default', allNamespaces: false };
  const inProcess = async (req) => {
    const times = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      await runQuery(h, req);
      times.push(performance.now() - t0);
    }
    return { cold: times[0], warm: times.slice(1).sort((a, b) => a - b)[2] };
  };
  const p1 = await inProcess({ target: parseTarget(`namespaces/${ns}`, ctx), metric: 'memory/usage', window: {} });
  const p2 = await inProcess({ target: parseTarget(`namespaces/${ns}/pod-list/${pods.join(',')}`, ctx), metric: 'cpu/usage_rate', window: {}, aggregations: ['p95'], bucketMs: 3_600_000 });
  print([
    [`archive: samples generated (${NODES} nodes, ${HOURS} h at 60 s)`, samples],
    ['archive: ingest samples/s (model batch → Parquet + catalog; the hourly merges run beside the writes)', Math.round(samples / (ingestMs / 1000)), '≥ 1,000,000'],
    ['archive: peak RSS while ingesting (the hourly merges running beside, as in record), MB', ingestRss.toFixed(0), '≤ 1,000'],
  ]);
  const q1 = await timeCli(['query', `namespaces/${ns}`, 'memory/usage', '--archive', dir, '-o', 'json'], env);
  const q2 = await timeCli(['query', `namespaces/${ns}/pod-list/${pods.join(',')}`, 'cpu/usage_rate', '--agg', 'p95', '--bucket', '1h', '--archive', dir, '-o', 'json'], env);
  const day = ['--start', new Date(start + ticks * RES - 86_400_000).toISOString(), '--end', new Date(start + ticks * RES).toISOString()];
  const top = await timeCli(['top', 'pods', '-A', '--archive', dir, ...day], env, 3);
  const exportDir = mkdtempSync(path.join(tmpdir(), 'kh-bench-export-'));
  const q3 = await timeCli(['export', '--output', path.join(exportDir, 'day.parquet'), '--archive', dir], env, 1);
  // the last hour of the compacted day read back as batches: what export --format influx (and the
  // other sink formats), sink push and serve --prometheus read before they encode
  const hour = { start: start + ticks * RES - 3_600_000, end: start + ticks * RES };
  const files = { samples: await archive.files({ kind: 'samples', ...hour }), pods: await archive.files({ kind: 'pods', end: hour.end }), nodes: await archive.files({ kind: 'nodes', end: hour.end }) };
  let readBack = 0;
  const r0 = performance.now();
  await readRecordedBatches(files, {}, hour, (b) => {
    for (const set of b.sets.values()) readBack += set.values.size + set.labeled.length;
  });
  const readBackMs = performance.now() - r0;
  // every label and value of a window, as `serve --prometheus` lists them without match[]: the
  // first ask, each in a fresh history (the server keeps answers, not what they were made of)
  const listing = async (hours) => {
    const t0 = performance.now();
    await allLabelValues(new ArchiveHistory(archive, { cluster: 'bench-cluster' }), { start: start + ticks * RES - hours * 3_600_000, end: start + ticks * RES });
    return performance.now() - t0;
  };
  const [list24, list6] = [await listing(24), await listing(6)];
  const sampleBytes = (await archive.catalog(true, async (con) => {
    const r = await con.runAndReadAll("SELECT sum(bytes) FILTER (WHERE kind = 'samples') AS b, sum(bytes) FILTER (WHERE kind = 'series') AS i, sum(rows) FILTER (WHERE kind = 'samples') AS n FROM snapshots");
    return r.getRowObjects()[0];
  }));
  rmSync(exportDir, { recursive: true, force: true });
  const rows = [
    ['archive: simulate + decode + model, s (not ingest)', (genMs / 1000).toFixed(1)],
    ['archive: compaction of the day (archive compact, whole CLI), s', (c.coldMs / 1000).toFixed(1)],
    ['archive: compaction of the day: peak RSS MB', c.rssMb.toFixed(0), '≤ 1,000'],
    [`archive: bytes per sample after compaction (${(Number(sampleBytes.i ?? 0) / Number(sampleBytes.n)).toFixed(4)} more in series indexes)`, (Number(sampleBytes.b) / Number(sampleBytes.n)).toFixed(3), '≤ 1.0 (Prometheus 2.5 on the same rows)'],
    [`query ns memory/usage 24 h, in process: warm ms (cold ${p1.cold.toFixed(0)})`, p1.warm.toFixed(0), '< 200 ms'],
    [`query pod-list p95 by 1h, in process: warm ms (cold ${p2.cold.toFixed(0)})`, p2.warm.toFixed(0), '< 200 ms'],
    [`query ns memory/usage 24 h, whole CLI: warm ms (cold ${q1.coldMs.toFixed(0)})`, q1.warmMs.toFixed(0)],
    ['query ns memory/usage: peak RSS MB', q1.rssMb.toFixed(0)],
    [`query pod-list (${pods.length} pods) p95 by 1h, whole CLI: warm ms (cold ${q2.coldMs.toFixed(0)})`, q2.warmMs.toFixed(0)],
    ['query pod-list p95: peak RSS MB', q2.rssMb.toFixed(0)],
    [`top pods -A over the day (--since 24h), whole CLI: warm ms (first ${top.coldMs.toFixed(0)})`, top.warmMs.toFixed(0)],
    ['top pods -A over the day: peak RSS MB', top.rssMb.toFixed(0)],
    [`recorded batches read back, the day's last hour (${readBack.toLocaleString('en')} samples), in process: samples/s`, Math.round(readBack / (readBackMs / 1000))],
    ['every label of the last 24 h / 6 h (serve --prometheus labels, no match[]), in process, first ask: ms', `${list24.toFixed(0)} / ${list6.toFixed(0)}`],
    ['export to Parquet, whole day: s', (q3.coldMs / 1000).toFixed(1)],
    ['export: peak RSS MB', q3.rssMb.toFixed(0), '≤ 1,000'],
  ];
  print(rows);
  return { dir, ns, end: start + ticks * RES, cleanup: () => !process.env.BENCH_KEEP && rmSync(path.dirname(dir), { recursive: true, force: true }) };
}

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { recordedPoints, recordSim } from '../helpers/recorded.js';
import { startInflux, startPrometheus, type RunningServer } from '../helpers/servers.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let dir: string;
let out: string;
const servers: RunningServer[] = [];
const env = pluginEnv();
const TICKS = 5;

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 4 });
  dir = (await recordSim(sim, TICKS)).archive.dir;
  out = mkdtempSync(path.join(tmpdir(), 'kh-export-formats-'));
});
test.after(async () => {
  await sim.close();
  await Promise.all(servers.map((s) => s.stop()));
});

const recorded = (target: string, metric: string) => recordedPoints(dir, target, metric);

/** The samples the archive holds, counted by DuckDB apart from the plugin: what each export must hold. */
let inArchive: number | undefined;
async function samplesInArchive(): Promise<number> {
  if (inArchive !== undefined) return inArchive;
  const r = await cli(['export', '--archive', dir, '--recording', 'sim', '--output', path.join(out, 'all.csv')], env);
  assert.is(r.code, 0, r.stderr);
  return (inArchive = readFileSync(path.join(out, 'all.csv'), 'utf8').trim().split('\n').length - 1);
}

async function exportAs(format: string, file: string): Promise<number> {
  const r = await kubectl(['heapster', 'export', '--archive', dir, '--recording', 'sim', '--format', format, '--output', path.join(out, file)], env, 120_000);
  assert.is(r.code, 0, r.stderr);
  const m = /^wrote (\d+) samples to /.exec(r.stdout);
  assert.ok(m, r.stdout);
  return Number(m![1]);
}

const pod = () => sim.workload.nodes.flatMap((n) => sim.workload.podsOn(n, sim.clock.t)).find((p) => p.namespace !== 'default')!;

test('export --format openmetrics loads with the real promtool: the blocks hold every sample, and PromQL over them answers what query answers', async () => {
  const total = await samplesInArchive();
  const n = await exportAs('openmetrics', 'all.om');
  assert.is(n, total);
  const text = readFileSync(path.join(out, 'all.om'), 'utf8');
  assert.ok(text.endsWith('# EOF\n'));
  const promDir = mkdtempSync(path.join(tmpdir(), 'kh-prom-blocks-'));
  const report = execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', path.join(out, 'all.om'), path.join(promDir, 'data')], { encoding: 'utf8' });
  // promtool's table: BLOCK ULID, MIN TIME, MAX TIME, DURATION, NUM SAMPLES, ...
  const inBlocks = report.trim().split('\n').slice(1).reduce((k, l) => k + Number(l.trim().split(/\s+/)[4]), 0);
  assert.is(inBlocks, total);
  const prom = await startPrometheus({ dir: promDir });
  servers.push(prom);
  const p = pod();
  for (const [target, metric, expr] of [
    [`namespaces/${p.namespace}`, 'memory/usage', `heapster_memory_usage{type="ns",namespace_name="${p.namespace}"}`],
    [`namespaces/${p.namespace}/pods/${p.name}`, 'cpu/usage_rate', `heapster_cpu_usage_rate{type="pod",pod_name="${p.name}"}`],
    ['nodes/node-02', 'memory/working_set', 'heapster_memory_working_set{type="node",nodename="node-02"}'],
  ] as const) {
    const want = await recorded(target, metric);
    // rates begin at the second tick
    assert.ok(want.length >= TICKS - 1, `${target} ${metric}: ${want.length}`);
    const got: [string, number][] = [];
    for (const [t] of want) {
      const doc: any = await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${Date.parse(t) / 1000}`)).json();
      assert.is(doc.data.result.length, 1, `${expr} at ${t}: ${JSON.stringify(doc)}`);
      got.push([t, Number(doc.data.result[0].value[1])]);
    }
    assert.equal(got, want, `${target} ${metric}`);
  }
});

test('export --format influx loads with the real `influx -import` into InfluxDB 1.6, in Heapster\'s schema, and InfluxQL answers what query answers', async () => {
  const total = await samplesInArchive();
  assert.is(await exportAs('influx', 'all.lp'), total);
  const influx = await startInflux();
  servers.push(influx);
  execFileSync('influx', ['-host', '127.0.0.1', '-port', String(influx.port), '-import', '-path', path.join(out, 'all.lp'), '-precision', 'ns'], { encoding: 'utf8' });
  const count: any = await (await fetch(`${influx.url}/query?db=k8s&q=${encodeURIComponent('SELECT count(value) FROM /.*/')}`)).json();
  const stored = count.results[0].series.reduce((k: number, s: any) => k + s.values[0][1], 0);
  assert.is(stored, total);
  const p = pod();
  for (const [target, metric, where] of [
    [`namespaces/${p.namespace}/pods/${p.name}`, 'memory/working_set', `"memory/working_set" WHERE type='pod' AND pod_name='${p.name}' AND cluster_name='default'`],
    ['nodes/node-01', 'cpu/usage_rate', `"cpu/usage_rate" WHERE type='node' AND nodename='node-01'`],
  ] as const) {
    const want = await recorded(target, metric);
    const doc: any = await (await fetch(`${influx.url}/query?db=k8s&epoch=ms&q=${encodeURIComponent(`SELECT value FROM ${where}`)}`)).json();
    const got = doc.results[0].series[0].values.map(([t, v]: [number, number]) => [new Date(t).toISOString().replace('.000Z', 'Z'), v]);
    assert.equal(got, want, `${target} ${metric}`);
  }
});

test('export --format kafka-json writes one Heapster Kafka message per sample, with every label; a pod\'s values are query\'s', async () => {
  const total = await samplesInArchive();
  assert.is(await exportAs('kafka-json', 'all.kafka.jsonl'), total);
  const msgs = readFileSync(path.join(out, 'all.kafka.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(msgs.length, total);
  assert.equal(Object.keys(msgs[0]), ['MetricsName', 'MetricsValue', 'MetricsTimestamp', 'MetricsTags']);
  const p = pod();
  const want = await recorded(`namespaces/${p.namespace}/pods/${p.name}`, 'memory/usage');
  const got = msgs.filter((m) => m.MetricsName === 'memory/usage' && m.MetricsTags.type === 'pod' && m.MetricsTags.pod_name === p.name)
    .map((m) => [m.MetricsTimestamp, m.MetricsValue.value]);
  assert.equal(got, want);
  const tags = msgs.find((m) => m.MetricsTags.type === 'pod' && m.MetricsTags.pod_name === p.name).MetricsTags;
  // Kafka got every label, the ones InfluxDB never did and the empty ones too
  assert.is(tags.pod_id, p.uid);
  assert.is(tags.namespace_id, '');
  assert.is(tags.namespace_name, p.namespace);
});

test('export --format elasticsearch-bulk writes Heapster\'s _bulk body: daily index, a family document per set, unique ids; values are query\'s', async () => {
  const total = await samplesInArchive();
  assert.is(await exportAs('elasticsearch-bulk', 'bulk.ndjson'), total);
  const lines = readFileSync(path.join(out, 'bulk.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length % 2, 0);
  const actions = lines.filter((_, i) => i % 2 === 0);
  const docs = lines.filter((_, i) => i % 2 === 1);
  const ids = new Set(actions.map((a) => a.index._id));
  assert.is(ids.size, actions.length);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // each document in the daily index of its own time (UTC)
  for (const [i, d] of docs.entries()) {
    const time = d[Object.keys(d).find((k) => k.endsWith('MetricsTimestamp'))!];
    assert.is(actions[i].index._index, `heapster-${time.slice(0, 10).replace(/-/g, '.')}`);
  }
  // every value is in exactly one document: a family document's Metrics, or a general one's MetricsValue
  const values = docs.reduce((k, d) => k + (d.Metrics ? Object.keys(d.Metrics).length : 1), 0);
  assert.is(values, total);
  const p = pod();
  const want = await recorded(`namespaces/${p.namespace}/pods/${p.name}`, 'cpu/usage_rate');
  const cpu = docs.filter((d, i) => actions[i].index._type === 'cpu' && d.MetricsTags.type === 'pod' && d.MetricsTags.pod_name === p.name);
  assert.is(cpu.length, TICKS);
  // the first tick's document has the cumulative usage only: rates begin at the second
  assert.equal(cpu.filter((d) => d.Metrics['cpu/usage_rate']).map((d) => [d.CpuMetricsTimestamp, d.Metrics['cpu/usage_rate'].value]), want);
  assert.ok(want.length >= TICKS - 1);
  assert.is(cpu[0].MetricsTags.cluster_name, 'default');
  // a general metric is a document of its own
  const uptime = docs.find((d, i) => actions[i].index._type === 'general' && d.MetricsName === 'uptime');
  assert.ok(uptime?.GeneralMetricsTimestamp, 'an uptime document');
});

test('export --format influx: standard output works, a name taken is refused without --force, and --wide does not apply', async () => {
  const r = await cli(['export', '--archive', dir, '--recording', 'sim', '--format', 'influx', '--output', '-', 'nodes/node-01', 'cpu/usage_rate'], env);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.slice(0, 4), ['# DDL', 'CREATE DATABASE k8s', '# DML', '# CONTEXT-DATABASE: k8s']);
  // a node exports with everything that ran on it: the node's own line is one of them
  assert.ok(lines.slice(4).every((l) => l.startsWith('cpu/usage_rate,cluster_name=default,') && l.includes('nodename=node-01')), lines[4]);
  assert.is(lines.filter((l) => l.includes(',type=node ')).length, (await recorded('nodes/node-01', 'cpu/usage_rate')).length);
  const again = await cli(['export', '--archive', dir, '--recording', 'sim', '--format', 'influx', '--output', path.join(out, 'all.lp')], env);
  assert.is(again.code, 2);
  assert.match(again.stderr, /exists.*--force/s);
  const wide = await cli(['export', '--archive', dir, '--format', 'openmetrics', '--wide', '--output', path.join(out, 'x.om')], env);
  assert.is(wide.code, 2);
  assert.match(wide.stderr, /drop --wide/);
});

test('export to standard output whose reader stops early (`| head`) ends quietly, in the batch formats and the others', async () => {
  for (const format of ['influx', 'csv']) {
    const args = ['export', '--archive', dir, '--recording', 'sim', '--format', format, '--output', '-'];
    const whole = await cli(args, env);
    assert.is(whole.code, 0, whole.stderr);
    // more than a pipe holds (64 KiB), so the writer meets the closed pipe
    assert.ok(whole.stdout.length > 256 * 1024, `${format}: ${whole.stdout.length} bytes`);
    const err = path.join(out, `${format}.err`);
    const status = execFileSync('bash', ['-c', `"$0" "$@" 2>${err} | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`, process.execPath, path.join(ROOT, 'bin/run.js'), ...args], { env, encoding: 'utf8' });
    assert.is(readFileSync(err, 'utf8'), '', format);
    assert.is(status.trim(), '0', format);
  }
});

test.run();

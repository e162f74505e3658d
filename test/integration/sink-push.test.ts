import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { recordedPoints, recordSim } from '../helpers/recorded.js';
import { startInflux, startPrometheus, type RunningServer } from '../helpers/servers.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let dir: string;
let influx: RunningServer;
let prom: RunningServer;
const env = pluginEnv();

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 4 });
  dir = (await recordSim(sim, 6)).archive.dir;
  [influx, prom] = await Promise.all([startInflux(), startPrometheus()]);
});
test.after(async () => {
  await sim.close();
  await Promise.all([influx?.stop(), prom?.stop()]);
});

const recorded = (target: string, metric: string) => recordedPoints(dir, target, metric);

async function influxql(q: string): Promise<[string, number][]> {
  const res = await fetch(`${influx.url}/query?db=k8s&epoch=ms&q=${encodeURIComponent(q)}`);
  const doc: any = await res.json();
  const values = doc.results[0].series?.[0]?.values ?? [];
  return values.map(([t, v]: [number, number]) => [new Date(t).toISOString().replace('.000Z', 'Z'), v]);
}

async function promql(expr: string, times: string[]): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for (const t of times) {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${Date.parse(t) / 1000}`);
    const doc: any = await res.json();
    assert.is(doc.status, 'success', JSON.stringify(doc));
    const [r] = doc.data.result;
    if (r) out.push([t, Number(r.value[1])]);
  }
  return out;
}

test('sink push through the real kubectl to InfluxDB 1.6 and Prometheus 2.42: InfluxQL and PromQL answer what query answers, for a namespace, a pod and a node', async () => {
  const r = await kubectl(['heapster', 'sink', 'push', '--archive', dir, '--recording', 'sim',
    '--sink', `influxdb:${influx.url}?db=k8s`, '--sink', `prometheus:${prom.url}/api/v1/write`], env, 120_000);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^influxdb:http:\/\/127\.0\.0\.1:\d+\?db=k8s: 6 batches, \d+ samples in [\d.]+ s/m);
  assert.match(r.stdout, /^prometheus:http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: 6 batches, \d+ samples/m);
  const ns = sim.workload.nodes.flatMap((n) => sim.workload.podsOn(n, sim.clock.t)).find((p) => p.namespace !== 'default')!;
  const checks: [string, string, string, string][] = [
    [`namespaces/${ns.namespace}`, 'memory/usage', `"memory/usage" WHERE type='ns' AND namespace_name='${ns.namespace}'`, `heapster_memory_usage{type="ns",namespace_name="${ns.namespace}"}`],
    [`namespaces/${ns.namespace}/pods/${ns.name}`, 'memory/working_set', `"memory/working_set" WHERE type='pod' AND pod_name='${ns.name}'`, `heapster_memory_working_set{type="pod",pod_name="${ns.name}"}`],
    ['nodes/node-01', 'cpu/usage_rate', `"cpu/usage_rate" WHERE type='node' AND nodename='node-01'`, `heapster_cpu_usage_rate{type="node",nodename="node-01"}`],
    ['nodes/node-01', 'cpu/node_utilization', `"cpu/node_utilization" WHERE type='node' AND nodename='node-01'`, `heapster_cpu_node_utilization{type="node",nodename="node-01"}`],
  ];
  for (const [target, metric, where, expr] of checks) {
    const want = await recorded(target, metric);
    assert.ok(want.length >= 5, `${target} ${metric}: ${want.length} points`);
    assert.equal(await influxql(`SELECT value FROM ${where}`), want, `InfluxDB: ${target} ${metric}`);
    assert.equal(await promql(expr, want.map(([t]) => t)), want, `Prometheus: ${target} ${metric}`);
  }
  // Heapster's schema: the tags it wrote, and none of the four it left out
  const tags = await (await fetch(`${influx.url}/query?db=k8s&q=${encodeURIComponent('SHOW TAG KEYS FROM "memory/working_set"')}`)).json() as any;
  const keys = tags.results[0].series[0].values.map((v: string[]) => v[0]);
  for (const k of ['cluster_name', 'namespace_name', 'nodename', 'pod_name', 'type']) assert.ok(keys.includes(k), k);
  for (const k of ['pod_id', 'namespace_id', 'hostname', 'host_id']) assert.not.ok(keys.includes(k), k);
});

test('Heapster\'s InfluxDB options against the real server: withfields, cluster_name, disable_counter_metrics, retention', async () => {
  const r = await cli(['sink', 'push', '--archive', dir, '--recording', 'sim',
    '--sink', `influxdb:${influx.url}?db=opts&withfields=true&cluster_name=prod&disable_counter_metrics=true&retention=5200w`], env, 120_000);
  assert.is(r.code, 0, r.stderr);
  const ql = async (q: string) => ((await (await fetch(`${influx.url}/query?db=opts&epoch=ms&q=${encodeURIComponent(q)}`)).json()) as any).results[0];
  // withfields: measurement and field split at the first slash
  const measurements = (await ql('SHOW MEASUREMENTS')).series[0].values.map((v: string[]) => v[0]);
  assert.ok(measurements.includes('cpu') && measurements.includes('memory'), measurements.join(' '));
  assert.not.ok(measurements.some((m: string) => m.includes('/')), measurements.join(' '));
  const cpuFields = (await ql('SHOW FIELD KEYS FROM "cpu"')).series[0].values.map((v: string[]) => v[0]);
  assert.ok(cpuFields.includes('usage_rate'));
  // disable_counter_metrics: the cumulative values are not written
  assert.not.ok(cpuFields.includes('usage'), cpuFields.join(' '));
  const want = await recorded('nodes/node-01', 'cpu/usage_rate');
  const got = (await ql(`SELECT usage_rate FROM cpu WHERE type='node' AND nodename='node-01' AND cluster_name='prod'`)).series[0].values
    .map(([t, v]: [number, number]) => [new Date(t).toISOString().replace('.000Z', 'Z'), v]);
  assert.equal(got, want);
  // retention: Heapster's policy, made the default, of the duration asked (long: the simulator's clock is days back,
  // and InfluxDB refuses points older than the policy keeps)
  const policies = (await ql('SHOW RETENTION POLICIES ON "opts"')).series[0];
  const heapster = policies.values.find((v: unknown[]) => v[0] === 'heapster');
  assert.ok(heapster, JSON.stringify(policies));
  assert.is(heapster[policies.columns.indexOf('duration')], '873600h0m0s');
  assert.is(heapster[policies.columns.indexOf('default')], true);
});

test('a sink that refuses is one line and exit 1 before anything is sent; credentials never shown; --sink-credentials keeps them off the command line', async () => {
  const secure = await startInflux({ auth: true });
  try {
    // the first user of an InfluxDB with auth on may be made without credentials
    const made = await fetch(`${secure.url}/query`, { method: 'POST', body: new URLSearchParams({ q: "CREATE USER admin WITH PASSWORD 's3cret-pw' WITH ALL PRIVILEGES" }) });
    assert.is(made.status, 200);
    const bad = await cli(['sink', 'push', '--archive', dir, '--recording', 'sim', '--sink', `influxdb:${secure.url}?db=k8s&user=admin&pw=wrong-pw-123`], env);
    assert.is(bad.code, 1);
    assert.is(bad.stderr, `error: sink influxdb:${secure.url}?db=k8s&user=admin&pw=***: InfluxDB refused the credentials (authorization failed); fix user and pw (or the --sink-credentials file)\n`);
    assert.not.match(bad.stderr + bad.stdout, /wrong-pw-123/);
    const creds = path.join(mkdtempSync(path.join(tmpdir(), 'kh-creds-')), 'sinks.yaml');
    writeFileSync(creds, 'influxdb:\n  user: admin\n  pw: s3cret-pw\n', { mode: 0o600 });
    const ok = await cli(['sink', 'push', '--archive', dir, '--recording', 'sim', '--sink', `influxdb:${secure.url}?db=k8s`, '--sink-credentials', creds], env);
    assert.is(ok.code, 0, ok.stderr);
    assert.not.match(ok.stdout + ok.stderr, /s3cret/);
    const q = await fetch(`${secure.url}/query?db=k8s&u=admin&p=s3cret-pw&q=${encodeURIComponent('SELECT count(value) FROM "cpu/usage_rate"')}`);
    assert.ok(((await q.json()) as any).results[0].series[0].values[0][1] > 0);
  } finally {
    await secure.stop();
  }
  const noReceiver = await cli(['sink', 'push', '--archive', dir, '--recording', 'sim', '--sink', `prometheus:${prom.url}/api/v1/nowhere`], env);
  assert.is(noReceiver.code, 1);
  assert.match(noReceiver.stderr, /^error: sink prometheus:\S+: \/api\/v1\/nowhere is not a remote-write endpoint here \(404\); start Prometheus with --web\.enable-remote-write-receiver/);
  const unknown = await cli(['sink', 'push', '--archive', dir, '--recording', 'sim', '--sink', 'kafka:?brokers=a:9092'], env);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /^error: unknown sink "kafka"; use one of influxdb, prometheus, graphite, opentsdb; Heapster's kafka shapes are export formats/);
});

test.run();

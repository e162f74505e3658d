import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';
import { recordSim, RES } from '../helpers/recorded.js';
import { startPrometheus, type RunningServer } from '../helpers/servers.js';
import { testSim, type TestSim } from '../helpers/sim.js';
import type { Archive } from '../../src/archive/index.js';
import { ArchiveHistory, parsePromql, rangeQuery } from '../../src/query/index.js';

let sim: TestSim;
let dir: string;
let archive: Archive;
let stamps: number[];
let prom: RunningServer;
let serve: ChildProcess;
let ours: string;
const env = pluginEnv();

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 4 });
  ({ archive, stamps } = await recordSim(sim, 14));
  dir = archive.dir;
  prom = await startPrometheus();
  // the same recording, into a real Prometheus by remote write
  const push = await cli(['sink', 'push', '--archive', dir, '--recording', 'sim', '--sink', `prometheus:${prom.url}/api/v1/write`], env, 120_000);
  assert.is(push.code, 0, push.stderr);
  serve = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'serve', '--archive', dir, '--port', '0', '--prometheus'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  ours = await new Promise<string>((resolve, reject) => {
    let out = '';
    serve.stdout!.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    serve.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
});
test.after(async () => {
  serve?.kill('SIGTERM');
  await sim.close();
  await prom?.stop();
});

async function ask(base: string, api: string, params: Record<string, string | string[]>): Promise<any> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
  const res = await fetch(`${base}/api/v1/${api}?${q}`);
  const text = await res.text();
  return { ...(res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : { text }), http: res.status };
}

/** A result with its series in one order, values as numbers: what two servers must agree on. */
function normal(data: any): any[] {
  const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  const rows = data.result.map((r: any) => ({ metric: key(r.metric), points: (r.values ?? [r.value]).map(([t, v]: [number, string]) => [t, Number(v)]) }));
  return rows.sort((a: any, b: any) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
}

function sameAnswer(got: any, want: any, what: string, mayBeEmpty = false): void {
  assert.is(got.http, 200, `${what}: ${JSON.stringify(got)}`);
  assert.is(want.http, 200, `${what} (Prometheus): ${JSON.stringify(want)}`);
  assert.is(got.data.resultType, want.data.resultType, what);
  const [g, w] = [normal(got.data), normal(want.data)];
  assert.equal(g.map((r) => r.metric), w.map((r) => r.metric), `${what}: the same series`);
  for (const [i, r] of g.entries()) {
    assert.equal(r.points.map(([t]: number[]) => t), w[i].points.map(([t]: number[]) => t), `${what}: the same times for ${r.metric}`);
    for (const [j, [, v]] of r.points.entries()) {
      const x = w[i].points[j][1];
      assert.ok(v === x || Math.abs(v - x) <= 1e-9 * Math.max(Math.abs(v), Math.abs(x)), `${what}: ${r.metric} at ${r.points[j][0]}: ${v} vs Prometheus ${x}`);
    }
  }
  assert.ok(mayBeEmpty || w.length > 0, `${what}: Prometheus has an answer to compare`);
}

const QUERIES = [
  'heapster_memory_usage{type="ns"}',
  'sum by (namespace_name) (heapster_memory_working_set{type="pod"})',
  'rate(heapster_cpu_usage{type="node"}[5m])',
  'increase(heapster_network_rx{type="pod"}[3m])',
  'quantile_over_time(0.95, heapster_memory_usage{type="pod_container"}[10m])',
  'avg(heapster_cpu_usage_rate{type="node"})',
  'max by (nodename) (heapster_memory_usage{type="pod"})',
  'min(heapster_cpu_node_utilization)',
  'count by (type) ({__name__=~"heapster_memory_(usage|rss)", type=~"pod|node"})',
  'sum(rate(heapster_cpu_usage{type="pod_container",namespace_name!="kube-system"}[5m])) by (namespace_name)',
  'avg_over_time(heapster_cpu_usage_rate{type="node"}[5m])',
  'max_over_time(heapster_memory_working_set{type="pod", pod_name!~"kube-.*"}[4m])',
  'heapster_filesystem_usage{type="node"}',
];

test('query_range: an aggregation computed for every step at once answers as one computed step by step', async () => {
  const history = new ArchiveHistory(archive, {});
  const [first, last] = [stamps[0]!, stamps.at(-1)!];
  let aggregations = 0;
  for (const query of QUERIES) {
    const e = parsePromql(query);
    if (e.kind === 'aggregate') aggregations++;
    for (const [start, end, step] of [[first, last, RES], [first - 200_000, last + 320_000, 20_000]] as const) {
      assert.equal(await rangeQuery(history, e, start, end, step), await rangeQuery(history, e, start, end, step, 0), `${query} [${start}, ${end}, ${step}]`);
    }
  }
  assert.ok(aggregations >= 5, `${aggregations} aggregations asked`);
});

test('query_range: the same PromQL asked of serve --prometheus and of a real Prometheus 2.42 fed the recording by remote write gives the same series, times and values', async () => {
  const first = stamps[0]! / 1000, last = stamps.at(-1)! / 1000;
  for (const query of QUERIES) {
    // the last window begins before the first sample and ends after the lookback of the last: steps
    // outside a series' own span answer nothing for it
    for (const [start, end, step] of [[first, last, RES / 1000], [first + 15, last + 400, 45], [first - 200, last + 320, 20]] as const) {
      const params = { query, start: String(start), end: String(end), step: String(step) };
      sameAnswer(await ask(ours, 'query_range', params), await ask(prom.url, 'query_range', params), `${query} [${start}, ${end}, ${step}]`);
    }
  }
});

test('query: instant answers equal Prometheus\'s at a sample\'s time, between samples, and past the end within the 5-minute lookback; RFC 3339 times too', async () => {
  for (const query of QUERIES) {
    for (const t of [stamps[6]! / 1000, stamps[6]! / 1000 + 20, stamps.at(-1)! / 1000 + 200]) {
      // past the end, a range shorter than the distance holds nothing, in either
      sameAnswer(await ask(ours, 'query', { query, time: String(t) }), await ask(prom.url, 'query', { query, time: String(t) }), `${query} @${t}`, t > stamps.at(-1)! / 1000);
    }
  }
  const iso = new Date(stamps[3]!).toISOString();
  sameAnswer(await ask(ours, 'query', { query: QUERIES[0]!, time: iso }), await ask(prom.url, 'query', { query: QUERIES[0]!, time: iso }), `${QUERIES[0]} @${iso}`);
  // a range selector in an instant query is the raw samples
  const q = 'heapster_memory_usage{type="cluster"}[3m]';
  sameAnswer(await ask(ours, 'query', { query: q, time: String(stamps[8]! / 1000) }), await ask(prom.url, 'query', { query: q, time: String(stamps[8]! / 1000) }), q);
});

test('series, labels and label values list what Prometheus lists for the same data', async () => {
  const w = { start: String(stamps[0]! / 1000), end: String(stamps.at(-1)! / 1000) };
  for (const match of ['heapster_memory_usage{type="pod"}', '{__name__=~"heapster_cpu_.*",nodename="node-01"}']) {
    const [a, b] = [await ask(ours, 'series', { 'match[]': match, ...w }), await ask(prom.url, 'series', { 'match[]': match, ...w })];
    const sorted = (d: any) => d.data.map((m: any) => JSON.stringify(Object.entries(m).sort())).sort();
    assert.ok(b.data.length > 0, match);
    assert.equal(sorted(a), sorted(b), match);
  }
  // two match[] at once: each series once, in Prometheus's own order
  const both = { ...w, 'match[]': ['heapster_memory_usage{type="node"}', '{__name__=~"heapster_cpu_.*",nodename="node-01"}'] };
  const listed = async (base: string) => (await ask(base, 'series', both)).data.map((m: any) => JSON.stringify(Object.entries(m).sort()));
  const [mine, theirs] = [await listed(ours), await listed(prom.url)];
  assert.ok(theirs.length > 2);
  assert.equal(mine, theirs);
  const labels = async (base: string) => (await ask(base, 'labels', w)).data;
  assert.equal(await labels(ours), await labels(prom.url));
  // without match[], made from the window's entities, metrics and filesystems: each part of a label set checked
  for (const name of ['namespace_name', '__name__', 'type', 'pod_name', 'resource_id', 'container_base_image']) {
    const values = async (base: string) => (await ask(base, `label/${name}/values`, w)).data;
    assert.equal(await values(ours), await values(prom.url), name);
  }
  // label values of a selector: from the columns alone when it names only column labels (the first
  // five), from each series' labels otherwise (the last two name labels the pod objects give)
  for (const [name, match] of [
    ['pod_name', 'heapster_memory_usage{namespace_name="kube-system"}'],
    ['nodename', '{__name__=~"heapster_cpu_usage(_rate)?", type!="node", namespace_name=~"web|spark-cluster"}'],
    ['resource_id', 'heapster_filesystem_usage{type="pod_container", cluster_name="default"}'],
    ['type', '{__name__=~"heapster_memory_.*", nodename="node-01", pod_name!~"api-.*"}'],
    ['container_name', '{__name__="heapster_memory_usage", container_name!=""}'],
    ['pod_name', 'heapster_memory_usage{type="pod", labels=~".+:.+"}'],
    ['container_base_image', 'heapster_memory_usage{type="pod_container"}'],
  ]) {
    const matched = async (base: string) => (await ask(base, `label/${name}/values`, { ...w, 'match[]': match! })).data;
    const [mine, theirs] = [await matched(ours), await matched(prom.url)];
    assert.ok(theirs.length > 0, `${name} of ${match}: Prometheus lists some`);
    assert.equal(mine, theirs, `${name} of ${match}`);
  }
  // a label name that is also an object's own property is no column, and names no label here
  for (const [name, match] of [['constructor', 'heapster_memory_usage{type="pod"}'], ['pod_name', 'heapster_memory_usage{constructor=""}']]) {
    const values = async (base: string) => (await ask(base, `label/${name}/values`, { ...w, 'match[]': match! })).data;
    assert.equal(await values(ours), await values(prom.url), `${name} of ${match}`);
  }
  // minutes between two batches: the tick files read exactly hold no series there
  const between = { start: String(stamps[3]! / 1000 + 1), end: String(stamps[4]! / 1000 - 1) };
  assert.equal((await ask(ours, 'label/pod_name/values', between)).data, [], 'ticks: nothing between two batches');
  // compacted, the listings come from the day's series index, and still list what Prometheus lists
  const compacted = await cli(['archive', 'compact', '--archive', dir], env, 120_000);
  assert.is(compacted.code, 0, compacted.stderr);
  const index = await cli(['archive', 'verify', '--archive', dir], env);
  assert.is(index.code, 0, index.stdout + index.stderr);
  assert.ok(readdirSync(path.join(dir, 'series'), { recursive: true }).some((f) => String(f).endsWith('.parquet')), 'a series index');
  assert.equal(await labels(ours), await labels(prom.url), 'compacted');
  for (const name of ['namespace_name', '__name__', 'pod_name', 'resource_id', 'container_base_image']) {
    assert.equal((await ask(ours, `label/${name}/values`, w)).data, (await ask(prom.url, `label/${name}/values`, w)).data, `compacted: ${name}`);
  }
  // only the index lists series between two batches: those of its hour, pods the recording has
  const fromIndex: string[] = (await ask(ours, 'label/pod_name/values', between)).data;
  const all: string[] = (await ask(prom.url, 'label/pod_name/values', w)).data;
  assert.ok(fromIndex.length > 0 && fromIndex.every((p) => all.includes(p)), `compacted: between two batches, ${fromIndex.length} pods`);
});

test('what Grafana asks besides: a POSTed form, 1+1, buildinfo, metadata; unsupported PromQL is a Prometheus-shaped 400 naming what is supported', async () => {
  const form = new URLSearchParams({ query: QUERIES[1]!, time: String(stamps[5]! / 1000) });
  const posted = await fetch(`${ours}/api/v1/query`, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  sameAnswer({ ...(await posted.json() as object), http: posted.status }, await ask(prom.url, 'query', Object.fromEntries(form)), 'POST');
  const two = await ask(ours, 'query', { query: '1+1', time: '100' });
  assert.equal(two.data, { resultType: 'scalar', result: [100, '2'] });
  const build = await ask(ours, 'status/buildinfo', {});
  assert.is(build.http, 200);
  assert.match(build.data.version, /^2\.\d+\.\d+$/);
  // the plugin's own version, which the bundled commands cannot find by a path relative to their file
  assert.is(build.data.revision, `kubectl-heapster ${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`);
  const meta = await ask(ours, 'metadata', {});
  assert.equal(meta.data.heapster_cpu_usage, [{ type: 'counter', help: "Heapster's cpu/usage", unit: '' }]);
  assert.is(meta.data.heapster_memory_usage[0].type, 'gauge');
  for (const query of ['heapster_memory_usage{type="pod"} / 2', 'topk(3, heapster_memory_usage)', 'heapster_memory_usage offset 5m', 'histogram_quantile(0.9, x)', 'sum without (pod_name) (heapster_memory_usage)']) {
    const r = await ask(ours, 'query', { query, time: '100' });
    assert.is(r.http, 400, query);
    assert.is(r.status, 'error');
    assert.is(r.errorType, 'bad_data');
    assert.match(r.error, /unsupported PromQL: .*; this server answers selectors/, query);
  }
  const parse = await ask(ours, 'query', { query: 'sum(', time: '100' });
  assert.is(parse.http, 400);
  assert.match(parse.error, /parse error/);
  assert.is((await ask(ours, 'query_range', { query: 'up', start: '1', end: '2' })).http, 400);
  // a bad start and a bad match[] at once: the start is the error, as Prometheus checks it first
  for (const api of ['series', 'labels', 'label/pod_name/values']) {
    const both = { 'match[]': 'rate(heapster_cpu_usage[5m])', start: 'bad' };
    const [mine, theirs] = [await ask(ours, api, both), await ask(prom.url, api, both)];
    assert.is(mine.http, 400, api);
    assert.is(theirs.http, 400, api);
    assert.match(mine.error, /^invalid parameter "start"/, `${api}: ${mine.error}`);
    assert.match(theirs.error, /^invalid parameter "start"/, `${api} (Prometheus): ${theirs.error}`);
  }
  const missing = await ask(ours, 'rules', {});
  assert.is(missing.http, 404);
});

test.run();

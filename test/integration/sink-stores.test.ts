import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { kubectl, pluginEnv } from '../helpers/run-cli.js';
import { recordedPoints, recordSim } from '../helpers/recorded.js';
import { startCarbon, startVictoria } from '../helpers/servers.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let dir: string;
let carbon: Awaited<ReturnType<typeof startCarbon>>;
let vm: Awaited<ReturnType<typeof startVictoria>>;
const env = pluginEnv();

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 4 });
  dir = (await recordSim(sim, 6)).archive.dir;
  [carbon, vm] = await Promise.all([startCarbon(sim.clock.t - 3_600_000), startVictoria()]);
});
test.after(async () => {
  await sim.close();
  await Promise.all([carbon?.stop(), vm?.stop()]);
});

async function recorded(target: string, metric: string): Promise<[number, number][]> {
  const points = (await recordedPoints(dir, target, metric)).map(([t, v]): [number, number] => [Date.parse(t) / 1000, v]);
  assert.ok(points.length >= 5, `${target} ${metric}: ${points.length} points`);
  return points;
}

/** Pushes the recording; returns how many samples the sink says it sent. */
async function push(sink: string): Promise<number> {
  const r = await kubectl(['heapster', 'sink', 'push', '--archive', dir, '--recording', 'sim', '--sink', sink], env, 120_000);
  assert.is(r.code, 0, r.stderr);
  const m = /: 6 batches, (\d+) samples in /.exec(r.stdout);
  assert.ok(m, r.stdout);
  return Number(m[1]);
}

/** Polls a store until it holds `n` points of a series (stores write behind their answer), then returns them. */
async function eventually(read: () => Promise<[number, number][]>, n: number, what: string): Promise<[number, number][]> {
  const t0 = Date.now();
  for (;;) {
    const got = await read().catch(() => []);
    if (got.length >= n || Date.now() - t0 > 30_000) return got;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A whisper file's points, read by whisper-fetch from python3-whisper, apart from carbon. */
function whisper(metricPath: string, from: number, until: number): [number, number][] {
  const file = path.join(carbon.whisper, `${metricPath.replace(/\./g, '/')}.wsp`);
  if (!existsSync(file)) return [];
  const doc = JSON.parse(execFileSync('whisper-fetch', ['--json', `--from=${from - 60}`, `--until=${until + 60}`, file], { encoding: 'utf8' }));
  return doc.values.map((v: number | null, i: number) => [doc.start + i * doc.step, v] as [number, number | null])
    .filter(([, v]: [number, number | null]) => v !== null);
}

const aPod = () => sim.workload.nodes.flatMap((n) => sim.workload.podsOn(n, sim.clock.t)).find((p) => p.namespace !== 'default')!;
/** Graphite carries floats as %f: six decimals. */
const six = (pts: [number, number][]): [number, number][] => pts.map(([t, v]) => [t, Number(v.toFixed(6))]);

test('graphite over TCP and UDP into the real carbon-cache: whisper-fetch reads back what query answers, at Heapster\'s paths', async () => {
  const overTcp = await push(`graphite:${carbon.url}`);
  let overUdp = 0;
  const p = aPod();
  const cases: [string, string, string][] = [
    ['nodes/node-01', 'cpu/usage_rate', 'kubernetes.nodes.node-01.cpu.usage_rate'],
    ['nodes/node-01', 'cpu/node_utilization', 'kubernetes.nodes.node-01.cpu.node_utilization'],
    [`namespaces/${p.namespace}`, 'memory/usage', `kubernetes.namespaces.${p.namespace}.memory.usage`],
    [`namespaces/${p.namespace}/pods/${p.name}`, 'memory/working_set', `kubernetes.nodes.${p.node}.pods.${p.namespace}.${p.name}.memory.working_set`],
    [`namespaces/${p.namespace}/pods/${p.name}`, 'memory/working_set', `udp.nodes.${p.node}.pods.${p.namespace}.${p.name}.memory.working_set`],
  ];
  for (const [target, metric, metricPath] of cases) {
    // UDP after carbon has written what TCP sent: a receiver still busy with that drops datagrams
    if (metricPath.startsWith('udp.')) overUdp = await push(`graphite:udp://127.0.0.1:${carbon.port}?prefix=udp`);
    const want = six(await recorded(target, metric));
    const got = await eventually(async () => whisper(metricPath, want[0]![0], want.at(-1)![0]), want.length, metricPath);
    if (!metricPath.startsWith('udp.')) assert.equal(got, want, metricPath);
    else {
      // UDP is never acknowledged: carbon-cache, busy on a loaded machine, dropped a third of one
      // path's datagrams on CI. So every line is sent (as many as over TCP), and what arrives is exact
      assert.is(overUdp, overTcp);
      assert.ok(got.length >= 1, `${metricPath}: none of ${want.length} points arrived`);
      for (const p of got) assert.ok(want.some((w) => w[0] === p[0] && w[1] === p[1]), `${metricPath}: ${p} is not recorded`);
    }
  }
});

test('opentsdb /api/put into the real VictoriaMetrics: Heapster\'s names and tags, the values query answers', async () => {
  await push(`opentsdb:${vm.opentsdbUrl}`);
  const p = aPod();
  const cases: [string, string, string][] = [
    ['nodes/node-02', 'memory/working_set', '{__name__="memory_working_set_gauge",type="node",nodename="node-02",cluster="k8s-cluster"}'],
    [`namespaces/${p.namespace}/pods/${p.name}`, 'cpu/usage_rate', `{__name__="cpu_usage_rate_gauge",type="pod",pod_name="${p.name}"}`],
    ['nodes/node-01', 'cpu/usage', '{__name__="cpu_usage_cumulative",type="node",nodename="node-01"}'],
  ];
  for (const [target, metric, match] of cases) {
    const want = await recorded(target, metric);
    const got = await eventually(async () => {
      const text = await (await fetch(`${vm.url}/api/v1/export?match[]=${encodeURIComponent(match)}`)).text();
      const lines = text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      assert.ok(lines.length <= 1, `${match}: ${lines.length} series`);
      return lines.length ? lines[0].timestamps.map((t: number, i: number) => [t / 1000, lines[0].values[i]]) : [];
    }, want.length, match);
    assert.equal(got, want, match);
  }
});

test('prometheus remote write into the real VictoriaMetrics: PromQL there answers what query answers', async () => {
  await push(`prometheus:${vm.url}/api/v1/write`);
  const p = aPod();
  const cases: [string, string, string][] = [
    [`namespaces/${p.namespace}`, 'memory/usage', `heapster_memory_usage{type="ns",namespace_name="${p.namespace}",cluster_name="default"}`],
    [`namespaces/${p.namespace}/pods/${p.name}`, 'cpu/usage_rate', `heapster_cpu_usage_rate{type="pod",pod_name="${p.name}"}`],
    ['nodes/node-01', 'memory/node_utilization', 'heapster_memory_node_utilization{type="node",nodename="node-01"}'],
  ];
  for (const [target, metric, expr] of cases) {
    const want = await recorded(target, metric);
    // VictoriaMetrics makes samples searchable a moment after taking them, and an instant query
    // before then answers with the sample before: wait until all are stored, then ask PromQL
    await eventually(async () => {
      const text = await (await fetch(`${vm.url}/api/v1/export?match[]=${encodeURIComponent(expr)}`)).text();
      return text.trim() ? JSON.parse(text.trim().split('\n')[0]!).timestamps : [];
    }, want.length, expr);
    const got: [number, number][] = [];
    for (const [t] of want) {
      const doc: any = await (await fetch(`${vm.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${t}`)).json();
      assert.is(doc.data.result.length, 1, `${expr}: ${JSON.stringify(doc)}`);
      got.push([t, Number(doc.data.result[0].value[1])]);
    }
    // VictoriaMetrics keeps a float as a decimal of about 12 significant digits
    assert.equal(got.map(([t]) => t), want.map(([t]) => t), expr);
    for (const [i, [, v]] of got.entries()) assert.ok(Math.abs(v - want[i]![1]) <= 1e-11 * Math.abs(want[i]![1]), `${expr}: ${v} vs ${want[i]![1]}`);
  }
});

test.run();

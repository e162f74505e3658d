import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectRecordings, type Archive } from '../../src/archive/index.js';
import { ArchiveHistory } from '../../src/query/index.js';
import { goTime } from '../../src/render/index.js';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { podMemoryUsage, workingSet } from '../../src/simulator/stats.js';
import { nodeKey, podContainerKey, newMetricSet, type Batch } from '../../src/model/index.js';
import { tempArchive, writeBatches } from '../helpers/archive.js';
import { podsAt, recordSim, scrapedAt } from '../helpers/recorded.js';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let archive: Archive;
let stamps: number[];
let server: RunningServer;

test.before(async () => {
  sim = await testSim({ seed: 4, nodes: 3, podsPerNode: 8 });
  ({ archive, stamps } = await recordSim(sim, 12));
  server = await startServer({ history: new ArchiveHistory(archive, {}), address: '127.0.0.1', port: 0 });
});
test.after(async () => {
  await server.close();
  await sim.close();
});

async function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string; json: () => any }> {
  const r = await fetch(`${server.url}${p}`, { headers });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
}
const nsMemory = (ns: string, ts: number) => podsAt(sim, scrapedAt(ts)).filter(({ p }) => p.namespace === ns).reduce((s, { p, tt }) => s + podMemoryUsage(p, tt), 0);

// ---
test("the seed's example: a namespace's memory/usage over a window, both ends inclusive", async () => {
  const [a, b] = [stamps[2]!, stamps[4]!];
  const r = await get(`/api/v1/model/namespaces/spark-cluster/metrics/memory/usage?start=${goTime(a)}&end=${goTime(b)}`);
  assert.is(r.status, 200);
  assert.match(r.type, 'application/json');
  assert.equal(r.json(), {
    metrics: [2, 3, 4].map((i) => ({ timestamp: goTime(stamps[i]!), value: nsMemory('spark-cluster', stamps[i]!) })),
    latestTimestamp: goTime(b),
  });
});

test('aliases, trailing slashes and greedy metric names with slashes', async () => {
  const a = await get('/api/v1/model/namespaces/web/metrics/memory-usage/');
  const b = await get('/api/v1/model/namespaces/web/metrics/memory/usage');
  assert.is(a.status, 200);
  assert.equal(a.json(), b.json());
  assert.is(a.json().metrics.length, stamps.length);
});

test('listings: namespaces, nodes, pods, containers, free containers, metric names', async () => {
  const newest = podsAt(sim, scrapedAt(stamps.at(-1)!)).map((x) => x.p);
  assert.equal((await get('/api/v1/model/namespaces/')).json().sort(), [...new Set(newest.map((p) => p.namespace))].sort());
  assert.equal((await get('/api/v1/model/nodes')).json().sort(), sim.workload.nodes.map((n) => n.name));
  const web = newest.filter((p) => p.namespace === 'web');
  assert.equal((await get('/api/v1/model/namespaces/web/pods')).json().sort(), web.map((p) => p.name).sort());
  assert.equal((await get(`/api/v1/model/namespaces/web/pods/${web[0]!.name}/containers`)).json().sort(), web[0]!.containers.map((c) => c.name).sort());
  assert.equal((await get('/api/v1/model/nodes/node-01/freecontainers')).json().sort(), ['docker-daemon', 'kubelet', 'pods']);
  const names = (await get('/api/v1/model/nodes/node-01/metrics')).json();
  assert.ok(names.includes('cpu/usage_rate') && names.includes('memory/node_utilization'));
  assert.not.ok(names.includes('filesystem/usage'), 'labeled metrics are not listed');
  assert.ok((await get('/api/v1/model/debug/allkeys')).json().includes('namespace:web'));
});

test('labeled metrics need an exact label set; floatValue beside the truncated value', async () => {
  const plain = (await get('/api/v1/model/nodes/node-01/metrics/filesystem/usage')).json();
  assert.equal(plain.metrics, [], 'without labels only plain values are searched');
  const root = (await get('/api/v1/model/nodes/node-01/metrics/filesystem/usage?labels=resource_id:/')).json();
  assert.is(root.metrics.length, stamps.length);
  const util = (await get('/api/v1/model/nodes/node-01/metrics/memory/node_utilization')).json();
  assert.is(util.metrics[0].value, 0);
  assert.ok(util.metrics[0].floatValue > 0 && util.metrics[0].floatValue < 1);
});

test('pod-list keeps request order and duplicates, unknown pods give empty items, on one line', async () => {
  const web = podsAt(sim, scrapedAt(stamps.at(-1)!)).map((x) => x.p).filter((p) => p.namespace === 'web');
  const r = await get(`/api/v1/model/namespaces/web/pod-list/${web[0]!.name},nope,${web[0]!.name}/metrics/memory/working_set`);
  assert.not.match(r.text, '\n');
  const items = r.json().items;
  assert.is(items.length, 3);
  assert.equal(items[0], items[2]);
  assert.equal(items[1], { metrics: [], latestTimestamp: '0001-01-01T00:00:00Z' });
  const ws = web[0]!.containers.reduce((s, c) => s + workingSet(c, sim.workload.statsTime(sim.workload.node(web[0]!.node)!, scrapedAt(stamps.at(-1)!))), 1 << 20);
  assert.is(items[0].metrics.at(-1).value, ws);
});

test('historical: aggregations, pod-id routes, and the aggregated pod-list', async () => {
  const start = goTime(stamps[0]! - 1);
  const agg = (await get(`/api/v1/historical/namespaces/web/metrics-aggregated/max,min,count,95-perc/memory/usage?start=${start}&bucket=5m`)).json();
  assert.is(agg.bucketSize, 300e9);
  const values = stamps.map((ts) => ({ ts, v: nsMemory('web', ts) }));
  for (const b of agg.buckets) {
    const inB = values.filter((x) => x.ts >= Date.parse(b.timestamp) && x.ts < Date.parse(b.timestamp) + 300_000).map((x) => x.v);
    assert.is(b.count, inB.length);
    assert.equal(b.maximum, { intValue: Math.max(...inB) });
    assert.equal(b.minimum, { intValue: Math.min(...inB) });
  }
  assert.is(agg.buckets.reduce((s: number, b: any) => s + b.count, 0), stamps.length);
  const pod = podsAt(sim, scrapedAt(stamps.at(-1)!))[0]!.p;
  const byUid = (await get(`/api/v1/historical/pod-id/${pod.uid}/metrics/memory/working_set?start=${start}`)).json();
  const byName = (await get(`/api/v1/historical/namespaces/${pod.namespace}/pods/${pod.name}/metrics/memory/working_set?start=${start}`)).json();
  assert.ok(byUid.metrics.length > 0);
  assert.equal(byUid, byName);
  const list = (await get(`/api/v1/historical/pod-id-list/${pod.uid},${pod.uid}/metrics-aggregated/average/memory/working_set?start=${start}`)).json();
  assert.is(list.items.length, 2);
});

test("errors as Heapster's: status codes and plain-text bodies", async () => {
  const cases: [string, number, string][] = [
    ['/api/v1/model/namespaces/web/metrics/memory/usage?start=abc', 400, 'timestamp argument cannot be parsed: parsing time "abc" as "2006-01-02T15:04:05Z07:00": cannot parse "abc" as "2006"'],
    ['/api/v1/model/namespaces/web/metrics/memory/usage?labels=foo', 400, 'invalid label pair "foo"'],
    ['/api/v1/historical/namespaces/web/metrics/memory/usage', 400, 'no start time (or a start time of zero) provided'],
    ['/api/v1/historical/namespaces/web/metrics-aggregated/max/memory/usage?start=2020-01-01T00:00:00Z&bucket=1', 400, 'unable to parse bucket size: "1" is too short to be a duration'],
    ['/api/v1/historical/namespaces/web/metrics-aggregated/max/memory/usage?start=2020-01-01T00:00:00Z&bucket=1g', 400, 'unable to parse bucket size: "1g" has no known duration suffix'],
    ['/api/v1/historical/namespaces/web/metrics-aggregated/max/memory/usage?start=2020-01-01T00:00:00Z&bucket=abcm', 400, 'unable to parse bucket size: strconv.ParseUint: parsing "abc": invalid syntax'],
    ['/api/v1/historical/namespaces/web/metrics-aggregated/p42/memory/usage?start=2020-01-01T00:00:00Z', 400, 'Unknown aggregation "p42"'],
    ['/api/v1/nothing/here', 404, '404: Page Not Found'],
  ];
  for (const [p, status, body] of cases) {
    const r = await get(p);
    assert.is(r.status, status, p);
    assert.is(r.text, body, p);
    assert.match(r.type, 'text/plain');
  }
  const unknownModel = await get('/api/v1/model/namespaces/web/metrics/no/such');
  assert.is(unknownModel.status, 200);
  assert.equal(unknownModel.json(), { metrics: [], latestTimestamp: '0001-01-01T00:00:00Z' });
  const unknownHistorical = await get(`/api/v1/historical/namespaces/web/metrics/no/such?start=${goTime(stamps[0]!)}`);
  assert.is(unknownHistorical.status, 500);
  assert.match(unknownHistorical.text, 'No results for metric "no/such"');
  const post = await fetch(`${server.url}/api/v1/model/namespaces`, { method: 'POST' });
  assert.is(post.status, 405);
});

test('metric-export and its schema', async () => {
  const schema = (await get('/api/v1/metric-export-schema')).json();
  assert.ok(schema.metrics.some((m: any) => m.name === 'memory/usage' && m.type === 'gauge' && m.value_type === 'int64' && m.units === 'bytes'));
  const exp = (await get('/api/v1/metric-export')).json();
  const node = exp.find((t: any) => t.labels.container_name === 'machine' && t.labels.nodename === 'node-01');
  assert.ok(node.metrics['memory/usage'].length === 1);
  assert.not.ok('cpu/usage_rate' in node.metrics, 'no rates in the export');
});

test('a token is required when set; TLS with a client CA checks client certificates', async () => {
  const secured = await startServer({ history: new ArchiveHistory(archive, {}), address: '127.0.0.1', port: 0, token: 's3cret' });
  try {
    assert.is((await fetch(`${secured.url}/api/v1/model/namespaces`)).status, 401);
    assert.is((await fetch(`${secured.url}/api/v1/model/namespaces`, { headers: { Authorization: 'Bearer wrong' } })).status, 401);
    assert.is((await fetch(`${secured.url}/api/v1/model/namespaces`, { headers: { Authorization: 'Bearer s3cret' } })).status, 200);
  } finally {
    await secured.close();
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-tls-'));
  const f = (n: string, s: string) => (writeFileSync(path.join(dir, n), s), path.join(dir, n));
  const tls = await startServer({
    history: new ArchiveHistory(archive, {}), address: '127.0.0.1', port: 0,
    tlsCertFile: f('tls.crt', sim.certs.server.cert), tlsKeyFile: f('tls.key', sim.certs.server.key), clientCaFile: f('ca.crt', sim.certs.ca.cert),
  });
  const call = (cert?: { cert: string; key: string }) => new Promise<number>((resolve) => {
    const req = https.get(`${tls.url}/api/v1/model/namespaces`, { ca: sim.certs.ca.cert, ...(cert ?? {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
  });
  try {
    assert.is(await call(), -1, 'no client certificate: the handshake is refused');
    assert.is(await call(sim.certs.clients.viewer), 200);
  } finally {
    await tls.close();
  }
});

test('the real kubectl top shows the recorded minute', async () => {
  const env = pluginEnv();
  const pods = await kubectl(['--server', server.url, 'top', 'pods', '-A', '--no-headers'], env);
  assert.is(pods.code, 0, pods.stderr);
  const rows = pods.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  const t = stamps.at(-1)!;
  const alive = podsAt(sim, scrapedAt(t));
  assert.ok(rows.length >= alive.length - 3, `${rows.length} rows for ${alive.length} pods`);
  for (const [ns, name, , mem] of rows) {
    const hit = alive.find((x) => x.p.namespace === ns && x.p.name === name);
    assert.ok(hit, `${ns}/${name} ran at the shown minute`);
    const ws = hit!.p.containers.reduce((s, c) => s + workingSet(c, hit!.tt), 0);
    assert.is(mem, `${Math.floor(ws / 2 ** 20)}Mi`, `${name} memory`);
  }
  const nodes = await kubectl(['--server', server.url, 'top', 'nodes', '--no-headers'], env);
  assert.is(nodes.code, 0, nodes.stderr);
  assert.equal(nodes.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort(), sim.workload.nodes.map((n) => n.name));
  assert.not.match(nodes.stdout, '<unknown>');
});

test('the Resource Metrics API answers from the newest batch only, with its timestamp and the recording\'s window', async () => {
  // recorded finer than the kubelet refreshes: the newest batch's stats had not moved, so no cpu/usage_rate
  const t0 = Date.UTC(2026, 0, 1, 10), t1 = t0 + 60_000;
  const batchAt = (t: number, cpu: number | undefined, nodeWs: number, ctrWs: number, gone = false): Batch => {
    const node = newMetricSet(nodeKey('n1'), 'node', { type: 'node', nodename: 'n1', hostname: 'n1', host_id: '' });
    const ctr = newMetricSet(podContainerKey('web', 'p1', 'c1'), 'pod_container', {
      type: 'pod_container', nodename: 'n1', hostname: 'n1', host_id: '', pod_id: 'u1', pod_name: 'p1', namespace_name: 'web', container_name: 'c1',
    });
    const old = newMetricSet(podContainerKey('web', 'p0', 'c1'), 'pod_container', {
      type: 'pod_container', nodename: 'n1', hostname: 'n1', host_id: '', pod_id: 'u0', pod_name: 'p0', namespace_name: 'web', container_name: 'c1',
    });
    for (const set of [node, ctr, old]) {
      set.values.set('memory/working_set', set === node ? nodeWs : ctrWs);
      if (cpu !== undefined) set.values.set('cpu/usage_rate', set === node ? cpu : cpu / 5);
    }
    return { timestamp: t, sets: new Map([[node.key, node], [ctr.key, ctr], ...(gone ? [] : [[old.key, old] as const])]) };
  };
  const fine = await tempArchive();
  await writeBatches(fine, 'fine', [batchAt(t0, 250, 2 ** 30, 100 * 2 ** 20), batchAt(t1, 300, 2 * 2 ** 30, 200 * 2 ** 20, true)]);
  const s = await startServer({ history: new ArchiveHistory(fine, {}), address: '127.0.0.1', port: 0 });
  try {
    const nodes = await (await fetch(`${s.url}/apis/metrics.k8s.io/v1beta1/nodes`)).json() as any;
    assert.equal(nodes.items.map((i: any) => [i.metadata.name, i.usage.cpu, i.usage.memory, i.timestamp, i.window]), [['n1', '300m', `${2 * 2 ** 20}Ki`, goTime(t1), '1m0s']]);
    const pods = await (await fetch(`${s.url}/apis/metrics.k8s.io/v1beta1/namespaces/web/pods`)).json() as any;
    // p0 is not in the newest batch: left out, not shown with its value of a minute before
    assert.equal(pods.items.map((i: any) => [i.metadata.name, i.containers[0].usage.cpu, i.containers[0].usage.memory, i.timestamp]), [['p1', '60m', `${200 * 2 ** 10}Ki`, goTime(t1)]]);
  } finally {
    await s.close();
  }
  // and a newest batch without rates shows nothing rather than an older rate
  const norate = await tempArchive();
  await writeBatches(norate, 'norate', [batchAt(t0, 250, 2 ** 30, 100 * 2 ** 20), batchAt(t1, undefined, 2 * 2 ** 30, 200 * 2 ** 20)]);
  const s2 = await startServer({ history: new ArchiveHistory(norate, {}), address: '127.0.0.1', port: 0 });
  try {
    assert.equal(((await (await fetch(`${s2.url}/apis/metrics.k8s.io/v1beta1/nodes`)).json()) as any).items, []);
  } finally {
    await s2.close();
  }
});

test('kubectl top -l and --field-selector narrow nodes and pods, as metrics-server does', async () => {
  const env = pluginEnv();
  const zoneA = sim.workload.nodes.filter((n) => n.index % 3 === 0).map((n) => n.name);
  const nodes = await kubectl(['--server', server.url, 'top', 'nodes', '-l', 'topology.kubernetes.io/zone=sim-zone-a', '--no-headers'], env);
  assert.is(nodes.code, 0, nodes.stderr);
  assert.equal(nodes.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), zoneA);
  const t = stamps.at(-1)!;
  const web = podsAt(sim, scrapedAt(t)).filter(({ p }) => p.namespace === 'web');
  const app = web[0]!.p.app;
  const byLabel = await kubectl(['--server', server.url, 'top', 'pods', '-n', 'web', '-l', `app=${app}`, '--no-headers'], env);
  assert.is(byLabel.code, 0, byLabel.stderr);
  assert.equal(byLabel.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]).sort(), web.filter(({ p }) => p.app === app).map(({ p }) => p.name).sort());
  const node = web[0]!.p.node;
  const onNode = await (await fetch(`${server.url}/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3D${node}`)).json() as any;
  const expected = podsAt(sim, scrapedAt(t)).filter(({ p }) => p.node === node).map(({ p }) => p.name).sort();
  assert.equal(onNode.items.map((i: any) => i.metadata.name).sort(), expected);
  const bad = await fetch(`${server.url}/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=status.phase%3DRunning`);
  assert.is(bad.status, 400);
  assert.is(await bad.text(), 'field label not supported: status.phase');
});

test('under --live: /healthz fails when the newest batch is three resolutions old, and before the first batch metrics answer 503 saying when', async () => {
  const newest = stamps.at(-1)!;
  const at = (now: number) => startServer({ history: new ArchiveHistory(archive, {}), address: '127.0.0.1', port: 0, now: () => now, live: { resolutionMs: 60_000, firstBatchBy: () => now + 5000 } });
  const fresh = await at(newest + 2 * 60_000);
  const stale = await at(newest + 3 * 60_000 + 1000);
  try {
    assert.is((await fetch(`${fresh.url}/healthz`)).status, 200);
    const r = await fetch(`${stale.url}/healthz`);
    assert.is(r.status, 500);
    assert.is(await r.text(), 'the newest batch is 181s old, more than three resolutions (180s)');
  } finally {
    await fresh.close();
    await stale.close();
  }
  const empty = await tempArchive();
  const first = Date.UTC(2026, 0, 1, 10, 1, 5);
  const waiting = await startServer({ history: new ArchiveHistory(empty, {}), address: '127.0.0.1', port: 0, live: { resolutionMs: 60_000, firstBatchBy: () => first } });
  try {
    const m = await fetch(`${waiting.url}/apis/metrics.k8s.io/v1beta1/nodes`);
    assert.is(m.status, 503);
    assert.is(((await m.json()) as any).message, `no batch recorded yet; the first is expected by ${goTime(first)}`);
    assert.is((await fetch(`${waiting.url}/healthz`)).status, 503);
  } finally {
    await waiting.close();
  }
});

test('serve --at outside every recorded window is refused at start, naming the recorded range', async () => {
  const r = await cli(['serve', '--archive', archive.dir, '--port', '0', '--at', '2020-01-01T00:00:00Z'], pluginEnv());
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim(), `error: --at 2020-01-01T00:00:00Z is outside every recorded window; recorded: sim ${goTime(stamps[0]!)} to ${goTime(stamps.at(-1)!)}`);
});

test('serve says in one line when it cannot listen or read its TLS files', async () => {
  const env = pluginEnv();
  const busy = await cli(['serve', '--archive', archive.dir, '--port', new URL(server.url).port], env);
  assert.is(busy.code, 2);
  assert.is(busy.stderr.trim(), `error: 127.0.0.1:${new URL(server.url).port} is in use by another program; pick another --port (0: any free port)`);
  // with --live, nothing is recorded when it cannot listen
  const before = await archive.catalog(true, (con) => selectRecordings(con));
  const busyLive = await cli(['serve', '--live', '--archive', archive.dir, '--port', new URL(server.url).port, '--kubeconfig', sim.kubeconfigPath], env);
  assert.is(busyLive.code, 2, busyLive.stderr);
  assert.equal((await archive.catalog(true, (con) => selectRecordings(con))).map((r) => r.name), before.map((r) => r.name));
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-badtls-'));
  const missing = await cli(['serve', '--archive', archive.dir, '--port', '0', '--tls-cert-file', path.join(dir, 'none.crt'), '--tls-private-key-file', path.join(dir, 'none.key')], env);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^error: cannot read --tls-cert-file \S+none.crt: no such file;/);
  const bad = path.join(dir, 'bad.pem');
  writeFileSync(bad, '-----BEGIN PRIVATE KEY-----\nNOT-A-KEY-SECRET\n-----END PRIVATE KEY-----\n');
  const unusable = await cli(['serve', '--archive', archive.dir, '--port', '0', '--tls-cert-file', bad, '--tls-private-key-file', bad], env);
  assert.is(unusable.code, 2);
  assert.match(unusable.stderr, /^error: the TLS files cannot be used: /);
  assert.is(unusable.stderr.trim().split('\n').length, 1);
  assert.not.match(unusable.stderr, 'NOT-A-KEY-SECRET');
});

test('no request can knock the server over: bad escapes, control characters, bad selectors, raw sockets', async () => {
  const cases: [string, number][] = [
    ['/%', 400], ['/api/v1/model/namespaces/%E0%A4%A', 400], ['/api/v1/model/namespaces/web%00/metrics', 400],
    ['/api/v1/model/namespaces/web/metrics/memory/usage?labels=a:%00', 400],
    ['/apis/metrics.k8s.io/v1beta1/pods?labelSelector=!!!', 400],
  ];
  for (const [p, status] of cases) {
    const r = await get(p);
    assert.is(r.status, status, p);
    assert.not.match(r.text, /SQL|Parser|Error:|at .*\.ts/, p);
  }
  // a request line no client library would send, straight on a socket
  const { connect } = await import('node:net');
  const port = Number(new URL(server.url).port);
  for (const line of ['GET /% HTTP/1.1', 'GET /api/v1/model/namespaces/%%% HTTP/1.1', 'GET http://x/%zz HTTP/1.1']) {
    await new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.end(`${line}\r\nHost: x\r\nConnection: close\r\n\r\n`));
      s.on('data', () => {});
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
  }
  assert.is((await get('/healthz')).status, 200, 'still serving after the bad requests');
});

test('authentication comes before anything in the request', async () => {
  const secured = await startServer({ history: new ArchiveHistory(archive, {}), address: '127.0.0.1', port: 0, token: 's3cret' });
  try {
    for (const p of ['/%', '/api/v1/model/namespaces/web%00', '/nothing', '/healthz']) {
      assert.is((await fetch(`${secured.url}${p}`)).status, 401, p);
    }
  } finally {
    await secured.close();
  }
});

test('serve refuses a public address without authentication', async () => {
  const r = await cli(['serve', '--archive', archive.dir, '--address', '0.0.0.0', '--port', '0'], pluginEnv());
  assert.is(r.code, 2);
  assert.match(r.stderr, /refusing to serve cluster data on 0.0.0.0 without authentication/);
  // TLS encrypts but lets anyone read: it is not authentication
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-tls-'));
  const f = (n: string, s: string) => (writeFileSync(path.join(dir, n), s), path.join(dir, n));
  const tlsOnly = await cli(['serve', '--archive', archive.dir, '--address', '0.0.0.0', '--port', '0',
    '--tls-cert-file', f('tls.crt', sim.certs.server.cert), '--tls-private-key-file', f('tls.key', sim.certs.server.key)], pluginEnv());
  assert.is(tlsOnly.code, 2);
  assert.match(tlsOnly.stderr, /without authentication; pass --token, or --client-ca-file/);
});

test.run();

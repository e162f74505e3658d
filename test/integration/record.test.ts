import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Archive, TickWriter, selectRecordings } from '../../src/archive/index.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../../src/cluster/index.js';
import { ArchiveHistory, parseTarget, runQuery } from '../../src/query/index.js';
import { runRecorder } from '../../src/record/index.js';
import { containerStart, podMemoryUsage, restartCount } from '../../src/simulator/stats.js';
import type { SimPod } from '../../src/simulator/index.js';
import { goTime } from '../../src/render/index.js';
import { tempArchive } from '../helpers/archive.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';
import { testSim, type TestSim } from '../helpers/sim.js';

const RES = 60_000, OFFSET = 5_000, TICKS = 20;
let sim: TestSim;
let archive: Archive;
let stamps: number[] = [];
const scrapeClock: number[] = [];
let firstBoundary = 0;

/** When the batch stamped `ts` was scraped: Heapster stamps the batch scraped just after boundary B with B. */
const scrapedAt = (ts: number) => ts + OFFSET;
const podsAt = (t: number) => sim.workload.nodes.flatMap((n) => sim.workload.podsOn(n, sim.workload.statsTime(n, t)).map((p) => ({ p, tt: sim.workload.statsTime(n, t) })));

test.before(async () => {
  sim = await testSim({ seed: 4, nodes: 3, podsPerNode: 10 });
  archive = await tempArchive();
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const client = await ApiClient.create(config);
  const writer = await TickWriter.start(archive, {
    name: 'sim', cluster: clusterIdentity(config), context: config.contextName, server: config.server,
    resolutionMs: RES, startedAt: sim.clock.t, status: 'recording', nodes: 0, ticks: 0,
  });
  // simulated time: the recorder's sleep moves the simulator's clock, so 20 minutes take a moment
  const start = sim.clock.t;
  const sum = await runRecorder({
    client, archive, writer, resolutionMs: RES, until: start + TICKS * RES, scope: {}, concurrency: 2,
    nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t,
    sleep: async (ms) => void (sim.clock.t += Math.max(0, ms)), signal: new AbortController().signal,
    onTick: (t) => {
      stamps.push(t.timestamp);
      scrapeClock.push(sim.clock.t);
    },
    // the clock jumps a minute per tick in an instant; a pod watch follows in real seconds
    objects: 'list',
  });
  client.close();
  await writer.finish('done');
  assert.is(sum.ticks, stamps.length);
  firstBoundary = Math.floor(start / RES) * RES + RES;
});
test.after(() => sim.close());

// ---
test('each batch is stamped with the boundary it was scraped after, never later than its scrape', () => {
  assert.is(stamps.length, TICKS, 'every boundary up to --until is a batch');
  assert.is(stamps[0], firstBoundary);
  for (let i = 0; i < stamps.length; i++) {
    assert.is(stamps[i]! % RES, 0);
    assert.ok(stamps[i]! <= scrapeClock[i]!, `stamp ${stamps[i]} after its scrape at ${scrapeClock[i]}`);
    assert.is(scrapeClock[i]! - stamps[i]!, OFFSET, 'scraped at the boundary plus the offset');
  }
  for (let i = 1; i < stamps.length; i++) assert.is(stamps[i]! - stamps[i - 1]!, RES);
});

test("namespace memory/usage at every tick equals the sum over the simulator's pods at the kubelet's stats time", async () => {
  const h = new ArchiveHistory(archive, { recording: 'sim' });
  for (const ns of ['web', 'spark-cluster', 'default']) {
    const r = await runQuery(h, { target: parseTarget(`namespaces/${ns}`, { namespace: 'default', allNamespaces: false }), metric: 'memory/usage', window: {} });
    if (r.kind !== 'series') throw new Error('series expected');
    const got = r.series[0]!.points;
    const expected = stamps.map((ts) => ({
      timestamp: ts,
      value: podsAt(scrapedAt(ts)).filter(({ p }) => p.namespace === ns).reduce((s, { p, tt }) => s + podMemoryUsage(p, tt), 0),
    })).filter((e) => e.value > 0);
    assert.equal(got, expected, ns);
  }
});

test('a restarted container has no rate at its restart tick, and its restart count steps up', async () => {
  const h = new ArchiveHistory(archive, { recording: 'sim' });
  const candidates = podsAt(scrapedAt(stamps[0]!)).filter(({ p }) => p.containers[0]!.restartEveryMs > 0);
  let checked = 0;
  for (const { p } of candidates) {
    const c = p.containers[0]!;
    const node = sim.workload.node(p.node)!;
    const starts = stamps.map((ts) => containerStart(p, c, sim.workload.statsTime(node, scrapedAt(ts))));
    const restartTick = starts.findIndex((s, i) => i > 0 && s !== starts[i - 1]);
    if (restartTick < 0 || !podsAt(scrapedAt(stamps[restartTick]!)).some((x) => x.p.uid === p.uid)) continue;
    const target = parseTarget(`namespaces/${p.namespace}/pods/${p.name}/containers/${c.name}`, { namespace: 'default', allNamespaces: false });
    const rate = await runQuery(h, { target, metric: 'cpu/usage_rate', window: {} });
    const counts = await runQuery(h, { target, metric: 'restart_count', window: {} });
    if (rate.kind !== 'series' || counts.kind !== 'series') throw new Error('series expected');
    const rateAt = new Set(rate.series[0]!.points.map((x) => x.timestamp));
    assert.not.ok(rateAt.has(stamps[restartTick]!), `no rate at the restart tick of ${p.name}`);
    assert.ok(rateAt.has(stamps[restartTick + 1] ?? -1) || restartTick === stamps.length - 1, 'rates resume a tick later');
    for (const pt of counts.series[0]!.points) assert.is(pt.value, restartCount(p, c, scrapedAt(pt.timestamp)));
    checked++;
  }
  assert.ok(checked >= 1, 'the seed has a restart inside the recording');
});

test('a pod that went away is in the archive exactly while it ran, and still listed for the window', async () => {
  const h = new ArchiveHistory(archive, { recording: 'sim' });
  const first = podsAt(scrapedAt(stamps[0]!)).map((x) => x.p);
  const last = new Set(podsAt(scrapedAt(stamps.at(-1)!)).map((x) => x.p.uid));
  const gone: SimPod[] = first.filter((p) => !last.has(p.uid));
  assert.ok(gone.length >= 1, 'the seed has a pod that ends inside the recording');
  for (const p of gone) {
    const r = await runQuery(h, { target: parseTarget(`namespaces/${p.namespace}/pods/${p.name}`, { namespace: 'default', allNamespaces: false }), metric: 'memory/usage', window: {} });
    if (r.kind !== 'series') throw new Error('series expected');
    const alive = stamps.filter((ts) => podsAt(scrapedAt(ts)).some((x) => x.p.uid === p.uid));
    assert.equal(r.series[0]!.points.map((x) => x.timestamp), alive);
    const listed = await runQuery(h, { target: parseTarget(`namespaces/${p.namespace}/pods`, { namespace: 'default', allNamespaces: false }), window: {} });
    assert.ok(listed.kind === 'names' && listed.names.includes(p.name));
  }
});

test('the CLI answers an archived window, inclusive at both ends, in the MetricResult shape', async () => {
  const env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  const [from, to] = [stamps[3]!, stamps[7]!];
  const r = await cli(['query', 'namespaces/web', 'memory/usage', '--archive', archive.dir, '--start', goTime(from), '--end', goTime(to), '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.metrics.map((m: any) => m.timestamp), stamps.slice(3, 8).map(goTime));
  assert.is(out.latestTimestamp, goTime(to));
  const expected = podsAt(scrapedAt(from)).filter(({ p }) => p.namespace === 'web').reduce((s, { p, tt }) => s + podMemoryUsage(p, tt), 0);
  assert.is(out.metrics[0].value, expected);
  const recs = await archive.catalog(true, (con) => selectRecordings(con));
  assert.is(recs[0]!.status, 'done');
  assert.is(recs[0]!.ticks, stamps.length);
});

test('bad input: one line, exit 2', async () => {
  const env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  const cases: [string[], RegExp][] = [
    [['query', 'ns/web', 'memory/usage', '--start', 'yesterday-ish'], /--start "yesterday-ish" is not a time/],
    [['query', 'ns/web', 'memory/usage', '--start', '-1h', '--end', '-2h'], /is before --start/],
    [['query', 'ns/web', 'memroy/usage'], /unknown metric "memroy\/usage"; did you mean memory\/usage/],
    [['query', 'ns/web', 'memory/usage', '--agg', 'p42'], /Unknown aggregation "p42"/],
    [['query', 'ns/web', 'memory/usage', '--recording', 'nope'], /no recording "nope"/],
  ];
  for (const [args, text] of cases) {
    const r = await cli([...args, '--archive', archive.dir], env);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, text);
  }
  // a window with nothing in it names what the archive holds
  const before = await cli(['query', 'ns/web', 'memory/usage', '--archive', archive.dir, '--start', '2020-01-01T00:00:00Z', '--end', '2020-01-01T01:00:00Z'], env);
  assert.is(before.code, 2, before.stderr);
  assert.is(before.stderr.trim(), `error: nothing recorded for namespace web memory/usage in the window 2020-01-01T00:00:00Z to 2020-01-01T01:00:00Z; recorded: sim ${goTime(stamps[0]!)} to ${goTime(stamps.at(-1)!)}`);
  const missing = await cli(['query', 'ns/web', 'memory/usage', '--archive', `${archive.dir}-nowhere`], env);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /no archive at .*-nowhere; add --live to scrape the cluster now, or record one with `kubectl heapster record`/);
});

test.run();

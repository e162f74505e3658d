import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { podWorkingSet } from '../../src/simulator/stats.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';
import { podsAt, recordSim, scrapedAt } from '../helpers/recorded.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let dir: string;
let stamps: number[];

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 6 });
  const rec = await recordSim(sim, 5);
  dir = rec.archive.dir;
  stamps = rec.stamps;
});
test.after(async () => sim.close());

test('top pods over a recording: each cell the window max of the working set, worked out from the seed, with a trend', async () => {
  const r = await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '-o', 'json'], pluginEnv());
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.source, 'archive');
  assert.is(doc.aggregation, 'max');
  const max = new Map<string, number>();
  for (const ts of stamps) {
    for (const { p, tt } of podsAt(sim, scrapedAt(ts))) {
      const k = `${p.namespace}/${p.name}`;
      max.set(k, Math.max(max.get(k) ?? 0, podWorkingSet(p, tt)));
    }
  }
  assert.is(doc.items.length, max.size);
  // a point a tick at least: the 5 ticks span 4 intervals, so 4 points, not 24 with gaps between
  const points = Math.floor((stamps.at(-1)! - stamps[0]!) / (stamps[1]! - stamps[0]!));
  assert.is(points, 4);
  const inEvery = new Set(stamps.map((ts) => new Set(podsAt(sim, scrapedAt(ts)).map(({ p }) => `${p.namespace}/${p.name}`)))
    .reduce((a, b) => [...a].filter((k) => b.has(k)), [...max.keys()]));
  assert.ok(inEvery.size > 0);
  for (const it of doc.items) {
    assert.is(it.memory.workingSetBytes, max.get(`${it.namespace}/${it.name}`), `${it.namespace}/${it.name}`);
    assert.is(it.trend.memory.length, points);
    // a pod in every tick has a point in every place of its trend
    if (inEvery.has(`${it.namespace}/${it.name}`)) assert.not.ok(it.trend.memory.includes(null), `${it.namespace}/${it.name} ${JSON.stringify(it.trend.memory)}`);
  }
  const table = await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '--sort-by', 'memory'], pluginEnv());
  assert.is(table.code, 0, table.stderr);
  assert.match(table.stdout.split('\n')[0]!, /MEMORY TREND\s+SEEN$/);
});

test('top with --archive and no window reads the whole archive, as --recording does, and needs no kubeconfig', async () => {
  const byRecording = await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '-o', 'json'], pluginEnv());
  const r = await cli(['top', 'pods', '-A', '--archive', dir, '-o', 'json'], pluginEnv({ KUBECONFIG: '/nonexistent/kubeconfig' }));
  assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.source, 'archive');
  const names = (d: { items: { namespace: string; name: string }[] }) => d.items.map((i) => `${i.namespace}/${i.name}`).sort();
  assert.equal(names(doc), names(JSON.parse(byRecording.stdout)));
  assert.is(doc.items.length, new Set(stamps.flatMap((ts) => podsAt(sim, scrapedAt(ts)).map(({ p }) => `${p.namespace}/${p.name}`))).size);
  const watch = await cli(['top', 'pods', '--archive', dir, '--watch'], pluginEnv());
  assert.is(watch.code, 2);
  assert.is(watch.stderr.trim(), 'error: --watch refreshes the live view; drop --watch to read the archive, or drop --archive to watch live');
});

test('the plain table, read without the network and ephemeral storage metrics, prints the working set the seed gives; sorting by a column of -o wide says to add it, and -o wide sorts by it', async () => {
  const max = new Map<string, number>();
  for (const ts of stamps) {
    for (const { p, tt } of podsAt(sim, scrapedAt(ts))) max.set(`${p.namespace}/${p.name}`, Math.max(max.get(`${p.namespace}/${p.name}`) ?? 0, podWorkingSet(p, tt)));
  }
  const r = await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '--no-headers'], pluginEnv());
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, max.size);
  for (const line of lines) {
    const [ns, name, , memory] = line.trim().split(/\s+/);
    assert.is(memory, `${Math.floor(max.get(`${ns}/${name}`)! / 1048576)}Mi`, line);
  }
  const rx = await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '--sort-by', 'rx'], pluginEnv());
  assert.is(rx.code, 2);
  assert.match(rx.stderr.trim(), /^error: --sort-by rx is a column of -o wide; add -o wide, or sort by one of: namespace, name, cpu\(cores\), cpu, memory\(bytes\), memory, mem, /);
  // with -o wide the network files are read, and the rows come largest rx first (rows without one last, as the code sorts)
  const wide = await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '-o', 'wide', '--sort-by', 'rx', '--no-headers'], pluginEnv());
  assert.is(wide.code, 0, wide.stderr);
  const json = JSON.parse((await cli(['top', 'pods', '-A', '--recording', 'sim', '--archive', dir, '-o', 'json'], pluginEnv())).stdout);
  const rxOf = new Map<string, number>(json.items.map((i: any) => [`${i.namespace}/${i.name}`, i.network?.rxBytesPerSecond ?? -Infinity]));
  const order = wide.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).join('/'));
  assert.ok(order.length > 1 && [...rxOf.values()].some((v) => v > 0));
  for (let i = 1; i < order.length; i++) assert.ok(rxOf.get(order[i - 1]!)! >= rxOf.get(order[i]!)!, `${order[i - 1]} before ${order[i]}`);
});

test('top namespaces --at: the batch at or before a time', async () => {
  const at = stamps[2]!;
  const r = await cli(['top', 'namespaces', '--at', new Date(at).toISOString(), '--archive', dir, '-o', 'json'], pluginEnv());
  assert.is(r.code, 0, r.stderr);
  const web = JSON.parse(r.stdout).items.find((i: any) => i.name === 'web');
  const expected = podsAt(sim, scrapedAt(at)).filter(({ p }) => p.namespace === 'web').reduce((s, { p, tt }) => s + podWorkingSet(p, tt), 0);
  assert.is(web.memory.workingSetBytes, expected);
  // one moment has no trend: not in the JSON, no column in the table
  assert.is(web.trend, undefined);
  const table = await cli(['top', 'namespaces', '--at', new Date(at).toISOString(), '--archive', dir], pluginEnv());
  assert.is(table.code, 0, table.stderr);
  assert.not.match(table.stdout, /TREND/);
  assert.match(table.stdout.split('\n')[0]!, /MEMORY\(bytes\)/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { load } from 'js-yaml';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/paths.js';
import { podWorkingSet } from '../../src/simulator/stats.js';
import { podsAt, recordSim, RES, scrapedAt } from '../helpers/recorded.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let env: NodeJS.ProcessEnv;
let dir: string;
let stamps: number[];

test.before(async () => {
  sim = await testSim({ nodes: 2, podsPerNode: 4 });
  env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
  const rec = await recordSim(sim, 3);
  dir = rec.archive.dir;
  stamps = rec.stamps;
});
test.after(async () => sim.close());

const KLOG = /^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ api-client\.ts\] GET (https:\/\/127\.0\.0\.1:\d+)(\/\S*) (\d{3}) [A-Za-z ]+ in \d+ milliseconds$/;

test('-v 6 logs every API request as kubectl does (method, URL, status, time); -v 8 adds each response size; no credential', async () => {
  const before = sim.server.log.length;
  const r = await kubectl(['heapster', 'query', 'nodes', 'memory/usage', '--live', '-v', '6'], env);
  assert.is(r.code, 0, r.stderr);
  const served = sim.server.log.slice(before).map((e) => `${e.path}${e.query} ${e.status}`);
  const logged = r.stderr.split('\n').filter((l) => l.includes('api-client.ts]'));
  assert.ok(logged.length >= 3, r.stderr);
  const seen = logged.map((l) => {
    const m = KLOG.exec(l);
    assert.ok(m, `not in kubectl's format: ${l}`);
    assert.is(m![1], sim.url.replace(/\/$/, ''));
    return `${m![2]} ${m![3]}`;
  });
  assert.equal(seen.sort(), served.sort(), 'one line for each request the API server answered');
  assert.ok(seen.some((s) => s.startsWith('/api/v1/nodes/node-01/proxy/stats/summary?only_cpu_and_memory=true 200')));
  assert.not.match(r.stderr, /Response Body/);
  const token = /token: (\S+)/.exec(sim.kubeconfig)![1]!;
  assert.not.ok(r.stderr.includes(token));

  const v8 = await cli(['query', 'nodes', 'memory/usage', '--live', '-v', '8'], env);
  assert.is(v8.code, 0, v8.stderr);
  const sizes = v8.stderr.split('\n').filter((l) => / Response Body: \d+ bytes/.test(l));
  assert.is(sizes.length, v8.stderr.split('\n').filter((l) => KLOG.test(l)).length, 'a size for every request');
  const quiet = await cli(['query', 'nodes', 'memory/usage', '--live'], env);
  assert.is(quiet.stderr, '', 'nothing logged without -v');
});

test('query: -o yaml is the -o json document; -o wide adds the exact value; CSV honours --no-headers', async () => {
  const base = ['query', 'pods', '-A', 'memory/usage', '--archive', dir];
  const [json, yaml, wide, csv, bare] = await Promise.all([
    cli([...base, '-o', 'json'], env), cli([...base, '-o', 'yaml'], env), cli([...base, '-o', 'wide'], env),
    cli([...base, '-o', 'csv'], env), cli([...base, '-o', 'csv', '--no-headers'], env),
  ]);
  for (const r of [json, yaml, wide, csv, bare]) assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(load(yaml.stdout), doc);
  const csvLines = csv.stdout.trim().split('\n');
  assert.is(csvLines[0], 'namespace,name,timestamp,memory/usage');
  assert.equal(bare.stdout.trim().split('\n'), csvLines.slice(1));
  const wideLines = wide.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
  assert.equal(wideLines[0], ['NAMESPACE', 'NAME', 'TIMESTAMP', 'MEMORY/USAGE', 'BYTES']);
  // the exact column is the JSON's value for the same pod and time
  for (const row of wideLines.slice(1)) {
    const item = doc.items.find((i: any) => i.namespace === row[0] && i.name === row[1]);
    const point = item.metrics.find((m: any) => m.timestamp === row[2]);
    assert.is(Number(row[4]), point.value, row.join(' '));
  }
  assert.is(wideLines.length - 1, csvLines.length - 1);
});

test('archive ls and info: -o json and -o yaml are one document with RFC 3339 times; -o wide has more columns', async () => {
  const [json, yaml, wide, info, infoYaml] = await Promise.all([
    cli(['archive', 'ls', '--archive', dir, '-o', 'json'], env), cli(['archive', 'ls', '--archive', dir, '-o', 'yaml'], env),
    cli(['archive', 'ls', '--archive', dir, '-o', 'wide'], env), cli(['archive', 'info', 'sim', '--archive', dir, '-o', 'json'], env),
    cli(['archive', 'info', 'sim', '--archive', dir, '-o', 'yaml'], env),
  ]);
  for (const r of [json, yaml, wide, info, infoYaml]) assert.is(r.code, 0, r.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(load(yaml.stdout), doc);
  assert.is(doc.kind, 'RecordingList');
  const [rec] = doc.items;
  const rfc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  assert.equal(rec.window, { start: rfc(stamps[0]!), end: rfc(stamps.at(-1)!) });
  assert.match(rec.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.is(rec.resolutionSeconds, RES / 1000);
  assert.is(rec.ticks, stamps.length);
  const head = wide.stdout.split('\n')[0]!.trim().split(/\s+/);
  assert.equal(head, ['NAME', 'CLUSTER', 'CONTEXT', 'SERVER', 'WINDOW', 'RESOLUTION', 'NODES', 'TICKS', 'SAMPLES', 'FILES', 'SIZE', 'GAPS', 'STATUS']);
  const one = JSON.parse(info.stdout);
  assert.equal(load(infoYaml.stdout), one);
  assert.is(one.kind, 'Recording');
  assert.equal(one.window, rec.window);
  assert.is(one.snapshots.reduce((n: number, s: any) => n + (s.kind === 'samples' ? s.rows : 0), 0), rec.samples);
});

test('metrics -o yaml is the -o json document; kubectl heapster help works, and names a mistyped command', async () => {
  const [json, yaml] = await Promise.all([cli(['metrics', '-o', 'json'], env), cli(['metrics', '-o', 'yaml'], env)]);
  assert.equal(load(yaml.stdout), JSON.parse(json.stdout));
  const help = await kubectl(['heapster', 'help'], env);
  assert.is(help.code, 0, help.stderr);
  for (const c of ['query', 'record', 'top', 'serve', 'export', 'archive']) assert.match(help.stdout, new RegExp(`\\n  ${c}\\s`));
  const top = await kubectl(['heapster', 'help', 'top'], env);
  assert.is(top.code, 0, top.stderr);
  assert.match(top.stdout, /--sort-by/);
  const bad = await cli(['help', 'qeury'], env);
  assert.is(bad.code, 2);
  assert.is(bad.stderr, 'error: unknown command "qeury" for "kubectl heapster"; did you mean query?\n');
});

test('--version answers without loading oclif, and says exactly what oclif would (its userAgent), through kubectl too', async () => {
  const { Config } = await import('@oclif/core');
  const config = await Config.load(ROOT);
  const r = await kubectl(['heapster', '--version'], pluginEnv());
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `${config.userAgent}\n`);
  // with anything else beside it, oclif answers as before
  const help = await cli(['--version', '--help'], pluginEnv());
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /kubectl-heapster\/\d+\.\d+\.\d+|USAGE/);
});

test('query deployments/NS/NAME: the pods its ReplicaSets own, recorded and live; a workload without pods names the real ones', async () => {
  const objects = (await getJson(sim, '/api/v1/pods')).items;
  // worked out from the owner references: a ReplicaSet DEPLOY-HASH whose pods carry pod-template-hash HASH
  const byDeploy = new Map<string, string[]>();
  for (const o of objects) {
    const ref = o.metadata.ownerReferences?.find((r: any) => r.controller);
    const hash = o.metadata.labels?.['pod-template-hash'];
    if (ref?.kind !== 'ReplicaSet' || !hash || !ref.name.endsWith(`-${hash}`)) continue;
    const k = `${o.metadata.namespace}/${ref.name.slice(0, -hash.length - 1)}`;
    byDeploy.set(k, [...(byDeploy.get(k) ?? []), o.metadata.name].sort());
  }
  const [key, names] = [...byDeploy].sort((a, b) => b[1].length - a[1].length)[0]!;
  const [ns, deploy] = key.split('/') as [string, string];
  const r = await cli(['query', `deployments/${ns}/${deploy}`, 'memory/working_set', '--archive', dir, '-o', 'json'], env);
  assert.is(r.code, 0, r.stderr);
  const items = JSON.parse(r.stdout).items;
  assert.equal(items.map((i: any) => i.name).sort(), names);
  for (const it of items) {
    for (const m of it.metrics) {
      const ts = Date.parse(m.timestamp);
      const at = podsAt(sim, scrapedAt(ts)).find(({ p }) => p.namespace === ns && p.name === it.name)!;
      assert.is(m.value, podWorkingSet(at.p, at.tt), `${it.name} at ${m.timestamp}`);
    }
  }
  const live = await cli(['query', `deploy/${deploy}`, '-n', ns, 'memory/working_set', '--live', '-o', 'json'], env);
  assert.is(live.code, 0, live.stderr);
  assert.equal(JSON.parse(live.stdout).items.map((i: any) => i.name).sort(), names);
  const typo = await cli(['query', `deployments/${ns}/${deploy}x`, 'memory/working_set', '--archive', dir], env);
  assert.is(typo.code, 2);
  assert.match(typo.stderr, new RegExp(`^error: no pods of Deployment ${ns}/${deploy}x; did you mean ${deploy}\\b`));
});

test.run();

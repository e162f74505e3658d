import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { cli, pluginEnv } from '../helpers/run-cli.js';

let sim: Simulator;
let env: NodeJS.ProcessEnv;
let dir: string;

test.before(async () => {
  sim = await startSimulator({ seed: 4, nodes: 3, podsPerNode: 8 });
  dir = mkdtempSync(path.join(tmpdir(), 'kh-scope-'));
  writeFileSync(path.join(dir, 'kubeconfig'), sim.kubeconfig, { mode: 0o600 });
  env = pluginEnv({ KUBECONFIG: path.join(dir, 'kubeconfig') });
});
test.after(() => sim.close());

/**
 * The pods the simulator's API server lists now, from its own workload: what the refusals must name.
 * The plugin reads pod objects, which the API server takes at the wall clock; a kubelet's stats lag
 * up to 10 s behind (statsTime), so a job's pod that started or ended in those seconds is in one
 * view and not the other, for longer than the retries below.
 */
function podsNow() {
  const t = Date.now();
  return sim.workload.nodes.flatMap((n) => sim.workload.podsOn(n, t));
}

// ---
test('record refuses, before making an archive, a scope that would record nothing, naming what exists', async () => {
  const archive = path.join(dir, 'archive');
  const refused = async (...args: string[]) => {
    const r = await cli(['record', '--archive', archive, '--for', '5s', ...args], env);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    return r.stderr.trim();
  };
  const namespaces = [...new Set(podsNow().map((p) => p.namespace))].sort();
  assert.ok(namespaces.includes('web'));
  const ns = await refused('-n', 'webb');
  assert.match(ns, /^error: no pods in namespace "webb"; did you mean web\b/);
  assert.match(ns, `namespaces with pods: ${namespaces.join(', ')}`);
  assert.is(await refused('--node-selector', 'pool=gpu'), `error: no node matches --node-selector pool=gpu; none of the ${sim.workload.nodes.length} nodes has the label pool`);
  // the simulator runs on the real clock: a pod may start between this list and the plugin's, so
  // the answer is checked against a list that did not change while the command ran
  const webNow = () => podsNow().filter((p) => p.namespace === 'web');
  for (let attempt = 0; ; attempt++) {
    const web = webNow();
    const apps = new Map<string, number>();
    for (const p of web) apps.set(p.app, (apps.get(p.app) ?? 0) + 1);
    const expected = [...apps].sort((a, b) => b[1] - a[1]).map(([v, n]) => `app=${v} (${n})`).join(', ');
    const got = await refused('-n', 'web', '-l', 'app=nope');
    const want = `error: no pods in web match -l app=nope; the ${web.length} pods have ${expected}`;
    // a pod can also start and end between the two lists (a job's): asked again, the plugin must agree with a quiet list
    if (attempt < 2 && (got !== want || webNow().map((p) => p.name).join() !== web.map((p) => p.name).join())) continue;
    assert.is(got, want);
    break;
  }
  assert.not.ok(existsSync(archive), 'no archive was made for a recording that was refused');
});

test.run();

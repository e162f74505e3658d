import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { METRIC_ALIASES, METRICS } from '../../src/model/index.js';
import { kubectl, pluginEnv } from '../helpers/run-cli.js';
import { getJson, testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let env: NodeJS.ProcessEnv;
test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 4 });
  env = pluginEnv({ KUBECONFIG: sim.kubeconfigPath });
});
test.after(() => sim.close());

/** What the real kubectl offers for `kubectl heapster WORDS<TAB>`: the choices (without descriptions) and the directive. */
async function offered(...words: string[]): Promise<{ choices: string[]; directive: number }> {
  const r = await kubectl(['__complete', 'heapster', ...words], env);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  const directive = Number(lines.pop()!.slice(1));
  return { choices: lines.map((l) => l.split('\t')[0]!), directive };
}

// ---
test('kubectl completes the commands, and the subcommands of a topic', async () => {
  assert.equal((await offered('')).choices.sort(), ['archive', 'doctor', 'export', 'help', 'metrics', 'query', 'record', 'report', 'serve', 'simulate', 'sink', 'top']);
  assert.equal((await offered('rec')).choices, ['record']);
  assert.equal((await offered('re')).choices, ['record', 'report']);
  assert.equal((await offered('archive', '')).choices.sort(), ['compact', 'info', 'ls', 'prune', 'repair', 'verify']);
});

test('kubectl completes metric names and aliases from the catalogue, and the flags of a command', async () => {
  const memory = await offered('query', 'cluster', 'memory');
  const expected = [...METRICS.map((m) => m.name), ...Object.keys(METRIC_ALIASES)].filter((n) => n.startsWith('memory'));
  assert.ok(expected.length > 4);
  assert.equal(memory.choices.sort(), expected.sort());
  assert.is(memory.directive, 4, 'no file names among metric names');
  assert.equal((await offered('query', '-o', '')).choices, ['table', 'wide', 'json', 'yaml', 'csv', 'chart']);
  assert.equal((await offered('record', '--node-')).choices.sort(), ['--node-selector', '--node-timeout']);
  // a flag that takes a path leaves completion to the shell's file names
  assert.equal(await offered('query', '--kubeconfig', ''), { choices: [], directive: 0 });
});

test('kubectl completes targets with the names of the cluster it points at', async () => {
  const nodes = ((await getJson(sim, '/api/v1/nodes')).items as any[]).map((n) => `nodes/${n.metadata.name}`);
  const offeredNodes = await offered('query', 'nodes/');
  assert.equal(offeredNodes.choices, nodes);
  assert.is(offeredNodes.directive, 4 | 2, 'no space after a name: the path may go on');
  const web = ((await getJson(sim, '/api/v1/namespaces/web/pods')).items as any[]).map((p) => `ns/web/pods/${p.metadata.name}`);
  assert.ok(web.length > 0);
  assert.equal((await offered('query', 'ns/web/pods/')).choices.sort(), web.sort());
  assert.equal((await offered('query', '-n', 'web', 'po/')).choices.sort(), web.map((p) => p.replace('ns/web/pods/', 'po/')).sort());
  assert.equal(await offered('query', 'cl'), { choices: ['cluster'], directive: 4 }, 'a space after a whole target');
});

test.run();

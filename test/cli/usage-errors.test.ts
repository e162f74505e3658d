import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, pluginEnv } from '../helpers/run-cli.js';

const env = pluginEnv();

/** One line on stderr, exit 2. */
async function usage(args: string[]): Promise<string> {
  const r = await cli(args, env);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
  return r.stderr.trim();
}

test("oclif's parse errors keep their reason, on one line", async () => {
  assert.is(await usage(['simulate', '--nodes', '0']), 'error: --nodes: expected an integer greater than or equal to 1 but received: 0; see `kubectl heapster simulate --help`');
  assert.is(await usage(['simulate', '--nodes', 'x']), 'error: --nodes: expected an integer but received: x; see `kubectl heapster simulate --help`');
  assert.is(await usage(['query']), 'error: missing TARGET; see `kubectl heapster query --help`');
  assert.is(await usage(['export']), 'error: missing required flag --output; see `kubectl heapster export --help`');
  assert.is(await usage(['query', 'a', 'b', 'c', 'd']), 'error: Unexpected arguments: c, d; see `kubectl heapster query --help`');
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';

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
  assert.is(await usage(['query', 'nodes', '-o', 'xml']), 'error: --output xml: expected one of table, wide, json, yaml, csv, chart; see `kubectl heapster query --help`');
  assert.is(await usage(['export']), 'error: missing required flag --output; see `kubectl heapster export --help`');
  // export has no label selector: given one, it had exported every pod
  assert.match(await usage(['export', '-l', 'app=web', '--output', 'x.csv']), /^error: .*-l.*; see `kubectl heapster export --help`$/);
  assert.is(await usage(['query', 'a', 'b', 'c', 'd']), 'error: Unexpected arguments: c, d; see `kubectl heapster query --help`');
});

test('a flag the command lacks names the one meant when one is near: a long flag mistyped, or a short flag only one long flag starts with', async () => {
  assert.is(await usage(['query', 'nodes', '--sinse', '1h']), 'error: unknown flag: --sinse; did you mean --since? See `kubectl heapster query --help`');
  assert.is(await usage(['record', '--resolutoin=1s']), 'error: unknown flag: --resolutoin=1s; did you mean --resolution? See `kubectl heapster record --help`');
  // -o is query's and top's output format, as kubectl's; export writes a file, --output
  assert.is(await usage(['export', '-o', 'x.parquet']), 'error: unknown flag: -o; did you mean --output? See `kubectl heapster export --help`');
  // nothing near: no guess
  assert.is(await usage(['query', 'nodes', '--frobnicate']), 'error: unknown flag: --frobnicate; see `kubectl heapster query --help`');
  assert.is(await usage(['query', 'nodes', '-z']), 'error: unknown flag: -z; see `kubectl heapster query --help`');
});

test('duration and time flags refuse empty, zero and overflowing values, naming the flag', async () => {
  assert.is(await usage(['record', '--for', '']), 'error: --for is empty; give a duration like 30s, 15m, 1h30m or 2d');
  assert.is(await usage(['record', '--for', '0s']), 'error: --for 0s is zero; give a duration above zero, like 30s');
  assert.is(await usage(['record', '--for', '99999999999999999999d']), 'error: --for 99999999999999999999d is too long; give at most 100 years (36500d)');
  assert.is(await usage(['record', '--until', '']), 'error: --until is empty; give a time: RFC 3339 (2017-10-16T09:14:00Z), now, or a relative time like -2h');
  assert.is(await usage(['record', '--node-timeout', '0ms']), 'error: --node-timeout 0ms is zero; give a duration above zero, like 30s');
  assert.match(await usage(['query', 'ns/web', '--since', '999999999999w']), /^error: --since 999999999999w is too long/);
  assert.match(await usage(['query', 'ns/web', '--start', '+275760-09-14T00:00:00Z']), /^error: --start "\+275760-09-14T00:00:00Z" is not a time/);
});

test('--live with --agg, an unknown metric, or a --sort-by top cannot sort by, is refused before anything is scraped or even a kubeconfig read', async () => {
  // pluginEnv's KUBECONFIG is empty and HOME has none: reaching a cluster would fail with exit 1
  assert.is(await usage(['query', 'ns/web', 'memory/usage', '--live', '--agg', 'max']), 'error: aggregations need recorded data; drop --live, or drop --agg');
  // what only the archive reads, named beside --live, was ignored: the answer was not the one asked for
  assert.is(await usage(['query', 'ns/web', 'memory/usage', '--live', '--recording', 'r1']),
    'error: --live scrapes the cluster now, and --recording is for reading the archive; drop --recording, or drop --live to read the archive');
  assert.is(await usage(['query', 'ns/web', 'memory/usage', '--live', '--since', '1h', '--archive', '/nowhere']),
    'error: --live scrapes the cluster now, and --since, --archive are for reading the archive; drop --since and --archive, or drop --live to read the archive');
  assert.match(await usage(['query', 'cluster', 'memory/usge', '--live']), /^error: unknown metric "memory\/usge"; did you mean memory\/usage/);
  // top's --sort-by too: pluginEnv has no kubeconfig, and the archive named does not exist
  assert.is(await usage(['top', 'pods', '--sort-by', 'rx']),
    'error: --sort-by rx is a column of -o wide; add -o wide, or sort by one of: name, cpu(cores), cpu, memory(bytes), memory, mem, cpu%req, cpu-request, cpu%lim, cpu-limit, mem%req, memory-request, mem%lim, memory-limit, restarts');
  assert.match(await usage(['top', 'nodes', '--sort-by', 'nosuch', '--archive', '/nowhere/archive']), /^error: --sort-by nosuch is not a column; use one of: name, cpu\(cores\), cpu, cpu%/);
  // far from every metric: named, but not as a guess
  assert.match(await usage(['query', 'cluster', 'foo', '--live']), /^error: unknown metric "foo"; the closest are [^;?]+; `kubectl heapster metrics` lists them all$/);
});

test('a mistyped command names the command meant, through the real kubectl too', async () => {
  assert.is(await usage(['qeury', 'cluster']), 'error: unknown command "qeury" for "kubectl heapster"; did you mean query?');
  assert.is(await usage(['archive', 'lss']), 'error: unknown command "archive lss" for "kubectl heapster"; did you mean archive ls?');
  assert.is(await usage(['verify']), 'error: unknown command "verify" for "kubectl heapster"; did you mean archive verify?');
  assert.is(await usage(['ns/web', 'memory/usage']), 'error: unknown command "ns/web" for "kubectl heapster"; a target goes after query: `kubectl heapster query ns/web ...`');
  assert.is(await usage(['zzzz']), 'error: unknown command "zzzz" for "kubectl heapster"; see `kubectl heapster --help` for the commands');
  const r = await kubectl(['heapster', 'tpo', 'pods'], env);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: unknown command "tpo" for "kubectl heapster"; did you mean top\?/);
});

test('a query with no archive to read points to --live first: kubectl top has no archive either', async () => {
  const none = path.join(mkdtempSync(path.join(tmpdir(), 'kh-none-')), 'archive');
  assert.is(await usage(['query', 'cluster', 'memory/usage', '--archive', none]),
    `error: no archive at ${none}; add --live to scrape the cluster now, or record one with \`kubectl heapster record\`, or pass --archive DIR (or set KUBECTL_HEAPSTER_ARCHIVE)`);
  // archive commands have no --live to point to
  assert.not.match(await usage(['archive', 'ls', '--archive', none]), /--live/);
});

test('a memory limit that is not a size is refused before the command touches anything', async () => {
  const none = path.join(mkdtempSync(path.join(tmpdir(), 'kh-none-')), 'archive');
  const r = await cli(['query', 'cluster', 'memory/usage', '--archive', none], { ...env, KUBECTL_HEAPSTER_MEMORY_LIMIT: 'lots' });
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr, 'error: KUBECTL_HEAPSTER_MEMORY_LIMIT=lots is not a size; give it as 512MB, 1GB or 4GB, or unset it\n');
});

test('the simulator on a port in use says so, as serve does', async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    assert.is(await usage(['simulate', '--port', String(port)]), `error: 127.0.0.1:${port} is in use by another program; pick another --port (0: any free port)`);
  } finally {
    busy.close();
  }
});

test.run();

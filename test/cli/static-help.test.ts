import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';

// dist/help.json is written by `npm run build`, which `npm test` runs first
const help = JSON.parse(readFileSync(path.join(ROOT, 'dist/help.json'), 'utf8')) as { pages: Record<string, string> };
// OCLIF_COLUMNS makes bin/run.js leave help to oclif, so the same request gives oclif's own page to compare with
const OCLIF = { OCLIF_COLUMNS: '80' };
/** The plugin's environment without FORCE_COLOR, which test runners set and Node warns about beside NO_COLOR. */
function cleanEnv(): NodeJS.ProcessEnv {
  const e = pluginEnv();
  delete e.FORCE_COLOR;
  return e;
}

test('every help page from the build is what oclif prints for it, in each form it is asked for', async () => {
  const env = cleanEnv();
  const keys = Object.keys(help.pages);
  assert.ok(keys.length >= 19, `root, topics and commands: ${keys.join(', ')}`);
  for (const key of keys) {
    const words = key ? key.split(' ') : [];
    for (const args of [[...words, '--help'], ['help', ...words]]) {
      const fast = await cli(args, env);
      const oclif = await cli(args, { ...env, ...OCLIF });
      assert.is(fast.code, 0, `${args.join(' ')}: ${fast.stderr}`);
      assert.is(fast.stdout, oclif.stdout, `kubectl heapster ${args.join(' ')}`);
      assert.is(fast.stderr, '', args.join(' '));
    }
  }
  const none = await cli([], env);
  assert.is(none.stdout, (await cli([], { ...env, ...OCLIF })).stdout, 'no arguments gives the root page');
});

test('pages name the running Node, not the one that built them; kubectl passes --help through', async () => {
  const env = cleanEnv();
  const r = await kubectl(['heapster', 'top', '--help'], env);
  assert.is(r.code, 0);
  assert.is(r.stdout, (await cli(['top', '--help'], { ...env, ...OCLIF })).stdout);
  const root = await cli(['--help'], env);
  assert.ok(root.stdout.includes(`kubectl-heapster/`) && root.stdout.includes(` node-${process.version}\n`), root.stdout.slice(0, 400));
  assert.not.match(root.stdout, /\x1b\[/, 'no colour codes into a pipe');
});

test('requests that are not a plain page still go to oclif: unknown commands, flags beside --help', async () => {
  const env = cleanEnv();
  const unknown = await cli(['help', 'qurey'], env);
  assert.equal([unknown.code, unknown.stderr.trim()], [2, 'error: unknown command "qurey" for "kubectl heapster"; did you mean query?']);
  const withFlag = await cli(['query', '-o', 'json', '--help'], env);
  assert.is(withFlag.code, 0);
  assert.is(withFlag.stdout, (await cli(['query', '--help'], { ...env, ...OCLIF })).stdout);
});

// `script` gives the command a terminal, as a user's shell does (util-linux; skipped where absent)
const hasScript = (() => { try { execFileSync('script', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

test('in a terminal: oclif\'s colours at 80 columns or more, and oclif itself below 80', async () => {
  if (!hasScript) return;
  const env: NodeJS.ProcessEnv = { ...cleanEnv(), TERM: 'xterm' };
  // a user's terminal: supports-color gives no colour where CI is set (and CI runs this)
  delete env.NO_COLOR;
  delete env.CI;
  const inTerminal = (cols: number, extra = '') => execFileSync('script', ['-qc', `stty cols ${cols}; ${extra} ${process.execPath} ${path.join(ROOT, 'bin/run.js')} query --help`, '/dev/null'], { env, encoding: 'utf8' });
  const wide = inTerminal(120);
  assert.match(wide, /\x1b\[1mUSAGE\x1b\[22m/, 'bold headings, as oclif gives a terminal');
  assert.is(wide, inTerminal(80, 'OCLIF_COLUMNS=80'));
  const narrow = inTerminal(60);
  assert.is(narrow, inTerminal(60, 'OCLIF_COLUMNS=60'), 'wrapped to the terminal by oclif');
  assert.is.not(narrow, wide);
});

test.run();

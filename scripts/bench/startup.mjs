// Issue 18 §4: a command's start-up as a whole process, beside kubectl's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Archive } from '../../dist/archive/index.js';
import { timeCli, timeCommand } from './time-cli.mjs';

export async function startupBench() {
  const env = { ...process.env, KUBECONFIG: '' };
  const runs = 8;
  const version = await timeCli(['--version'], env, runs);
  const help = await timeCli(['--help'], env, runs);
  const queryHelp = await timeCli(['query', '--help'], env, runs);
  const kubectl = await timeCommand('kubectl', ['version', '--client'], env, runs);
  // an archived command with nothing to read: oclif, the command's modules, DuckDB and the catalog,
  // the start-up every archived command pays before its own work
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kh-bench-')), 'archive');
  let ls;
  try {
    await Archive.open(dir, true);
    ls = await timeCli(['archive', 'ls', '--archive', dir], env, runs);
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
  return [
    [`start-up: --version, whole process, median of ${runs - 1} ms (kubectl version --client ${kubectl.warmMs.toFixed(0)})`, version.warmMs.toFixed(0), '≤ 150 ms'],
    ['start-up: --help, whole process, median ms', help.warmMs.toFixed(0), '≤ 150 ms'],
    ['start-up: query --help, whole process, median ms', queryHelp.warmMs.toFixed(0)],
    ['start-up: archive ls of an empty archive, whole process, median ms', ls.warmMs.toFixed(0)],
  ];
}

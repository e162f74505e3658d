// Issue 18 §4: a command's start-up as a whole process, beside kubectl's own.
import { timeCli, timeCommand } from './time-cli.mjs';

export async function startupBench() {
  const env = { ...process.env, KUBECONFIG: '' };
  const runs = 8;
  const version = await timeCli(['--version'], env, runs);
  const help = await timeCli(['--help'], env, runs);
  const queryHelp = await timeCli(['query', '--help'], env, runs);
  const kubectl = await timeCommand('kubectl', ['version', '--client'], env, runs);
  return [
    [`start-up: --version, whole process, median of ${runs - 1} ms (kubectl version --client ${kubectl.warmMs.toFixed(0)})`, version.warmMs.toFixed(0), '≤ 150 ms'],
    ['start-up: --help, whole process, median ms', help.warmMs.toFixed(0), '≤ 150 ms'],
    ['start-up: query --help, whole process, median ms', queryHelp.warmMs.toFixed(0)],
  ];
}

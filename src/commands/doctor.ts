import { Flags } from '@oclif/core';
import { Errors } from '@oclif/core';
import { archiveFlag } from '../cli/archive-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { runChecks, type Check } from '../cli/doctor-checks.js';
import { kubeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { prose } from '../cli/prose.js';
import { parseDuration } from '../query/index.js';

export default class Doctor extends BaseCommand {
  static override summary = 'Check everything the plugin needs: kubeconfig, permissions, kubelets, metrics.k8s.io, the archive, the clock.';
  static override description = prose(`Each check prints one line: ok, FAIL or note, what was found, and for a failure the exact fix.
Permissions are probed with harmless GETs only (list nodes and pods with limit=1, one kubelet summary
per sampled node, a pod watch the server ends after one second); nothing is ever written to the
cluster, and the archive is only read. Exit 0 only when nothing FAILs; notes (an optional permission,
no metrics.k8s.io) do not fail.`);

  static override examples = ['kubectl heapster doctor', 'kubectl heapster doctor --context prod --sample 10', 'kubectl heapster doctor -o json'];

  static override flags = {
    ...kubeFlags, ...archiveFlag,
    sample: Flags.integer({ description: 'nodes whose kubelet is asked for a summary', default: 3, min: 1, max: 100 }),
    'node-timeout': Flags.string({ description: 'how long one request may take', default: '10s' }),
    resolution: Flags.string({ description: 'the recording resolution the disk estimate assumes, before anything is recorded', default: '60s' }),
    output: Flags.string({ char: 'o', options: ['text', 'json'], default: 'text', description: 'output format' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    this.setVerbosity(flags.v);
    const checks: Check[] = [];
    const json = flags.output === 'json';
    const say = (c: Check) => {
      checks.push(c);
      if (!json) process.stdout.write(`${c.verdict.padEnd(5)} ${c.name.padEnd(16)} ${c.detail}${c.fix ? `\n${' '.repeat(23)}fix: ${c.fix}` : ''}\n`);
    };
    await runChecks({
      kube: toKubeFlags(flags), archive: flags.archive, sample: flags.sample,
      timeoutMs: parseDuration(flags['node-timeout'], '--node-timeout'), resolutionMs: parseDuration(flags.resolution, '--resolution'),
    }, say);
    const failed = checks.filter((c) => c.verdict === 'FAIL');
    if (json) process.stdout.write(JSON.stringify({ kind: 'DoctorReport', ok: !failed.length, checks }, null, 2) + '\n');
    else process.stdout.write(failed.length ? `${failed.length} of ${checks.length} checks failed\n` : `all ${checks.length} checks passed\n`);
    if (failed.length) throw new Errors.ExitError(1);
  }
}

#!/usr/bin/env node
// npm run demo: a simulated cluster, then the plugin through the real kubectl, showing real output.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(tmpdir(), 'kubectl-heapster-demo-'));
const bin = path.join(work, 'bin');
mkdirSync(bin);
symlinkSync(path.join(ROOT, 'bin/run.js'), path.join(bin, 'kubectl-heapster'));
const kubeconfig = path.join(work, 'kubeconfig');
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, KUBECONFIG: kubeconfig, HOME: work };
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { env }).status === 0;

const sim = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'simulate', '--nodes', '4', '--pods-per-node', '12',
  '--seed', '42', '--fault', 'node-04=timeout', '--kubeconfig-out', kubeconfig], { env, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  let out = '';
  sim.stdout.on('data', (d) => {
    out += d;
    if (out.includes('Kubeconfig:')) {
      process.stdout.write(out.split('\n').slice(0, 3).join('\n') + '\n');
      resolve();
    }
  });
  sim.on('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
});

function show(args) {
  const [cmd, rest] = hasKubectl ? ['kubectl', ['heapster', ...args]] : [path.join(bin, 'kubectl-heapster'), args];
  process.stdout.write(`\n$ kubectl heapster ${args.join(' ')}\n`);
  // both streams straight through, so that progress and results come in the order a user sees them
  const r = spawnSync(cmd, rest, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`exit ${r.status}`);
}

try {
  if (!hasKubectl) process.stdout.write('\n(kubectl is not on PATH: running the plugin binary directly)\n');
  else process.stdout.write(`\n$ kubectl plugin list\n${spawnSync('kubectl', ['plugin', 'list'], { env, encoding: 'utf8' }).stdout}`);
  show(['query', 'namespaces', '--live', '--node-timeout', '2s']);
  show(['query', 'nodes', 'memory/working_set', '--live', '--node-timeout', '2s']);
  show(['query', 'namespaces/spark-cluster', 'memory/usage', '--live', '--node-timeout', '2s']);
  show(['query', 'namespaces/spark-cluster', 'memory/usage', '--live', '--node-timeout', '2s', '-o', 'json']);
  show(['query', 'pods', '-n', 'web', 'cpu/usage_rate', '--live', '--node-timeout', '2s']);
  show(['query', 'nodes/node-01', 'cpu/node_utilization', '--live', '-o', 'json']);
  show(['query', 'nodes/node-01/freecontainers', '--live']);

  // record a few ticks, then ask the archive
  const archive = path.join(work, 'archive');
  show(['record', '--archive', archive, '--resolution', '2s', '--for', '11s', '--name', 'demo', '--node-timeout', '1s']);
  show(['archive', 'ls', '--archive', archive]);
  show(['query', 'namespaces/spark-cluster', 'memory/usage', '--archive', archive, '-o', 'chart']);
  show(['query', 'namespaces/web/pods', 'memory/working_set', '--archive', archive, '--agg', 'average,max,p95']);
  show(['export', '--archive', archive, '--output', path.join(work, 'demo.parquet')]);
  show(['archive', 'verify', '--archive', archive]);
} finally {
  sim.kill('SIGTERM');
}

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { listenError } from '../cli/listen-error.js';
import { usageError } from '../model/index.js';
import { parseDuration } from '../query/index.js';
import { FAULTS, nodeName, startSimulator, type Fault } from '../simulator/index.js';
import { prose } from '../cli/prose.js';

export default class Simulate extends BaseCommand {
  static override summary = 'Run a simulated cluster: a real HTTPS Kubernetes API with kubelet summaries, for trying the plugin.';
  static override description = prose(`Serves /api, nodes, pods, namespaces and /api/v1/nodes/NAME/proxy/stats/summary with token and
client-certificate auth, writes a kubeconfig for it, and runs until Ctrl-C (or --for). Workloads are a
pure function of --seed and time: counters only grow, memory moves, some pods restart and short jobs
come and go. --fault NODE=KIND breaks a node on purpose: ${FAULTS.join(', ')}.`);

  static override examples = [
    'kubectl heapster simulate --nodes 5 --pods-per-node 20 --kubeconfig-out sim.kubeconfig',
    'kubectl heapster simulate --fault node-02=timeout --fault node-03=windows',
  ];

  static override flags = {
    nodes: Flags.integer({ description: 'number of nodes', default: 3, min: 1, max: 20000 }),
    'pods-per-node': Flags.integer({ description: 'pods on each node (two containers each)', default: 10, min: 1, max: 500 }),
    seed: Flags.integer({ description: 'the seed every simulated value derives from', default: 1 }),
    address: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'port to listen on (0: any free port)', default: 0, min: 0, max: 65535 }),
    'kubeconfig-out': Flags.string({ description: 'where to write the kubeconfig (default: a private file in the temp folder)' }),
    fault: Flags.string({ description: `break a node: NODE=KIND, KIND one of ${FAULTS.join(', ')}`, multiple: true }),
    for: Flags.string({ description: 'stop after this long (e.g. 10m); default: until Ctrl-C' }),
    'metrics-api': Flags.boolean({ description: 'serve metrics.k8s.io, as metrics-server does (--no-metrics-api: a cluster without it)', default: true, allowNo: true }),
    'token-ttl': Flags.string({ description: 'also serve short-lived tokens valid this long (e.g. 20s), through the heapster-sim-exec and heapster-sim-tokenfile contexts; SIGUSR1 rotates the token, SIGUSR2 the CA' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Simulate);
    const faults: Record<string, Fault> = {};
    for (const f of flags.fault ?? []) {
      const [node, kind] = f.split('=');
      if (!node || !FAULTS.includes(kind as Fault)) throw usageError(`--fault "${f}" is not NODE=KIND`, `KIND is one of ${FAULTS.join(', ')}`);
      // a fault on a node that does not exist would break nothing, silently
      const n = flags.nodes;
      if (!Array.from({ length: n }, (_, i) => nodeName(i, n)).includes(node)) {
        throw usageError(`--fault "${f}": the cluster has no node "${node}"`, `its nodes are ${nodeName(0, n)} to ${nodeName(n - 1, n)}`);
      }
      faults[node] = kind as Fault;
    }
    const stopAfter = flags.for !== undefined ? parseDuration(flags.for, '--for') : undefined;
    const tokenTtlMs = flags['token-ttl'] !== undefined ? parseDuration(flags['token-ttl'], '--token-ttl') : undefined;
    const file = path.resolve(flags['kubeconfig-out'] ?? path.join(tmpdir(), `kubectl-heapster-sim-${process.getuid?.() ?? 'user'}`, 'kubeconfig'));
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // the rotating token, its helper and the CA file live beside the kubeconfig that names them
    const credentialsDir = tokenTtlMs !== undefined ? `${file}.credentials` : undefined;
    const sim = await startSimulator({
      seed: flags.seed, nodes: flags.nodes, podsPerNode: flags['pods-per-node'], faults, port: flags.port, host: flags.address, metricsApi: flags['metrics-api'],
      ...(tokenTtlMs !== undefined ? { tokenTtlMs, credentialsDir } : {}),
    }).catch((e: unknown) => Promise.reject(listenError(e, flags.address, flags.port)));
    if (sim.rotating) {
      process.on('SIGUSR1', () => void sim.rotating!.rotateToken());
      process.on('SIGUSR2', () => void sim.rotating!.rotateCa());
    }
    writeFileSync(file, sim.kubeconfig, { mode: 0o600 });
    chmodSync(file, 0o600);
    const lines = [
      `Simulated cluster: ${flags.nodes} nodes, ${flags.nodes * flags['pods-per-node']} pod slots, seed ${flags.seed}, at ${sim.url}`,
      `Kubeconfig: ${file}`,
      '  contexts: heapster-sim (token), heapster-sim-cert (client certificate), heapster-sim-viewer (no nodes/proxy)',
      ...(sim.rotating ? [`  and heapster-sim-exec (exec plugin), heapster-sim-tokenfile (token file): tokens live ${flags['token-ttl']}; kill -USR1 ${process.pid} rotates the token, kill -USR2 ${process.pid} the CA`] : []),
      ...(Object.keys(faults).length ? [`Faults: ${Object.entries(faults).map(([n, k]) => `${n}=${k}`).join(', ')}`] : []),
      'Try:',
      `  export KUBECONFIG=${file}`,
      '  kubectl get nodes',
      '  kubectl heapster query namespaces --live',
      '  kubectl heapster query namespaces/spark-cluster memory/usage --live',
      stopAfter ? `Stops in ${flags.for}.` : 'Press Ctrl-C to stop.',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    await new Promise<void>((resolve) => {
      // the listening server keeps the process alive; a timer would outlive the stop
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (stopAfter) setTimeout(stop, stopAfter).unref();
    });
    await sim.close();
  }
}

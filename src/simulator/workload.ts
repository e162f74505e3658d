import { between, hash32, hex, pick, suffix, unit } from './random.js';

/** What a test or a user can break on purpose, per node. */
export const FAULTS = ['timeout', 'error500', 'malformed', 'windows', 'down', 'notready'] as const;
export type Fault = (typeof FAULTS)[number];

export interface WorkloadOptions {
  seed: number;
  nodes: number;
  podsPerNode: number;
  /** ms; the simulated cluster's pods were started around this time */
  epoch: number;
}

export interface SimContainer {
  name: string;
  image: string;
  requests: Record<string, string>;
  limits: Record<string, string>;
  /** CPU in cores: a + b·sin(2πt/period + phase), so the counter has a closed form */
  cpuA: number;
  cpuB: number;
  cpuPeriodS: number;
  phase: number;
  memBase: number;
  memAmp: number;
  memPeriodS: number;
  /** ms between restarts of this container, 0 for never */
  restartEveryMs: number;
}

export interface SimPod {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  app: string;
  ownerKind: string;
  ownerName: string;
  startMs: number;
  containers: SimContainer[];
  netA: number;
  netB: number;
  hasDataVolume: boolean;
}

export interface SimNode {
  name: string;
  index: number;
  bootMs: number;
  cpuCores: number;
  memBytes: number;
  fsBytes: number;
  ip: string;
  /** kubelet housekeeping offset: stats times fall on 10 s steps shifted by this many ms */
  statsOffsetMs: number;
}

const NAMESPACES = ['default', 'spark-cluster', 'web', 'batch', 'monitoring'] as const;
const APPS: Record<string, readonly string[]> = {
  default: ['nginx', 'redis'], 'spark-cluster': ['spark-worker', 'spark-driver'], web: ['frontend', 'api'],
  batch: ['etl', 'report'], monitoring: ['node-exporter', 'grafana'], 'kube-system': ['kube-proxy'],
};
const GiB = 2 ** 30, MiB = 2 ** 20;

/** Slot j of a node hosts a steady pod, a pod whose first container restarts, or a stream of short-lived pods. */
type SlotKind = 'steady' | 'restarting' | 'churn';

export class Workload {
  readonly nodes: SimNode[];
  constructor(readonly opts: WorkloadOptions) {
    this.nodes = Array.from({ length: opts.nodes }, (_, i) => {
      const name = nodeName(i, opts.nodes);
      const big = unit(opts.seed, `${name}/size`) < 0.5;
      return {
        name, index: i,
        bootMs: opts.epoch - Math.round(between(opts.seed, `${name}/boot`, 7, 48)) * 3600_000,
        cpuCores: big ? 8 : 4, memBytes: (big ? 32 : 16) * GiB, fsBytes: 100 * GiB,
        ip: `10.${(i >> 8) & 255}.${i & 255}.1`,
        statsOffsetMs: Math.floor(unit(opts.seed, `${name}/offset`) * 10) * 1000,
      };
    });
  }

  node(name: string): SimNode | undefined {
    const m = /^node-(\d+)$/.exec(name);
    const n = m ? this.nodes[Number(m[1]) - 1] : undefined;
    return n?.name === name ? n : undefined;
  }

  /** The kubelet's cached stats time for a node at wall time `t`: whole seconds, on 10 s housekeeping steps. */
  statsTime(node: SimNode, t: number): number {
    return Math.floor((t - node.statsOffsetMs) / 10_000) * 10_000 + node.statsOffsetMs;
  }

  /** Pods running on a node at time t, in slot order. */
  podsOn(node: SimNode, t: number): SimPod[] {
    const out: SimPod[] = [];
    for (let j = 0; j < this.opts.podsPerNode; j++) {
      const pod = this.podInSlot(node, j, t);
      if (pod) out.push(pod);
    }
    return out;
  }

  slotKind(node: SimNode, j: number): SlotKind {
    if (j === 0) return 'steady';
    const u = unit(this.opts.seed, `${node.name}/${j}/kind`);
    return u < 0.1 ? 'churn' : u < 0.2 ? 'restarting' : 'steady';
  }

  private podInSlot(node: SimNode, j: number, t: number): SimPod | undefined {
    const seed = this.opts.seed, slot = `${node.name}/${j}`;
    const namespace = j === 0 ? 'kube-system' : pick(seed, `${slot}/ns`, NAMESPACES);
    const app = pick(seed, `${slot}/app`, APPS[namespace]!);
    const kind = this.slotKind(node, j);
    let startMs = this.opts.epoch - Math.round(between(seed, `${slot}/age`, 10, 360)) * 60_000;
    let incarnation = 0;
    if (kind === 'churn') {
      const lifeMs = Math.round(between(seed, `${slot}/life`, 6, 15)) * 60_000;
      const slotStart = this.opts.epoch - Math.round(between(seed, `${slot}/phase`, 0, lifeMs / 60_000)) * 60_000;
      incarnation = Math.floor((t - slotStart) / lifeMs);
      startMs = slotStart + incarnation * lifeMs;
      if (t - startMs >= lifeMs - 60_000) return undefined; // a minute between one job's end and the next
    }
    if (t < startMs) return undefined;
    const ownerKind = j === 0 ? 'DaemonSet' : kind === 'churn' ? 'Job' : 'ReplicaSet';
    const ownerName = j === 0 ? app : kind === 'churn' ? `${app}-${hash32(`${slot}/${incarnation}`) % 100000}` : `${app}-${suffix(seed, `${slot}/rs`)}`.slice(0, 40);
    const name = `${ownerName}-${suffix(seed, `${slot}/${incarnation}/pod`)}`;
    return {
      namespace, name, uid: uuid(seed, `${slot}/${incarnation}`), node: node.name, app, ownerKind, ownerName, startMs,
      containers: [0, 1].map((k) => this.container(slot, app, k, kind)),
      netA: between(seed, `${slot}/netA`, 2_000, 400_000),
      netB: between(seed, `${slot}/netB`, 0, 1_000),
      hasDataVolume: unit(seed, `${slot}/vol`) < 0.3,
    };
  }

  /** Container parameters depend on the slot, not the incarnation, so node totals stay smooth. */
  private container(slot: string, app: string, k: number, kind: SlotKind): SimContainer {
    const seed = this.opts.seed, c = `${slot}/c${k}`;
    const reqMilli = [100, 250, 500][Math.floor(unit(seed, `${c}/req`) * 3)]!;
    const reqMem = [128, 256, 512, 1024][Math.floor(unit(seed, `${c}/mem`) * 4)]! * MiB;
    const limited = unit(seed, `${c}/lim`) < 0.7;
    const cpuA = (reqMilli / 1000) * between(seed, `${c}/use`, 0.1, 0.9) * (k === 1 ? 0.2 : 1);
    return {
      name: k === 0 ? app : 'sidecar',
      image: k === 0 ? `registry.example/${app}:1.${hash32(app) % 20}` : 'registry.example/envoy:1.30',
      requests: { cpu: `${k === 1 ? reqMilli / 5 : reqMilli}m`, memory: `${(k === 1 ? reqMem / 4 : reqMem) / MiB}Mi` },
      limits: limited ? { cpu: `${(k === 1 ? reqMilli / 5 : reqMilli) * 2}m`, memory: `${((k === 1 ? reqMem / 4 : reqMem) * 2) / MiB}Mi` } : {},
      cpuA, cpuB: cpuA * between(seed, `${c}/amp`, 0, 0.6),
      cpuPeriodS: between(seed, `${c}/period`, 300, 1800), phase: between(seed, `${c}/phase`, 0, 2 * Math.PI),
      memBase: Math.round((reqMem * between(seed, `${c}/mbase`, 0.3, 0.8) * (k === 1 ? 0.25 : 1)) / 4096) * 4096,
      memAmp: Math.round((reqMem * between(seed, `${c}/mamp`, 0, 0.2)) / 4096) * 4096,
      memPeriodS: between(seed, `${c}/mperiod`, 120, 900),
      restartEveryMs: kind === 'restarting' && k === 0 ? Math.round(between(seed, `${c}/restart`, 4, 12)) * 60_000 : 0,
    };
  }
}

/** The name of node `i` (from 0) of `count`: numbered from 1, zero-padded to at least two digits. */
export function nodeName(i: number, count: number): string {
  return `node-${String(i + 1).padStart(Math.max(2, String(count).length), '0')}`;
}

function uuid(seed: number, name: string): string {
  const h = hex(seed, name, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

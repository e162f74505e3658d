import {
  L, newMetricSet, nodeKey, sysContainerKey,
  type LabeledValues, type MetricSet, type NodeInfo,
} from '../model/index.js';
import { PodKeys } from './pod-keys.js';
import type { ContainerStats, CPUStats, FsStats, KTime, MemoryStats, NetworkStats, Summary } from './summary-types.js';

export interface DecodeOptions {
  /** decode time, ms: `uptime` is measured against it, as Heapster did */
  now: number;
  /** the Node object, for `hostname` and `host_id` */
  node?: NodeInfo;
  /** also take `cpu/usage_rate` from the kubelet's own `usageNanoCores` (live queries from one scrape) */
  cpuRateFromKubelet?: boolean;
}

/** Summary system container names Heapster renamed. */
const SYS_CONTAINER_NAMES: Record<string, string> = { runtime: 'docker-daemon', misc: 'system' };
const UDM_TYPES = new Set(['gauge', 'cumulative', 'delta']);
/** Label objects shared by every root and log filesystem value: readers never mutate point labels. */
const ROOT_FS = Object.freeze({ [L.resourceId]: '/' });
const LOGS_FS = Object.freeze({ [L.resourceId]: 'logs' });

/**
 * Decodes one kubelet summary into Heapster's node, sys_container, pod and pod_container sets.
 * Absent or null fields stay absent; wire types stop here.
 */
export function decodeSummary(summary: Summary, opts: DecodeOptions): MetricSet[] {
  const d = new Decoder(opts);
  const node = summary.node;
  const nodeName = node.nodeName;
  const base = {
    [L.nodename]: nodeName,
    [L.hostname]: opts.node?.hostname || nodeName,
    [L.hostId]: opts.node?.hostId ?? '',
  };
  const out: MetricSet[] = [];

  const ns = newMetricSet(nodeKey(nodeName), 'node', { [L.type]: 'node', ...base });
  ns.startTime = d.time(node.startTime);
  ns.scrapeTime = d.time(node.cpu?.time) || d.time(node.memory?.time) || d.time(node.network?.time);
  d.uptime(ns);
  d.cpu(ns, node.cpu);
  d.memory(ns, node.memory);
  d.network(ns, node.network);
  if (node.fs) {
    d.put(ns, 'ephemeral_storage/usage', node.fs.usedBytes);
    d.fs(ns, node.fs, ROOT_FS);
  }
  out.push(ns);

  for (const c of node.systemContainers ?? []) {
    const name = SYS_CONTAINER_NAMES[c.name] ?? c.name;
    const set = newMetricSet(sysContainerKey(nodeName, name), 'sys_container', {
      [L.type]: 'sys_container', ...base, [L.containerName]: name,
    });
    d.container(set, c);
    out.push(set);
  }

  for (const pod of summary.pods ?? []) {
    const { name, namespace, uid } = pod.podRef;
    const pod0: PodLabels = { nodename: nodeName, hostname: base[L.hostname], hostId: base[L.hostId], podId: uid ?? '', podName: name, namespace };
    const keys = PodKeys.of(namespace, name, uid);
    const ps = newMetricSet(keys.pod, 'pod', podLabels(pod0));
    ps.startTime = d.time(pod.startTime);
    // Heapster takes a pod's scrape time from its network stats only: no network, no pod-level rates
    ps.scrapeTime = d.time(pod.network?.time);
    d.uptime(ps);
    d.cpu(ps, pod.cpu);
    d.memory(ps, pod.memory);
    d.network(ps, pod.network);
    d.put(ps, 'ephemeral_storage/usage', pod['ephemeral-storage']?.usedBytes);
    for (const v of pod.volume ?? []) d.fs(ps, v, volumeLabels(v.name ?? ''));
    out.push(ps);

    for (const c of newestContainers(pod.containers ?? [], d)) {
      const set = newMetricSet(keys.container(c.name), 'pod_container', containerLabels(pod0, c.name), ps.key);
      d.container(set, c);
      out.push(set);
    }
  }
  return out;
}

export interface PodLabels {
  nodename: string;
  hostname: string;
  hostId: string;
  podId: string;
  podName: string;
  namespace: string;
}

/*
 * Pod and container labels are object literals with literal keys (Heapster's names, as in `L`), in
 * one shape each: spreading objects with computed keys was a fifth of decoding 60,000 containers.
 */
export function podLabels(p: PodLabels): Record<string, string> {
  return { type: 'pod', nodename: p.nodename, hostname: p.hostname, host_id: p.hostId, pod_id: p.podId, pod_name: p.podName, namespace_name: p.namespace };
}

export function containerLabels(p: PodLabels, container: string): Record<string, string> {
  return {
    type: 'pod_container', nodename: p.nodename, hostname: p.hostname, host_id: p.hostId,
    pod_id: p.podId, pod_name: p.podName, namespace_name: p.namespace, container_name: container,
  };
}

/** Of two entries with one container name, the one with the older start time is dropped. */
function newestContainers(containers: ContainerStats[], d: Decoder): ContainerStats[] {
  if (containers.length < 2) return containers;
  const byName = new Map<string, ContainerStats>();
  for (const c of containers) {
    const seen = byName.get(c.name);
    if (!seen || d.time(c.startTime) > d.time(seen.startTime)) byName.set(c.name, c);
  }
  return [...byName.values()];
}

/**
 * A volume's labels, one object per volume name kept from scrape to scrape, rather than a new one
 * per volume per scrape that outlived the scrape. Not frozen: frozen labels key the shared layouts
 * of labeled values, and volume names are too many for that. Emptied when large.
 */
const VOLUME_LABELS = new Map<string, Record<string, string>>();
function volumeLabels(volume: string): Record<string, string> {
  let labels = VOLUME_LABELS.get(volume);
  if (labels === undefined) {
    if (VOLUME_LABELS.size >= 200_000) VOLUME_LABELS.clear();
    VOLUME_LABELS.set(volume, (labels = { resource_id: ['Volume:', volume].join('') }));
  }
  return labels;
}

/**
 * Kubelet times parsed once per process: a 1,000-node scrape holds about 100,000 time strings,
 * nearly all of them the few seconds the kubelets sampled in and start times seen the tick before,
 * and Date.parse of each was a twentieth of a scrape. Emptied when large.
 */
const TIMES = new Map<string, number>();

class Decoder {
  constructor(private readonly opts: DecodeOptions) {}

  time(t: KTime | undefined): number {
    if (!t) return 0;
    let ms = TIMES.get(t);
    if (ms === undefined) {
      ms = Date.parse(t);
      if (Number.isNaN(ms)) ms = 0;
      if (TIMES.size >= 200_000) TIMES.clear();
      TIMES.set(t, ms);
    }
    return ms;
  }

  put(set: MetricSet, name: string, v: number | null | undefined): void {
    if (typeof v === 'number' && Number.isFinite(v)) set.values.set(name, v);
  }

  uptime(set: MetricSet): void {
    if (set.startTime > 0) set.values.set('uptime', Math.max(0, this.opts.now - set.startTime));
  }

  cpu(set: MetricSet, cpu: CPUStats | null | undefined): void {
    if (!cpu) return;
    // a zero counter is the CRI runtime's fill-in for "no stats", never a real running container
    if (cpu.usageCoreNanoSeconds) this.put(set, 'cpu/usage', cpu.usageCoreNanoSeconds);
    if (this.opts.cpuRateFromKubelet && typeof cpu.usageNanoCores === 'number' && cpu.usageCoreNanoSeconds !== 0) {
      set.values.set('cpu/usage_rate', Math.trunc(cpu.usageNanoCores / 1e6));
    }
  }

  memory(set: MetricSet, m: MemoryStats | null | undefined): void {
    if (!m) return;
    this.put(set, 'memory/usage', m.usageBytes);
    this.put(set, 'memory/working_set', m.workingSetBytes);
    this.put(set, 'memory/rss', m.rssBytes);
    this.put(set, 'memory/page_faults', m.pageFaults);
    this.put(set, 'memory/major_page_faults', m.majorPageFaults);
  }

  network(set: MetricSet, n: NetworkStats | null | undefined): void {
    if (!n) return;
    this.put(set, 'network/rx', n.rxBytes);
    this.put(set, 'network/rx_errors', n.rxErrors);
    this.put(set, 'network/tx', n.txBytes);
    this.put(set, 'network/tx_errors', n.txErrors);
  }

  fs(set: MetricSet, fs: FsStats, labels: Record<string, string>): void {
    this.labeled(set.labeled, 'filesystem/usage', labels, fs.usedBytes);
    this.labeled(set.labeled, 'filesystem/limit', labels, fs.capacityBytes);
    this.labeled(set.labeled, 'filesystem/available', labels, fs.availableBytes);
    this.labeled(set.labeled, 'filesystem/inodes', labels, fs.inodes);
    this.labeled(set.labeled, 'filesystem/inodes_free', labels, fs.inodesFree);
  }

  labeled(out: LabeledValues, name: string, labels: Record<string, string>, v: number | null | undefined): void {
    if (typeof v === 'number' && Number.isFinite(v)) out.add(name, labels, v);
  }

  container(set: MetricSet, c: ContainerStats): void {
    set.startTime = this.time(c.startTime);
    set.scrapeTime = this.time(c.cpu?.time) || this.time(c.memory?.time);
    this.uptime(set);
    this.cpu(set, c.cpu);
    this.memory(set, c.memory);
    // Heapster dereferenced both without a nil check; we need both present
    const root = c.rootfs?.usedBytes, logs = c.logs?.usedBytes;
    if (typeof root === 'number' && typeof logs === 'number') set.values.set('ephemeral_storage/usage', root + logs);
    if (c.rootfs) this.fs(set, c.rootfs, ROOT_FS);
    if (c.logs) this.fs(set, c.logs, LOGS_FS);
    for (const a of c.accelerators ?? []) {
      const labels = { make: a.make ?? '', model: a.model ?? '', accelerator_id: a.id ?? '' };
      this.labeled(set.labeled, 'accelerator/memory_total', labels, a.memoryTotal);
      this.labeled(set.labeled, 'accelerator/memory_used', labels, a.memoryUsed);
      this.labeled(set.labeled, 'accelerator/duty_cycle', labels, a.dutyCycle);
    }
    for (const m of c.userDefinedMetrics ?? []) {
      if (m.name && UDM_TYPES.has(m.type ?? '')) this.put(set, `custom/${m.name}`, m.value);
    }
  }
}

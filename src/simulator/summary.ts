import * as S from './stats.js';
import type { SimNode, SimPod, Workload } from './workload.js';

const GiB = 2 ** 30;
/** kubelet timestamps: RFC 3339 in UTC with whole seconds (metav1.Time). */
export const kubeTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The node's Summary API answer at wall time `t`, as a kubelet would build it (Windows-shaped on request). */
export function buildSummary(w: Workload, node: SimNode, t: number, windows = false): object {
  const tt = w.statsTime(node, t);
  const time = kubeTime(tt);
  const pods = w.podsOn(node, tt);
  const podStats = pods.map((p) => podSummary(p, tt, time, node, windows));
  const podsWs = pods.reduce((s, p) => s + S.podWorkingSet(p, tt), 0);
  const podsUsage = pods.reduce((s, p) => s + S.podMemoryUsage(p, tt), 0);
  const slotCores = Math.min(node.cpuCores * 0.8, 0.08 * w.opts.podsPerNode);
  const cpu = S.nodeCpu(node, slotCores, tt);
  const nodeWs = podsWs + Math.round(1.2 * GiB);
  const sinceBoot = (tt - node.bootMs) / 1000;
  const memory = (ws: number, usage: number, faults: number) => ({
    time, availableBytes: node.memBytes - ws, usageBytes: usage, workingSetBytes: ws,
    ...(windows ? {} : { rssBytes: Math.round(ws * 0.6), pageFaults: faults, majorPageFaults: Math.floor(faults / 1000) }),
  });
  const sysUnit = (name: string, cores: number, memBytes: number) => ({
    name, startTime: kubeTime(node.bootMs + 20_000),
    cpu: { time, usageNanoCores: Math.round(cores * 1e9), usageCoreNanoSeconds: Math.round(cores * 1e9 * (sinceBoot - 20)) },
    memory: memory(memBytes, memBytes + 8 * 2 ** 20, Math.floor(sinceBoot * 3)),
  });
  const rx = Math.round(sinceBoot * 250_000), tx = Math.round(sinceBoot * 150_000);
  const fsUsed = 20 * GiB + (node.index % 7) * GiB + Math.floor(sinceBoot) * 4096;
  return {
    node: {
      nodeName: node.name,
      systemContainers: windows
        ? [{ name: 'pods', startTime: time, cpu: { time: null, usageNanoCores: 0, usageCoreNanoSeconds: 0 }, memory: { time: null, workingSetBytes: podsWs, usageBytes: podsUsage } }]
        : [sysUnit('kubelet', 0.04, 96 * 2 ** 20), sysUnit('runtime', 0.02, 180 * 2 ** 20), {
          ...sysUnit('pods', slotCores, podsWs), memory: memory(podsWs, podsUsage, 0),
        }],
      startTime: kubeTime(node.bootMs),
      cpu: { time, usageNanoCores: Math.round(cpu.rateCores * 1e9), usageCoreNanoSeconds: cpu.counterNs },
      memory: memory(nodeWs, nodeWs + 2 * GiB, Math.floor(sinceBoot * 40)),
      network: { time, name: 'eth0', rxBytes: rx, rxErrors: 0, txBytes: tx, txErrors: 0, interfaces: [{ name: 'eth0', rxBytes: rx, rxErrors: 0, txBytes: tx, txErrors: 0 }] },
      fs: fsStats(time, node.fsBytes, fsUsed, windows),
      runtime: { imageFs: fsStats(time, node.fsBytes, 6 * GiB, windows) },
      ...(windows ? {} : { rlimit: { time, maxpid: 4194304, curproc: 300 + pods.length * 12 } }),
    },
    pods: podStats,
  };
}

function fsStats(time: string, capacity: number, used: number, windows: boolean, available = capacity - used): object {
  const inodes = Math.floor(capacity / 16384);
  return {
    time, availableBytes: available, capacityBytes: capacity, usedBytes: used,
    ...(windows ? {} : { inodesFree: inodes - Math.floor(used / 16384), inodes, inodesUsed: Math.floor(used / 16384) }),
  };
}

function podSummary(p: SimPod, tt: number, time: string, node: SimNode, windows: boolean): object {
  const containers = p.containers.map((c) => {
    const start = S.containerStart(p, c, tt);
    const secs = (tt - start) / 1000;
    const root = S.rootfsUsed(c, start, tt), logs = S.logsUsed(start, tt);
    return {
      name: c.name,
      startTime: kubeTime(start),
      cpu: { time, usageNanoCores: Math.round(S.cpuRateCores(c, tt) * 1e9), usageCoreNanoSeconds: S.cpuCounterNs(c, start, tt) },
      memory: {
        time, usageBytes: S.memoryUsage(c, tt), workingSetBytes: S.workingSet(c, tt),
        ...(windows ? {} : { rssBytes: S.rss(c, tt), pageFaults: Math.floor(secs * 120), majorPageFaults: Math.floor(secs / 600) }),
      },
      rootfs: fsStats(time, node.fsBytes, root, windows, node.fsBytes - 30 * GiB),
      ...(windows ? {} : { logs: fsStats(time, node.fsBytes, logs, windows, node.fsBytes - 30 * GiB) }),
    };
  });
  const podSecs = (tt - p.startMs) / 1000;
  const rx = S.netRxBytes(p, tt), tx = S.netTxBytes(p, tt);
  const tokenVol = { ...fsStats(time, node.memBytes, 12288, windows), name: `kube-api-access-${p.uid.slice(0, 5)}` };
  const dataUsed = p.hasDataVolume ? 4096 * Math.floor((2 ** 20 + podSecs * 1000) / 4096) : 0;
  const volumes = p.hasDataVolume ? [tokenVol, { ...fsStats(time, node.fsBytes, dataUsed, windows, node.fsBytes - 30 * GiB), name: 'data' }] : [tokenVol];
  const ephemeral = containers.reduce((s, c) => s + (c.rootfs as { usedBytes: number }).usedBytes + ((c as { logs?: { usedBytes: number } }).logs?.usedBytes ?? 0), dataUsed);
  return {
    podRef: { name: p.name, namespace: p.namespace, uid: p.uid },
    startTime: kubeTime(p.startMs),
    containers,
    cpu: { time, usageNanoCores: Math.round(S.podCpuRateCores(p, tt) * 1e9), usageCoreNanoSeconds: S.podCpuCounterNs(p, tt) },
    memory: {
      time, usageBytes: S.podMemoryUsage(p, tt), workingSetBytes: S.podWorkingSet(p, tt),
      ...(windows ? {} : { rssBytes: S.podRss(p, tt), pageFaults: 0, majorPageFaults: 0 }),
    },
    network: { time, name: 'eth0', rxBytes: rx, rxErrors: 0, txBytes: tx, txErrors: 0, interfaces: [{ name: 'eth0', rxBytes: rx, rxErrors: 0, txBytes: tx, txErrors: 0 }] },
    volume: volumes,
    'ephemeral-storage': fsStats(time, node.fsBytes, ephemeral, windows, node.fsBytes - 30 * GiB),
    process_stats: { process_count: 3 },
  };
}

type Stats = { name?: string; startTime?: string; cpu?: unknown; memory?: unknown; swap?: unknown };
const cpuAndMemory = ({ name, startTime, cpu, memory, swap }: Stats) => ({ ...(name !== undefined ? { name } : {}), startTime, cpu, memory, ...(swap ? { swap } : {}) });

/**
 * What a kubelet answers `?only_cpu_and_memory=true` (GetCPUAndMemoryStats): the node's and every
 * system container's, pod's and container's cpu and memory, with no network, filesystem, volume,
 * rlimit or process stats. Its node startTime is the root cgroup's: here the boot time, as near enough.
 */
export function cpuAndMemorySummary(full: { node: Stats & { nodeName: string; systemContainers: Stats[] }; pods: (Stats & { podRef: unknown; containers: Stats[] })[] }): object {
  const { node, pods } = full;
  return {
    node: { nodeName: node.nodeName, systemContainers: node.systemContainers.map(cpuAndMemory), ...cpuAndMemory(node) },
    pods: pods.map((p) => ({ podRef: p.podRef, ...cpuAndMemory(p), containers: p.containers.map(cpuAndMemory) })),
  };
}

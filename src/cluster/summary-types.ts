/** Kubelet Summary API wire types (stats/v1alpha1). Every number may be absent; absent is not 0. */
export type KTime = string | null;
export interface CPUStats { time?: KTime; usageNanoCores?: number | null; usageCoreNanoSeconds?: number | null }
export interface MemoryStats {
  time?: KTime; availableBytes?: number | null; usageBytes?: number | null; workingSetBytes?: number | null;
  rssBytes?: number | null; pageFaults?: number | null; majorPageFaults?: number | null;
}
export interface InterfaceStats { name?: string; rxBytes?: number | null; rxErrors?: number | null; txBytes?: number | null; txErrors?: number | null }
export interface NetworkStats extends InterfaceStats { time?: KTime; interfaces?: InterfaceStats[] | null }
export interface FsStats {
  time?: KTime; availableBytes?: number | null; capacityBytes?: number | null; usedBytes?: number | null;
  inodesFree?: number | null; inodes?: number | null; inodesUsed?: number | null;
}
export interface VolumeStats extends FsStats { name?: string }
export interface AcceleratorStats { make?: string; model?: string; id?: string; memoryTotal?: number; memoryUsed?: number; dutyCycle?: number }
export interface UserDefinedMetric { name?: string; type?: string; value?: number; time?: KTime }
export interface ContainerStats {
  name: string; startTime?: KTime; cpu?: CPUStats | null; memory?: MemoryStats | null;
  rootfs?: FsStats | null; logs?: FsStats | null; accelerators?: AcceleratorStats[] | null;
  userDefinedMetrics?: UserDefinedMetric[] | null;
}
export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime?: KTime; containers?: ContainerStats[] | null; cpu?: CPUStats | null; memory?: MemoryStats | null;
  network?: NetworkStats | null; volume?: VolumeStats[] | null; 'ephemeral-storage'?: FsStats | null;
}
export interface NodeStats {
  nodeName: string; systemContainers?: ContainerStats[] | null; startTime?: KTime;
  cpu?: CPUStats | null; memory?: MemoryStats | null; network?: NetworkStats | null; fs?: FsStats | null;
}
export interface Summary { node: NodeStats; pods?: PodStats[] | null }

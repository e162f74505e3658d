import type { SimContainer, SimNode, SimPod } from './workload.js';

/** Closed forms of the simulated usage, so any instant costs O(1) and counters only ever grow. */
const TAU = 2 * Math.PI;
const PAUSE_CPU_CORES = 0.001;
const PAUSE_MEMORY = 1 << 20;

/** ∫ (a + b·sin(2πs/P + φ)) ds from `fromMs` to `toMs`, in units·seconds. */
export function integral(a: number, b: number, periodS: number, phase: number, fromMs: number, toMs: number): number {
  const s0 = fromMs / 1000, s1 = toMs / 1000;
  return a * (s1 - s0) - ((b * periodS) / TAU) * (Math.cos((TAU * s1) / periodS + phase) - Math.cos((TAU * s0) / periodS + phase));
}

export function containerStart(pod: SimPod, c: SimContainer, t: number): number {
  if (!c.restartEveryMs) return pod.startMs;
  return pod.startMs + Math.floor((t - pod.startMs) / c.restartEveryMs) * c.restartEveryMs;
}

export function restartCount(pod: SimPod, c: SimContainer, t: number): number {
  return c.restartEveryMs ? Math.max(0, Math.floor((t - pod.startMs) / c.restartEveryMs)) : 0;
}

export const cpuRateCores = (c: SimContainer, t: number): number => c.cpuA + c.cpuB * Math.sin((TAU * t) / 1000 / c.cpuPeriodS + c.phase);
export const cpuCounterNs = (c: SimContainer, from: number, t: number): number =>
  Math.round(1e9 * integral(c.cpuA, c.cpuB, c.cpuPeriodS, c.phase, from, t));

export function workingSet(c: SimContainer, t: number): number {
  const wave = 0.5 + 0.5 * Math.sin((TAU * t) / 1000 / c.memPeriodS + c.phase);
  return Math.round((c.memBase + c.memAmp * wave) / 4096) * 4096;
}
export const memoryUsage = (c: SimContainer, t: number): number => workingSet(c, t) + Math.round(c.memBase * 0.25 / 4096) * 4096;
export const rss = (c: SimContainer, t: number): number => Math.round((workingSet(c, t) * 0.8) / 4096) * 4096;

export const rootfsUsed = (c: SimContainer, since: number, t: number): number =>
  4096 * Math.floor((8 * 2 ** 20 + c.memBase / 64 + (t - since) / 1000 * 10) / 4096);
export const logsUsed = (since: number, t: number): number => 4096 * Math.floor((4096 + ((t - since) / 1000) * 200) / 4096);

export function podCpuCounterNs(pod: SimPod, t: number): number {
  let ns = 1e9 * PAUSE_CPU_CORES * ((t - pod.startMs) / 1000);
  for (const c of pod.containers) ns += 1e9 * integral(c.cpuA, c.cpuB, c.cpuPeriodS, c.phase, pod.startMs, t);
  return Math.round(ns);
}
export function podCpuRateCores(pod: SimPod, t: number): number {
  return pod.containers.reduce((s, c) => s + cpuRateCores(c, t), PAUSE_CPU_CORES);
}
export const podWorkingSet = (pod: SimPod, t: number): number => pod.containers.reduce((s, c) => s + workingSet(c, t), PAUSE_MEMORY);
export const podMemoryUsage = (pod: SimPod, t: number): number => pod.containers.reduce((s, c) => s + memoryUsage(c, t), PAUSE_MEMORY);
export const podRss = (pod: SimPod, t: number): number => pod.containers.reduce((s, c) => s + rss(c, t), PAUSE_MEMORY);

export const netRxBytes = (pod: SimPod, t: number): number => Math.round(integral(pod.netA, pod.netB, 600, 0, pod.startMs, t));
export const netTxBytes = (pod: SimPod, t: number): number => Math.round(integral(pod.netA * 0.6, pod.netB, 900, 1, pod.startMs, t));

/** The node's own CPU: the slot-average of its pods plus the system, as a smooth closed form since boot. */
export function nodeCpu(node: SimNode, slotCores: number, t: number): { counterNs: number; rateCores: number } {
  const a = 0.15 + slotCores, b = 0.05;
  return {
    counterNs: Math.round(1e9 * integral(a, b, 1200, node.index, node.bootMs, t)),
    rateCores: a + b * Math.sin((TAU * t) / 1000 / 1200 + node.index),
  };
}

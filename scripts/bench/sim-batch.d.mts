import type { Batch, NodeInfo, PodInfo } from '../../src/model/index.js';
import type { Workload } from '../../src/simulator/index.js';
import type { Archive, TickWriter } from '../../src/archive/index.js';

export function simNodes(w: Workload, at: number): NodeInfo[];
export function simBatch(w: Workload, t: number, stamp: number, prev: Batch | undefined, nodes: NodeInfo[]): { batch: Batch; pods: PodInfo[] };
export function benchRecording(name: string, nodes: number, resolutionMs: number): Promise<{ dir: string; archive: Archive; start: number; w: Workload; writer: TickWriter; nodes: NodeInfo[] }>;
export function recordedHours(name: string, nodes: number, hours: number, resolutionMs: number): Promise<{ dir: string; archive: Archive; start: number; end: number }>;

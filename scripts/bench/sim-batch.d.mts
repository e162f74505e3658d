import type { Batch, NodeInfo, PodInfo } from '../../src/model/index.js';
import type { Workload } from '../../src/simulator/index.js';

export function simNodes(w: Workload, at: number): NodeInfo[];
export function simBatch(w: Workload, t: number, stamp: number, prev: Batch | undefined, nodes: NodeInfo[]): { batch: Batch; pods: PodInfo[] };

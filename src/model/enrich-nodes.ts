import { nodeKey } from './keys.js';
import { joinLabels, L } from './labels.js';
import type { Batch, MetricSet, NodeInfo } from './types.js';

/** Heapster's NodeAutoscalingEnricher: capacity, allocatable, utilization, reservation, node labels. */
export function enrichNodes(batch: Batch, nodes: ReadonlyMap<string, NodeInfo>): void {
  for (const node of nodes.values()) {
    const set = batch.sets.get(nodeKey(node.name));
    if (!set) continue;
    set.labels[L.labels] = joinLabels(node.labels);
    addResource(set, 'cpu', 'cpu/usage_rate', node.capacity.cpu, node.allocatable.cpu);
    addResource(set, 'memory', 'memory/usage', node.capacity.memory, node.allocatable.memory);
    const eCap = node.capacity['ephemeral-storage'];
    const eAlloc = node.allocatable['ephemeral-storage'];
    if (eCap !== undefined && eAlloc !== undefined) {
      addResource(set, 'ephemeral_storage', 'ephemeral_storage/usage', eCap, eAlloc);
    }
  }
}

/** A missing input counts as 0, as in Heapster; ratios only when allocatable is not 0. */
function addResource(set: MetricSet, prefix: string, usage: string, capacity = 0, allocatable = 0): void {
  set.values.set(`${prefix}/node_capacity`, capacity);
  set.values.set(`${prefix}/node_allocatable`, allocatable);
  if (allocatable === 0) return;
  set.values.set(`${prefix}/node_utilization`, (set.values.get(usage) ?? 0) / allocatable);
  set.values.set(`${prefix}/node_reservation`, (set.values.get(`${prefix}/request`) ?? 0) / allocatable);
}

import { aggregateCluster, aggregateNamespaces, aggregateNodes, aggregatePods } from './aggregate.js';
import { enrichNodes } from './enrich-nodes.js';
import { enrichPods } from './enrich-pods.js';
import { computeRates } from './rates.js';
import type { Batch, NodeInfo, PodInfo } from './types.js';

export interface ClusterObjects {
  /** keyed by `podKey(namespace, name)` */
  pods: ReadonlyMap<string, PodInfo>;
  /** keyed by node name */
  nodes: ReadonlyMap<string, NodeInfo>;
}

/** Heapster's processor chain, in its order (metrics/heapster.go). Mutates and returns `batch`. */
export function processBatch(batch: Batch, prev: Batch | undefined, objects: ClusterObjects): Batch {
  computeRates(prev, batch);
  enrichPods(batch, objects.pods);
  aggregatePods(batch);
  aggregateNamespaces(batch);
  aggregateNodes(batch);
  aggregateCluster(batch);
  enrichNodes(batch, objects.nodes);
  return batch;
}

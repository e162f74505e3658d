import { aggregateCluster, aggregateNamespaces, aggregateNodes, aggregatePods } from './aggregate.js';
import { enrichNodes } from './enrich-nodes.js';
import { enrichPods } from './enrich-pods.js';
import { computeRates, type RateBase } from './rates.js';
import type { Batch, NodeInfo, PodInfo } from './types.js';

export interface ClusterObjects {
  /** keyed by `podKey(namespace, name)` */
  pods: ReadonlyMap<string, PodInfo>;
  /** keyed by node name */
  nodes: ReadonlyMap<string, NodeInfo>;
}

/**
 * Heapster's processor chain, in its order (metrics/heapster.go). Mutates and returns `batch`.
 * `prev`: the batch before, or what `RateBase.of` kept of it (all the rates need).
 */
export function processBatch(batch: Batch, prev: Batch | RateBase | undefined, objects: ClusterObjects): Batch {
  computeRates(prev, batch);
  enrichPods(batch, objects.pods);
  aggregatePods(batch);
  aggregateNamespaces(batch);
  aggregateNodes(batch);
  aggregateCluster(batch);
  enrichNodes(batch, objects.nodes);
  return batch;
}

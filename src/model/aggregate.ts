import { clusterKey, namespaceKey, nodeKey, podKey } from './keys.js';
import { L } from './labels.js';
import { newMetricSet, type Batch, type MetricSet } from './types.js';

/** Cumulative standard metrics PodAggregator never sums (reference §4). */
const NOT_SUMMED_TO_PODS = new Set([
  'uptime', 'cpu/usage', 'memory/page_faults', 'memory/major_page_faults',
  'network/rx', 'network/rx_errors', 'network/tx', 'network/tx_errors',
]);
/** What namespaces sum from pods and the cluster sums from namespaces. */
export const NAMESPACE_METRICS = ['cpu/usage_rate', 'memory/usage', 'cpu/request', 'cpu/limit', 'memory/request', 'memory/limit'] as const;
/** What nodes sum from their pods; ephemeral storage stops here. */
export const NODE_METRICS = [
  'cpu/request', 'cpu/limit', 'memory/request', 'memory/limit', 'ephemeral_storage/request', 'ephemeral_storage/limit',
] as const;
const POD_LABELS_COPIED = [L.podId, L.podName, L.namespaceName, L.namespaceId, L.hostname, L.hostId];

/** Containers → pods. A value the pod already has (pod-level kubelet stats, its own rate) wins. */
export function aggregatePods(batch: Batch): void {
  const sums = new Map<string, Map<string, number>>();
  for (const set of [...batch.sets.values()]) {
    if (set.type !== 'pod_container') continue;
    const key = podKey(set.labels[L.namespaceName] ?? '', set.labels[L.podName] ?? '');
    let pod = batch.sets.get(key);
    if (!pod) {
      const labels: Record<string, string> = { [L.type]: 'pod' };
      for (const k of POD_LABELS_COPIED) if (set.labels[k] !== undefined) labels[k] = set.labels[k];
      pod = newMetricSet(key, 'pod', labels);
      batch.sets.set(key, pod);
    }
    let podSums = sums.get(key);
    if (!podSums) sums.set(key, (podSums = new Map()));
    for (const [name, v] of set.values) {
      if (NOT_SUMMED_TO_PODS.has(name) || pod.values.has(name)) continue;
      podSums.set(name, (podSums.get(name) ?? 0) + v);
    }
  }
  for (const [key, podSums] of sums) {
    const pod = batch.sets.get(key)!;
    for (const [name, v] of podSums) pod.values.set(name, v);
  }
}

/** Pods → namespaces: the six metrics, creating each `ns` set. */
export function aggregateNamespaces(batch: Batch): void {
  for (const set of [...batch.sets.values()]) {
    if (set.type !== 'pod') continue;
    const name = set.labels[L.namespaceName] ?? '';
    const key = namespaceKey(name);
    let ns = batch.sets.get(key);
    if (!ns) {
      const labels: Record<string, string> = { [L.type]: 'ns', [L.namespaceName]: name };
      const nsId = set.labels[L.namespaceId];
      if (nsId) labels[L.namespaceId] = nsId;
      ns = newMetricSet(key, 'ns', labels);
      batch.sets.set(key, ns);
    }
    addInto(ns, set, NAMESPACE_METRICS);
  }
}

/** Pods → nodes, requests and limits only, into node sets that exist; pods without `nodename` are skipped. */
export function aggregateNodes(batch: Batch): void {
  for (const set of batch.sets.values()) {
    const nodename = set.labels[L.nodename];
    if (set.type !== 'pod' || !nodename) continue;
    const node = batch.sets.get(nodeKey(nodename));
    if (node) addInto(node, set, NODE_METRICS);
  }
}

/** Namespaces → cluster; a cluster set is written every batch, even an empty one. */
export function aggregateCluster(batch: Batch): void {
  const cluster = newMetricSet(clusterKey(), 'cluster', { [L.type]: 'cluster' });
  for (const set of batch.sets.values()) if (set.type === 'ns') addInto(cluster, set, NAMESPACE_METRICS);
  batch.sets.set(cluster.key, cluster);
}

function addInto(dst: MetricSet, src: MetricSet, names: readonly string[]): void {
  for (const name of names) {
    const v = src.values.get(name);
    if (v !== undefined) dst.values.set(name, (dst.values.get(name) ?? 0) + v);
  }
}

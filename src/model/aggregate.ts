import { clusterKey, namespaceKey, nodeKey } from './keys.js';
import { podKeyOf } from './enrich-pods.js';
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
  // how many values each pod had of its own: the containers' sums only go into values after those
  const own = new Map<MetricSet, number>();
  let lastKey: string | undefined;
  let pod: MetricSet | undefined;
  let frozen = 0;
  for (const set of batch.sets.values()) {
    if (set.type !== 'pod_container') continue;
    // a pod's containers follow it in a batch, so the pod is looked up once, not per container
    const key = podKeyOf(set);
    if (key !== lastKey || !pod) {
      lastKey = key;
      pod = batch.sets.get(key);
      if (!pod) {
        const labels: Record<string, string> = { [L.type]: 'pod' };
        for (const k of POD_LABELS_COPIED) if (set.labels[k] !== undefined) labels[k] = set.labels[k];
        pod = newMetricSet(key, 'pod', labels);
        batch.sets.set(key, pod);
      }
      let n = own.get(pod);
      if (n === undefined) own.set(pod, (n = pod.values.size));
      frozen = n;
    }
    const values = set.values;
    for (let i = 0; i < values.size; i++) {
      const name = values.nameAt(i);
      if (!NOT_SUMMED_TO_PODS.has(name)) pod.values.addAfter(frozen, name, values.valueAt(i));
    }
  }
}

/** Pods → namespaces: the six metrics, creating each `ns` set. */
export function aggregateNamespaces(batch: Batch): void {
  const namespaces = new Map<string, MetricSet>();
  for (const set of batch.sets.values()) {
    if (set.type !== 'pod') continue;
    const name = set.labels[L.namespaceName] ?? '';
    let ns = namespaces.get(name);
    if (!ns) {
      const key = namespaceKey(name);
      const labels: Record<string, string> = { [L.type]: 'ns', [L.namespaceName]: name };
      const nsId = set.labels[L.namespaceId];
      if (nsId) labels[L.namespaceId] = nsId;
      ns = newMetricSet(key, 'ns', labels);
      namespaces.set(name, ns);
    }
    addInto(ns, set, NAMESPACE_METRICS);
  }
  for (const ns of namespaces.values()) batch.sets.set(ns.key, ns);
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

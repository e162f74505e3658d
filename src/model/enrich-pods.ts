import { podContainerKey, podKey } from './keys.js';
import { joinLabels, L } from './labels.js';
import { newMetricSet, type Batch, type ContainerSpec, type MetricSet, type PodInfo } from './types.js';

/** Resources whose request/limit metrics Heapster always writes, 0 when the spec has none. */
const STANDARD_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
const METRIC_PREFIX: Record<string, string> = { cpu: 'cpu', memory: 'memory', 'ephemeral-storage': 'ephemeral_storage' };

/**
 * Heapster's PodBasedEnricher and NamespaceBasedEnricher: pod labels, requests and limits from the
 * spec, restart counts from the status, and stub container sets for spec containers without stats.
 */
export function enrichPods(batch: Batch, pods: ReadonlyMap<string, PodInfo>): void {
  for (const set of [...batch.sets.values()]) {
    if (set.type !== 'pod' && set.type !== 'pod_container') continue;
    const ns = set.labels[L.namespaceName] ?? '';
    const pod = pods.get(podKey(ns, set.labels[L.podName] ?? ''));
    if (!pod) continue;
    addPodLabels(set, pod);
    if (set.type === 'pod') {
      for (const c of pod.containers) ensureStubContainer(batch, set, pod, c);
      continue;
    }
    const spec = pod.containers.find((c) => c.name === set.labels[L.containerName]);
    if (spec) addContainerSpec(set, spec);
  }
  // a container whose pod set is missing gets a stub pod set, as Heapster does
  for (const set of [...batch.sets.values()]) {
    if (set.type !== 'pod_container') continue;
    const key = podKey(set.labels[L.namespaceName] ?? '', set.labels[L.podName] ?? '');
    if (batch.sets.has(key)) continue;
    const labels: Record<string, string> = { ...set.labels, [L.type]: 'pod' };
    delete labels[L.containerName];
    delete labels[L.containerBaseImage];
    batch.sets.set(key, newMetricSet(key, 'pod', labels));
  }
}

function addPodLabels(set: MetricSet, pod: PodInfo): void {
  set.labels[L.podId] = pod.uid;
  set.labels[L.labels] = joinLabels(pod.labels);
  if (pod.namespaceUid) set.labels[L.namespaceId] = pod.namespaceUid;
}

function ensureStubContainer(batch: Batch, podSet: MetricSet, pod: PodInfo, c: ContainerSpec): void {
  const key = podContainerKey(pod.namespace, pod.name, c.name);
  if (batch.sets.has(key)) return;
  const stub = newMetricSet(key, 'pod_container', { ...podSet.labels, [L.type]: 'pod_container', [L.containerName]: c.name });
  addContainerSpec(stub, c);
  batch.sets.set(key, stub);
}

function addContainerSpec(set: MetricSet, c: ContainerSpec): void {
  set.labels[L.containerBaseImage] = c.image;
  for (const r of STANDARD_RESOURCES) {
    set.values.set(`${METRIC_PREFIX[r]}/request`, c.requests[r] ?? 0);
    set.values.set(`${METRIC_PREFIX[r]}/limit`, c.limits[r] ?? 0);
  }
  for (const [r, amount] of Object.entries(c.requests)) {
    if (!(r in METRIC_PREFIX)) set.values.set(`${r}/request`, amount);
  }
  if (c.restartCount !== undefined) set.values.set('restart_count', c.restartCount);
}

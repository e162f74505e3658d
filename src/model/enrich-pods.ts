import { podContainerKey, podKey } from './keys.js';
import { joinLabels, L } from './labels.js';
import { newMetricSet, type Batch, type ContainerSpec, type MetricSet, type PodInfo } from './types.js';

/** Resources whose request/limit metrics Heapster always writes, 0 when the spec has none. */
const STANDARD_RESOURCES = [
  ['cpu', 'cpu/request', 'cpu/limit'],
  ['memory', 'memory/request', 'memory/limit'],
  ['ephemeral-storage', 'ephemeral_storage/request', 'ephemeral_storage/limit'],
] as const;
const STANDARD = new Set<string>(STANDARD_RESOURCES.map(([r]) => r));

/**
 * Heapster's PodBasedEnricher and NamespaceBasedEnricher: pod labels, requests and limits from the
 * spec, restart counts from the status, and stub container sets for spec containers without stats.
 */
export function enrichPods(batch: Batch, pods: ReadonlyMap<string, PodInfo>): void {
  const added: MetricSet[] = [];
  const podSets = new Map<PodInfo, MetricSet>();
  /** spec containers that have a set, per pod: most pods have all, and need no lookup per container */
  const matched = new Map<PodInfo, number>();
  // a pod's containers follow it in a batch: the pod is looked up once, and its matches counted apart
  let lastKey: string | undefined;
  let pod: PodInfo | undefined;
  let labels = '';
  let count = 0;
  const flush = () => {
    if (pod && count) matched.set(pod, (matched.get(pod) ?? 0) + count);
    count = 0;
  };
  for (const set of batch.sets.values()) {
    if (set.type !== 'pod' && set.type !== 'pod_container') continue;
    const key = podKeyOf(set);
    if (key !== lastKey) {
      flush();
      lastKey = key;
      pod = pods.get(key);
      if (pod) labels = joinedLabels(pod);
    }
    if (!pod) continue;
    addPodLabels(set, pod, labels);
    if (set.type === 'pod') {
      podSets.set(pod, set);
      continue;
    }
    const name = set.labels[L.containerName];
    for (const spec of pod.containers) {
      if (spec.name !== name) continue;
      addContainerSpec(set, spec);
      count++;
      break;
    }
  }
  flush();
  for (const [pod, set] of podSets) {
    if ((matched.get(pod) ?? 0) === pod.containers.length) continue;
    for (const c of pod.containers) {
      if (!batch.sets.has(podContainerKey(pod.namespace, pod.name, c.name))) added.push(stubContainer(set, pod, c));
    }
  }
  for (const stub of added) batch.sets.set(stub.key, stub);
  // a container whose pod set is missing gets a stub pod set, as Heapster does
  let seen: string | undefined;
  for (const set of batch.sets.values()) {
    if (set.type !== 'pod_container') continue;
    const key = podKeyOf(set);
    if (key === seen || batch.sets.has(key)) {
      seen = key;
      continue;
    }
    const labels: Record<string, string> = { ...set.labels, [L.type]: 'pod' };
    delete labels[L.containerName];
    delete labels[L.containerBaseImage];
    batch.sets.set(key, newMetricSet(key, 'pod', labels));
  }
}

/**
 * A pod's labels as Heapster joins them, made once per pod object: with a watch the same objects
 * serve scrape after scrape, and joining 30,000 pods' labels was a tenth of the model.
 */
const JOINED = new WeakMap<PodInfo, string>();
function joinedLabels(pod: PodInfo): string {
  let s = JOINED.get(pod);
  if (s === undefined) JOINED.set(pod, (s = joinLabels(pod.labels)));
  return s;
}

/** The pod key of a pod or container set. */
export function podKeyOf(set: MetricSet): string {
  if (set.type === 'pod') return set.key;
  return set.parent ?? podKey(set.labels[L.namespaceName] ?? '', set.labels[L.podName] ?? '');
}

function addPodLabels(set: MetricSet, pod: PodInfo, joinedLabels: string): void {
  set.labels[L.podId] = pod.uid;
  set.labels[L.labels] = joinedLabels;
  if (pod.namespaceUid) set.labels[L.namespaceId] = pod.namespaceUid;
}

function stubContainer(podSet: MetricSet, pod: PodInfo, c: ContainerSpec): MetricSet {
  const key = podContainerKey(pod.namespace, pod.name, c.name);
  const stub = newMetricSet(key, 'pod_container', { ...podSet.labels, [L.type]: 'pod_container', [L.containerName]: c.name }, podSet.key);
  addContainerSpec(stub, c);
  return stub;
}

function addContainerSpec(set: MetricSet, c: ContainerSpec): void {
  set.labels[L.containerBaseImage] = c.image;
  for (const [r, request, limit] of STANDARD_RESOURCES) {
    set.values.set(request, c.requests[r] ?? 0);
    set.values.set(limit, c.limits[r] ?? 0);
  }
  for (const r in c.requests) {
    if (!STANDARD.has(r)) set.values.set(`${r}/request`, c.requests[r]!);
  }
  if (c.restartCount !== undefined) set.values.set('restart_count', c.restartCount);
}

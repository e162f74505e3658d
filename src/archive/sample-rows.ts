import { L, type MetricSet } from '../model/index.js';

/** The series columns of a sample row (design.md §4), in the order files are sorted by. */
export interface SeriesColumns {
  metric: string;
  type: string;
  namespace: string | null;
  pod: string | null;
  container: string | null;
  resource_id: string | null;
  node: string | null;
  pod_uid: string | null;
}

/** The identity of a set's columns apart from metric and resource_id. */
export function entityColumns(set: MetricSet): Omit<SeriesColumns, 'metric' | 'resource_id'> {
  const l = set.labels;
  const inNamespace = set.type === 'ns' || set.type === 'pod' || set.type === 'pod_container';
  const hasNode = set.type !== 'ns' && set.type !== 'cluster';
  return {
    type: set.type,
    namespace: inNamespace ? (l[L.namespaceName] ?? null) : null,
    pod: set.type === 'pod' || set.type === 'pod_container' ? (l[L.podName] ?? null) : null,
    container: set.type === 'pod_container' || set.type === 'sys_container' ? (l[L.containerName] ?? null) : null,
    node: hasNode ? (l[L.nodename] || null) : null,
    pod_uid: set.type === 'pod' || set.type === 'pod_container' ? (l[L.podId] || null) : null,
  };
}

/** A labeled value's `resource_id`: the filesystem, or the accelerator id. */
export function resourceIdOf(labels: Record<string, string>): string {
  return labels[L.resourceId] ?? labels.accelerator_id ?? '';
}

import { L, type Batch } from '../model/index.js';

export interface RecordScope {
  /** keep only this namespace's pods, containers and namespace set */
  namespace?: string;
  /** keep only pods (and their containers) whose labels match */
  podMatches?: (labels: Record<string, string>) => boolean;
}

/**
 * Drops what the user asked not to keep. Nodes, system containers and the cluster set stay: they
 * describe the machines and the whole, whatever slice of the workload is recorded.
 */
export function narrowBatch(batch: Batch, scope: RecordScope, podLabels: (ns: string, pod: string) => Record<string, string> | undefined): Batch {
  if (!scope.namespace && !scope.podMatches) return batch;
  const sets = new Map(batch.sets);
  for (const [key, set] of batch.sets) {
    if (set.type !== 'ns' && set.type !== 'pod' && set.type !== 'pod_container') continue;
    const ns = set.labels[L.namespaceName] ?? '';
    if (scope.namespace && ns !== scope.namespace) {
      sets.delete(key);
      continue;
    }
    if (scope.podMatches && set.type !== 'ns' && !scope.podMatches(podLabels(ns, set.labels[L.podName] ?? '') ?? {})) sets.delete(key);
  }
  return { timestamp: batch.timestamp, sets };
}

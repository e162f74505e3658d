import { usageError, workloadOf } from '../model/index.js';
import { closest } from './suggest.js';
import type { Target } from './target.js';

export interface OwnedPod {
  namespace: string;
  name: string;
  ownerKind?: string;
  ownerName?: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * A workload target (`deployments/web/frontend`) becomes the list of pods it owns, from the pod
 * objects of the live cluster or the archive; any other target is returned as it is. A workload
 * without pods is an error naming the workloads of that kind the namespace does have.
 */
export function resolveWorkload(t: Target, pods: Iterable<OwnedPod>): Target {
  if (t.kind !== 'pod-list' || !t.workload) return t;
  const { kind, name } = t.workload;
  const owned: string[] = [];
  const others = new Set<string>();
  for (const p of pods) {
    if (p.namespace !== t.namespace) continue;
    const w = workloadOf(p);
    if (w.kind !== kind) continue;
    if (w.name === name) owned.push(p.name);
    else others.add(w.name);
  }
  if (!owned.length) {
    const near = closest(name, [...others], 3);
    throw usageError(`no pods of ${kind} ${t.namespace}/${name}`, near.length
      ? `did you mean ${near.join(', ')}?` : `the ${kind}s of ${t.namespace} own no pods here; try \`kubectl heapster top ${kind.toLowerCase()}s -n ${t.namespace}\``);
  }
  return { ...t, pods: [...new Set(owned)].sort() };
}

import { L, podKey, type Batch, type ClusterObjects, type MetricSet } from '../model/index.js';
import { addValues, ownerFromPods, selectRows, specAmount } from './top-rows.js';
import type { TopRequest, TopRow, TopValues } from './top-types.js';

/** The usage a set carries, in `top`'s terms. */
function usage(set: MetricSet): TopValues {
  const v = (m: string) => set.values.get(m);
  const out: TopValues = {};
  const put = (k: keyof TopValues, m: string) => {
    const x = v(m);
    if (x !== undefined) (out as Record<string, number>)[k] = x;
  };
  put('cpu', 'cpu/usage_rate');
  put('memory', 'memory/working_set');
  put('rx', 'network/rx_rate');
  put('tx', 'network/tx_rate');
  put('ephemeral', 'ephemeral_storage/usage');
  return out;
}

/** A container's spec numbers: requests and limits (none is null), restarts. */
function spec(set: MetricSet): TopValues {
  const out: TopValues = {};
  const pairs = [['cpuRequest', 'cpu/request'], ['cpuLimit', 'cpu/limit'], ['memRequest', 'memory/request'], ['memLimit', 'memory/limit']] as const;
  for (const [k, m] of pairs) {
    const a = specAmount(set.values.get(m));
    if (a !== undefined) out[k] = a;
  }
  const restarts = set.values.get('restart_count');
  if (restarts !== undefined) out.restarts = restarts;
  return out;
}

/**
 * `top`'s rows from one processed batch, as kubectl top shows a moment: nodes from their sets,
 * containers from theirs, pods from theirs with their containers' requests, limits and restarts
 * summed; namespaces and workloads sum their pods.
 */
export function topFromBatch(batch: Batch, objects: ClusterObjects, req: TopRequest): TopRow[] {
  const base: TopRow[] = [];
  const pods = new Map<string, TopRow>();
  for (const set of batch.sets.values()) {
    const l = set.labels;
    if (set.type === 'node' && req.level === 'nodes') {
      const row: TopRow = { name: l[L.nodename] ?? '', values: usage(set) };
      const ca = set.values.get('cpu/node_allocatable'), ma = set.values.get('memory/node_allocatable');
      if (ca !== undefined) row.values.cpuAllocatable = ca;
      if (ma !== undefined) row.values.memAllocatable = ma;
      base.push(row);
    } else if (set.type === 'pod' && req.level !== 'nodes' && req.level !== 'containers') {
      const row: TopRow = { name: l[L.podName] ?? '', namespace: l[L.namespaceName] ?? '', node: l[L.nodename] ?? '', values: usage(set) };
      pods.set(set.key, row);
      base.push(row);
    } else if (set.type === 'pod_container' && req.level === 'containers') {
      base.push({ name: l[L.containerName] ?? '', pod: l[L.podName] ?? '', namespace: l[L.namespaceName] ?? '', node: l[L.nodename] ?? '', values: { ...usage(set), ...spec(set) } });
    }
  }
  if (pods.size) {
    // a pod's requests, limits and restarts are its containers'
    for (const set of batch.sets.values()) {
      if (set.type !== 'pod_container' || !set.parent) continue;
      const pod = pods.get(set.parent);
      if (pod) addValues(pod.values, spec(set));
    }
  }
  const labelsOf = (r: TopRow) => req.level === 'nodes'
    ? objects.nodes.get(r.name)?.labels
    : objects.pods.get(podKey(r.namespace ?? '', req.level === 'containers' ? r.pod! : r.name))?.labels;
  return selectRows(base, req, labelsOf, ownerFromPods(objects.pods));
}

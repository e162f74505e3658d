import { newMetricSet, nodeKey, podContainerKey, podKey, L, type ClusterObjects, type MetricSet } from '../model/index.js';
import { statusError, type ApiClient } from './api-client.js';
import { containerLabels, podLabels } from './decode-summary.js';
import { parseQuantity } from './quantity.js';

const GV = '/apis/metrics.k8s.io/v1beta1';

interface Usage { cpu?: string; memory?: string }
interface NodeMetrics { metadata: { name: string }; timestamp?: string; usage?: Usage }
interface PodMetrics { metadata: { name: string; namespace: string }; timestamp?: string; containers?: { name: string; usage?: Usage }[] }

export interface ResourceMetricsQuery {
  /** nodes, or pods (of one namespace, or all) */
  nodes: boolean;
  namespace?: string;
  /** one node or pod by name */
  name?: string;
  timeoutMs: number;
}

/**
 * cpu and memory from the Resource Metrics API (metrics.k8s.io, served by metrics-server), as
 * Heapster sets: cpu/usage_rate in millicores and memory/working_set in bytes, which is what
 * metrics-server reports as `memory`. For users whom `nodes/proxy` is refused: `kubectl top`
 * reads the same numbers. Undefined when the API is not served (404), so the caller can say so.
 */
export async function resourceMetricSets(client: ApiClient, q: ResourceMetricsQuery, objects: ClusterObjects): Promise<MetricSet[] | undefined> {
  const path = q.nodes ? `${GV}/nodes` : q.namespace !== undefined ? `${GV}/namespaces/${encodeURIComponent(q.namespace)}/pods` : `${GV}/pods`;
  const res = await client.get(q.name !== undefined ? `${path}/${encodeURIComponent(q.name)}` : path, q.timeoutMs);
  if (res.status === 404 && q.name === undefined) return undefined;
  if (res.status === 404) return [];
  if (res.status !== 200) throw statusError(res, path, client.server);
  const body = JSON.parse(res.body) as { items?: unknown[] };
  const items = (q.name !== undefined ? [body] : body.items ?? []) as (NodeMetrics & PodMetrics)[];
  const sets: MetricSet[] = [];
  const put = (set: MetricSet, u: Usage | undefined) => {
    // metrics-server's cpu is nanocores ("123456789n"); whole millicores rounded up, as kubectl top's MilliValue prints them
    const cpu = parseQuantity(u?.cpu), mem = parseQuantity(u?.memory);
    if (Number.isFinite(cpu)) set.values.set('cpu/usage_rate', Math.ceil(Math.round(cpu * 1e9) / 1e6));
    if (Number.isFinite(mem)) set.values.set('memory/working_set', mem);
    return Number.isFinite(cpu) ? Math.round(cpu * 1e9) : 0;
  };
  for (const m of items) {
    if (q.nodes) {
      const node = objects.nodes.get(m.metadata.name);
      const set = newMetricSet(nodeKey(m.metadata.name), 'node', { [L.type]: 'node', [L.nodename]: m.metadata.name, [L.hostname]: node?.hostname || m.metadata.name, [L.hostId]: node?.hostId ?? '' });
      put(set, m.usage);
      sets.push(set);
      continue;
    }
    const { name, namespace } = m.metadata;
    const info = objects.pods.get(podKey(namespace, name));
    const nodename = info?.nodeName ?? '';
    const p = { nodename, hostname: objects.nodes.get(nodename)?.hostname || nodename, hostId: objects.nodes.get(nodename)?.hostId ?? '', podId: info?.uid ?? '', podName: name, namespace };
    const pod = newMetricSet(podKey(namespace, name), 'pod', podLabels(p));
    sets.push(pod);
    let cpu = 0, mem = 0;
    for (const c of m.containers ?? []) {
      const set = newMetricSet(podContainerKey(namespace, name, c.name), 'pod_container', containerLabels(p, c.name), pod.key);
      cpu += put(set, c.usage);
      mem += set.values.get('memory/working_set') ?? 0;
      sets.push(set);
    }
    // a pod's usage is its containers', summed before it is rounded up to millicores, as kubectl top does
    pod.values.set('cpu/usage_rate', Math.ceil(cpu / 1e6));
    pod.values.set('memory/working_set', mem);
  }
  return sets;
}

/**
 * metrics.k8s.io as metrics-server serves it, from the simulated kubelets' summaries: a node's
 * and each container's cpu as nanocores and memory as the working set (metrics-server reads the
 * same kubelet numbers). Written apart from the plugin's reader so each can catch the other's slips.
 */
const GROUP = 'metrics.k8s.io', GV = `${GROUP}/v1beta1`;

export const METRICS_GROUP = { name: GROUP, versions: [{ groupVersion: GV, version: 'v1beta1' }], preferredVersion: { groupVersion: GV, version: 'v1beta1' } };
export const METRICS_RESOURCES = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GV, resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

interface SummaryJson {
  node: { nodeName: string; cpu?: { time?: string; usageNanoCores?: number }; memory?: { workingSetBytes?: number } };
  pods?: { podRef: { name: string; namespace: string }; containers?: { name: string; cpu?: { time?: string; usageNanoCores?: number }; memory?: { workingSetBytes?: number } }[] }[];
}

/** Bytes as a resource.Quantity in BinarySI prints them: Ki when whole. */
const bytes = (b: number) => (b % 1024 === 0 ? `${b / 1024}Ki` : String(b));
const usage = (cpu: number | undefined, mem: number | undefined) => ({ cpu: `${Math.round(cpu ?? 0)}n`, memory: bytes(mem ?? 0) });

export function nodeMetrics(s: SummaryJson, labels: Record<string, string>): object {
  return {
    kind: 'NodeMetrics', apiVersion: GV,
    metadata: { name: s.node.nodeName, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), labels },
    timestamp: s.node.cpu?.time, window: '15s', usage: usage(s.node.cpu?.usageNanoCores, s.node.memory?.workingSetBytes),
  };
}

export function podMetrics(s: SummaryJson): { namespace: string; name: string; object: object }[] {
  return (s.pods ?? []).map((p) => ({
    namespace: p.podRef.namespace, name: p.podRef.name,
    object: {
      kind: 'PodMetrics', apiVersion: GV,
      metadata: { name: p.podRef.name, namespace: p.podRef.namespace, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      timestamp: p.containers?.[0]?.cpu?.time, window: '15s',
      containers: (p.containers ?? []).map((c) => ({ name: c.name, usage: usage(c.cpu?.usageNanoCores, c.memory?.workingSetBytes) })),
    },
  }));
}

export const metricsList = (kind: 'NodeMetricsList' | 'PodMetricsList', items: object[]) => ({ kind, apiVersion: GV, metadata: {}, items });

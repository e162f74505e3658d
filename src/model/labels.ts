/** Heapster's label keys (core/labels.go). */
export const L = {
  type: 'type',
  podId: 'pod_id',
  podName: 'pod_name',
  namespaceName: 'namespace_name',
  namespaceId: 'namespace_id',
  containerName: 'container_name',
  containerBaseImage: 'container_base_image',
  labels: 'labels',
  nodename: 'nodename',
  hostname: 'hostname',
  hostId: 'host_id',
  resourceId: 'resource_id',
} as const;

/** Kubernetes labels as Heapster stores them: `key:value`, sorted, joined by `,`. */
export function joinLabels(labels: Record<string, string>, separator = ','): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}:${v}`)
    .sort()
    .join(separator);
}

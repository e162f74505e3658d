/** Metric set keys, one function per entity level, exactly as Heapster's core/ms_keys.go. */
export const clusterKey = (): string => 'cluster';
export const nodeKey = (node: string): string => `node:${node}`;
export const namespaceKey = (ns: string): string => `namespace:${ns}`;
export const podKey = (ns: string, pod: string): string => `namespace:${ns}/pod:${pod}`;
export const podContainerKey = (ns: string, pod: string, container: string): string =>
  `namespace:${ns}/pod:${pod}/container:${container}`;
export const sysContainerKey = (node: string, container: string): string => `node:${node}/container:${container}`;

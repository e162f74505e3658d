/**
 * Metric set keys, one function per entity level, exactly as Heapster's core/ms_keys.go.
 * Built with `join`, which makes one flat string: a template literal makes a chain of V8 cons
 * strings, four objects per key that the garbage collector copies and every Map lookup walks.
 */
export const clusterKey = (): string => 'cluster';
export const nodeKey = (node: string): string => ['node:', node].join('');
export const namespaceKey = (ns: string): string => ['namespace:', ns].join('');
export const podKey = (ns: string, pod: string): string => ['namespace:', ns, '/pod:', pod].join('');
export const podContainerKey = (ns: string, pod: string, container: string): string =>
  ['namespace:', ns, '/pod:', pod, '/container:', container].join('');
export const sysContainerKey = (node: string, container: string): string => ['node:', node, '/container:', container].join('');

export interface KeyParts {
  type: 'cluster' | 'node' | 'ns' | 'pod' | 'pod_container' | 'sys_container';
  node?: string;
  namespace?: string;
  pod?: string;
  container?: string;
}

/** The inverse of the key functions above; undefined for a string that is not a metric set key. */
export function parseKey(key: string): KeyParts | undefined {
  if (key === 'cluster') return { type: 'cluster' };
  let m = /^node:([^/]+)(?:\/container:(.+))?$/.exec(key);
  if (m) return m[2] !== undefined ? { type: 'sys_container', node: m[1]!, container: m[2] } : { type: 'node', node: m[1]! };
  m = /^namespace:([^/]+)(?:\/pod:([^/]+)(?:\/container:(.+))?)?$/.exec(key);
  if (!m) return undefined;
  if (m[2] === undefined) return { type: 'ns', namespace: m[1]! };
  if (m[3] === undefined) return { type: 'pod', namespace: m[1]!, pod: m[2] };
  return { type: 'pod_container', namespace: m[1]!, pod: m[2], container: m[3] };
}

/** The key of an entity given its columns, as the archive stores them. */
export function keyOfParts(p: KeyParts): string {
  switch (p.type) {
    case 'cluster': return clusterKey();
    case 'node': return nodeKey(p.node ?? '');
    case 'ns': return namespaceKey(p.namespace ?? '');
    case 'pod': return podKey(p.namespace ?? '', p.pod ?? '');
    case 'pod_container': return podContainerKey(p.namespace ?? '', p.pod ?? '', p.container ?? '');
    case 'sys_container': return sysContainerKey(p.node ?? '', p.container ?? '');
  }
}

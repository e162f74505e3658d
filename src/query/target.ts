import { usageError, WORKLOAD_KINDS, type EntityType, type Workload } from '../model/index.js';

/** What a query names: one entity, a list of pods, or a collection to list or to show every member of. */
export type Target =
  | { kind: 'cluster' }
  | { kind: 'node'; node: string }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'pod'; namespace: string; pod: string }
  | { kind: 'container'; namespace: string; pod: string; container: string }
  | { kind: 'freecontainer'; node: string; container: string }
  /** `workload`: the pods a Deployment, StatefulSet, DaemonSet or Job owns, found by resolveWorkload */
  | { kind: 'pod-list'; namespace: string; pods: string[]; workload?: Workload }
  | { kind: 'nodes' }
  | { kind: 'namespaces' }
  | { kind: 'pods'; namespace?: string }
  | { kind: 'containers'; namespace: string; pod: string }
  | { kind: 'freecontainers'; node: string };

export interface TargetContext {
  /** `-n`, else the kubeconfig context's namespace */
  namespace: string;
  allNamespaces: boolean;
}

/** The words a target path may start with, or name pods with, as kubectl takes them. */
export const NODE: ReadonlySet<string> = new Set(['nodes', 'node', 'no']);
export const NS: ReadonlySet<string> = new Set(['namespaces', 'namespace', 'ns']);
export const POD: ReadonlySet<string> = new Set(['pods', 'pod', 'po']);

export const TARGET_FORMS = [
  'cluster', 'nodes', 'nodes/NODE', 'nodes/NODE/freecontainers', 'nodes/NODE/freecontainers/C', 'namespaces',
  'namespaces/NS', 'namespaces/NS/pods', 'namespaces/NS/pods/POD', 'namespaces/NS/pods/POD/containers',
  'namespaces/NS/pods/POD/containers/C', 'namespaces/NS/pod-list/P1,P2', 'pods (with -n or -A)', 'po/POD (with -n)',
  'deployments|statefulsets|daemonsets|jobs/NS/NAME', 'deploy/NAME (with -n)',
];

/** Parses Heapster's paths and kubectl's short forms (`ns/NS`, `no/NODE`, `po/POD` with `-n`). */
export function parseTarget(text: string, ctx: TargetContext): Target {
  const parts = text.replace(/^\/+|\/+$/g, '').split('/');
  const bad = () => usageError(`"${text}" is not a target`, `use one of: ${TARGET_FORMS.join(', ')}`);
  if (parts.some((p) => p === '')) throw bad();
  const [head = '', a, b, c, d, e] = parts;
  if (head === 'cluster' && parts.length === 1) return { kind: 'cluster' };
  if (NODE.has(head)) {
    if (a === undefined) return { kind: 'nodes' };
    if (b === undefined) return { kind: 'node', node: a };
    if (b === 'freecontainers' && c === undefined) return { kind: 'freecontainers', node: a };
    if (b === 'freecontainers' && d === undefined) return { kind: 'freecontainer', node: a, container: c! };
    throw bad();
  }
  if (NS.has(head)) {
    if (a === undefined) return { kind: 'namespaces' };
    if (b === undefined) return { kind: 'namespace', namespace: a };
    if (POD.has(b)) return podPath(a, c, d, e, bad);
    if (b === 'pod-list' && c !== undefined && d === undefined) {
      const pods = c.split(',').filter(Boolean);
      if (pods.length) return { kind: 'pod-list', namespace: a, pods };
    }
    throw bad();
  }
  const kind = WORKLOAD_KINDS[head];
  if (kind) {
    // NS/NAME as Heapster's paths name things, or NAME in -n's namespace as kubectl does
    if (a === undefined || c !== undefined) throw bad();
    return { kind: 'pod-list', namespace: b === undefined ? ctx.namespace : a, pods: [], workload: { kind, name: b ?? a } };
  }
  if (POD.has(head)) {
    if (a === undefined) return ctx.allNamespaces ? { kind: 'pods' } : { kind: 'pods', namespace: ctx.namespace };
    return podPath(ctx.namespace, a, b, c, bad);
  }
  throw bad();
}

function podPath(namespace: string, pod: string | undefined, sub: string | undefined, container: string | undefined, bad: () => Error): Target {
  if (pod === undefined) return { kind: 'pods', namespace };
  if (sub === undefined) return { kind: 'pod', namespace, pod };
  if (sub === 'containers') {
    return container === undefined ? { kind: 'containers', namespace, pod } : { kind: 'container', namespace, pod, container };
  }
  throw bad();
}

/** The entity level a target's series come from. */
export function targetLevel(t: Target): EntityType {
  switch (t.kind) {
    case 'cluster': return 'cluster';
    case 'node': case 'nodes': return 'node';
    case 'namespace': case 'namespaces': return 'ns';
    case 'pod': case 'pods': case 'pod-list': return 'pod';
    case 'container': case 'containers': return 'pod_container';
    case 'freecontainer': case 'freecontainers': return 'sys_container';
  }
}

/** A one-line name for a target, for headings and errors. */
export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'cluster': return 'cluster';
    case 'node': return `node ${t.node}`;
    case 'namespace': return `namespace ${t.namespace}`;
    case 'pod': return `pod ${t.namespace}/${t.pod}`;
    case 'container': return `container ${t.container} of pod ${t.namespace}/${t.pod}`;
    case 'freecontainer': return `system container ${t.container} on node ${t.node}`;
    case 'pod-list': return t.workload ? `${t.workload.kind} ${t.namespace}/${t.workload.name}` : `pods ${t.pods.join(',')} in ${t.namespace}`;
    case 'nodes': return 'nodes';
    case 'namespaces': return 'namespaces';
    case 'pods': return t.namespace ? `pods in ${t.namespace}` : 'pods in all namespaces';
    case 'containers': return `containers of pod ${t.namespace}/${t.pod}`;
    case 'freecontainers': return `system containers on node ${t.node}`;
  }
}

import type { ArchiveHistory, Point, Series } from '../query/index.js';
import { goTime } from '../render/index.js';
import type { ApiAnswer } from './model-api.js';

const GROUP = 'metrics.k8s.io', VERSION = 'v1beta1', GV = `${GROUP}/${VERSION}`;

/** Discovery documents, so kubectl finds the Resource Metrics API and the node list here. */
export function discovery(path: string): ApiAnswer | undefined {
  const gv = { groupVersion: GV, version: VERSION };
  switch (path) {
    case '/api': return { status: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] } };
    case '/apis': return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: GROUP, versions: [gv], preferredVersion: gv }] } };
    case `/apis/${GROUP}`: return { status: 200, body: { kind: 'APIGroup', apiVersion: 'v1', name: GROUP, versions: [gv], preferredVersion: gv } };
    case `/apis/${GV}`: return {
      status: 200,
      body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GV, resources: [
        { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
        { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
      ] },
    };
    case '/api/v1': return {
      status: 200,
      body: { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list'], shortNames: ['no'] }] },
    };
    default: return undefined;
  }
}

/** Each series' newest point by key: `top pods -A` looks up thousands of containers. */
function newestPoints(series: readonly Series[]): Map<string, Point> {
  const out = new Map<string, Point>();
  for (const s of series) {
    let newest = out.get(s.key);
    for (const p of s.points) if (!newest || p.timestamp > newest.timestamp) newest = p;
    if (newest) out.set(s.key, newest);
  }
  return out;
}

/**
 * How far back a usage may come from: Heapster's model kept whole batches 140 s. A batch whose
 * kubelet stats had not moved since the last (a resolution finer than the kubelet's ~10 s) has
 * no cpu/usage_rate, and `kubectl top` then said "metrics not available yet".
 */
const LOOKBACK_MS = 140_000;

const cpu = (millis: number) => `${Math.max(0, Math.round(millis))}m`;
const mem = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;
const notFound = (message: string): ApiAnswer => ({
  status: 404, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'NotFound', code: 404 },
});

/** The batch `kubectl top` shows: the newest one at or before `at`. */
async function batchTime(h: ArchiveHistory, at: number | undefined): Promise<number | undefined> {
  const newest = await h.newest();
  if (newest === undefined) return undefined;
  if (at === undefined || at >= newest) return newest;
  const pts = (await h.series(['cluster'], 'memory/usage', undefined, { end: at }))[0]?.points ?? [];
  return pts.at(-1)?.timestamp;
}

/**
 * The Resource Metrics API over a recorded minute: usage.cpu is cpu/usage_rate, usage.memory is
 * memory/working_set, as Heapster's metrics API served them; `window` is 1m0s, Heapster's resolution.
 */
export async function answerMetricsApi(h: ArchiveHistory, path: string, q: URLSearchParams, at: number | undefined): Promise<ApiAnswer | undefined> {
  const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(nodes|pods)(?:\/([^/]+))?$/.exec(path);
  const nodeList = path === '/api/v1/nodes' || /^\/api\/v1\/nodes\/[^/]+$/.test(path);
  if (!m && !nodeList) return undefined;
  const t = await batchTime(h, at);
  // entities as of the batch, as Heapster listed them from its newest; their values from the lookback
  const w = t === undefined ? undefined : { start: t, end: t };
  const back = t === undefined ? {} : { start: t - LOOKBACK_MS, end: t };
  if (nodeList) {
    const objs = await h.nodeObjects(t ?? Date.now());
    const one = path.split('/')[4];
    const items = objs.filter((n) => !one || n.node === one).map((n) => ({
      kind: 'Node', apiVersion: 'v1', metadata: { name: n.node, labels: n.labels },
      status: {
        capacity: { cpu: cpu(n.capacity.cpu ?? 0), memory: mem(n.capacity.memory ?? 0) },
        allocatable: { cpu: cpu(n.allocatable.cpu ?? 0), memory: mem(n.allocatable.memory ?? 0) },
        conditions: [{ type: 'Ready', status: n.ready ? 'True' : 'False' }], nodeInfo: { kubeletVersion: n.kubeletVersion },
      },
    }));
    if (one) return items[0] ? { status: 200, body: items[0] } : notFound(`nodes "${one}" not found`);
    return { status: 200, body: { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items } };
  }
  const [, namespace, kind, name] = m!;
  const selector = q.get('labelSelector') ?? undefined;
  const meta = (n: string, ns?: string) => ({ name: n, ...(ns ? { namespace: ns } : {}), creationTimestamp: goTime(Date.now()) });
  if (kind === 'nodes') {
    const nodes = w ? (await h.entities('node', {}, w)).filter((e) => !name || e.name === name) : [];
    const [cpuS, memS] = (await Promise.all(['cpu/usage_rate', 'memory/working_set'].map((metric) => h.series(nodes.map((n) => n.key), metric, undefined, back)))).map(newestPoints);
    const items = nodes.flatMap((n) => {
      const c = cpuS!.get(n.key), mm = memS!.get(n.key);
      return c !== undefined && mm !== undefined ? [{ metadata: meta(n.name), timestamp: goTime(c.timestamp), window: '1m0s', usage: { cpu: cpu(c.value), memory: mem(mm.value) } }] : [];
    });
    if (name) return items[0] ? { status: 200, body: { kind: 'NodeMetrics', apiVersion: GV, ...items[0] } } : notFound(`No metrics for node ${name}`);
    return { status: 200, body: { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items } };
  }
  const containers = w ? await h.entities('pod_container', { ...(namespace ? { namespace } : {}), ...(selector ? { labelSelector: selector } : {}) }, w) : [];
  const wanted = containers.filter((c) => !name || c.pod === name);
  const [cpuS, memS] = (await Promise.all(['cpu/usage_rate', 'memory/working_set'].map((metric) => h.series(wanted.map((c) => c.key), metric, undefined, back)))).map(newestPoints);
  const pods = new Map<string, { ns: string; pod: string; containers: { name: string; usage: { cpu: string; memory: string } }[]; complete: boolean; at: number }>();
  for (const c of wanted) {
    const id = `${c.namespace}/${c.pod}`;
    const entry = pods.get(id) ?? { ns: c.namespace!, pod: c.pod!, containers: [], complete: true, at: Infinity };
    const cp = cpuS!.get(c.key), mp = memS!.get(c.key);
    if (cp !== undefined && mp !== undefined) {
      entry.containers.push({ name: c.name, usage: { cpu: cpu(cp.value), memory: mem(mp.value) } });
      // a pod's usage is as old as its oldest container's
      entry.at = Math.min(entry.at, cp.timestamp);
    } else entry.complete = false;
    pods.set(id, entry);
  }
  // like Heapster: a pod is shown only when every container has metrics
  const items = [...pods.values()].filter((p) => p.complete && p.containers.length).map((p) => ({
    metadata: meta(p.pod, p.ns), timestamp: goTime(p.at), window: '1m0s', containers: p.containers,
  }));
  if (name) return items[0] ? { status: 200, body: { kind: 'PodMetrics', apiVersion: GV, ...items[0] } } : notFound(`No metrics for pod ${namespace}/${name}`);
  return { status: 200, body: { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items } };
}

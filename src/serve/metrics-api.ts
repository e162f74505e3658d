import { fieldSelector, labelSelector, PluginError, type ArchiveHistory, type Point, type Series } from '../query/index.js';
import { HttpError } from './heapster-params.js';
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

/**
 * How far back a CPU rate is taken from: the kubelet's CPU counters move every 10-15 s, so below
 * that resolution most batches have no rate for an entity (Heapster's rule), and at 1 s a recorded
 * 20-node cluster showed `kubectl top nodes` one node of 20. A minute is Heapster's own resolution.
 */
const RATE_LOOKBACK_MS = 60_000;

/** Each series' newest point among those read: the reads in usage() bound the window. */
function newestOf(series: readonly Series[]): Map<string, Point> {
  const out = new Map<string, Point>();
  for (const s of series) {
    for (const p of s.points) {
      const cur = out.get(s.key);
      if (!cur || p.timestamp > cur.timestamp) out.set(s.key, p);
    }
  }
  return out;
}

const cpu = (millis: number) => `${Math.max(0, Math.round(millis))}m`;
const mem = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;
const failure = (code: number, reason: string, message: string): ApiAnswer => ({
  status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
});
const notFound = (message: string) => failure(404, 'NotFound', message);

/** Go's Duration.String for whole seconds: 1m0s, 15s, 1h0m0s, as metrics-server writes `window`. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return h ? `${h}h${m}m${sec}s` : m ? `${m}m${sec}s` : `${sec}s`;
}

/** `fieldSelector` as the API server takes it for these lists; a field it does not select by is a 400. */
function selectFields(text: string | null, kind: 'nodes' | 'pods'): (f: Record<string, string | undefined>) => boolean {
  try {
    return fieldSelector(text, kind);
  } catch (e) {
    throw e instanceof PluginError ? new HttpError(400, e.message) : e;
  }
}

/** The batch `kubectl top` shows: the newest one at or before `at`. */
async function batchTime(h: ArchiveHistory, at: number | undefined): Promise<number | undefined> {
  const newest = await h.newest();
  if (newest === undefined) return undefined;
  if (at === undefined || at >= newest) return newest;
  const pts = (await h.series(['cluster'], 'memory/usage', undefined, { end: at }))[0]?.points ?? [];
  return pts.at(-1)?.timestamp;
}

/**
 * CPU and memory of these entities at batch `t`: memory from that batch (an entity not in it is
 * gone), CPU the newest rate within RATE_LOOKBACK_MS of it.
 */
async function usage(h: ArchiveHistory, keys: string[], t: number | undefined): Promise<[Map<string, Point>, Map<string, Point>]> {
  if (t === undefined || !keys.length) return [new Map(), new Map()];
  const [cpuS, memS] = await Promise.all([
    h.series(keys, 'cpu/usage_rate', undefined, { start: t - RATE_LOOKBACK_MS + 1, end: t }),
    h.series(keys, 'memory/working_set', undefined, { start: t, end: t }),
  ]);
  return [newestOf(cpuS), newestOf(memS)];
}

export interface MetricsApiOptions {
  /** the minute shown (ms); default the newest batch */
  at?: number;
  /** under `serve --live`: when the first batch is due, for the 503 before it */
  firstBatchBy?: () => number | undefined;
}

/**
 * The Resource Metrics API over one recorded batch, as metrics-server answers: usage.cpu is
 * cpu/usage_rate, usage.memory is memory/working_set, the memory from that batch alone (an entity
 * without it there is left out, not shown with older values) and the CPU rate the newest of the last
 * minute (see RATE_LOOKBACK_MS); `timestamp` is the batch's and `window` the
 * resolution it was recorded at. `labelSelector` and `fieldSelector` narrow nodes and pods.
 */
export async function answerMetricsApi(h: ArchiveHistory, path: string, q: URLSearchParams, o: MetricsApiOptions = {}): Promise<ApiAnswer | undefined> {
  const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(nodes|pods)(?:\/([^/]+))?$/.exec(path);
  const nodeList = path === '/api/v1/nodes' || /^\/api\/v1\/nodes\/[^/]+$/.test(path);
  if (!m && !nodeList) return undefined;
  const t = await batchTime(h, o.at);
  if (t === undefined && o.firstBatchBy) {
    const by = o.firstBatchBy();
    return failure(503, 'ServiceUnavailable', `no batch recorded yet; the first is expected by ${by !== undefined ? goTime(by) : 'the next resolution boundary'}`);
  }
  const w = t === undefined ? undefined : { start: t, end: t };
  const labels = q.get('labelSelector') || undefined;
  const matchLabels = labels ? labelSelector(labels) : undefined;
  if (nodeList) {
    const objs = await h.nodeObjects(t ?? Date.now());
    const one = path.split('/')[4];
    const fields = selectFields(q.get('fieldSelector'), 'nodes');
    const items = objs.filter((n) => (!one || n.node === one) && (!matchLabels || matchLabels(n.labels)) && fields({ 'metadata.name': n.node })).map((n) => ({
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
  const window = goDuration(await h.resolutionMs());
  const meta = (n: string, ns?: string) => ({ name: n, ...(ns ? { namespace: ns } : {}), creationTimestamp: goTime(Date.now()) });
  if (kind === 'nodes') {
    const fields = selectFields(q.get('fieldSelector'), 'nodes');
    const labelled = matchLabels && t !== undefined ? new Set((await h.nodeObjects(t)).filter((n) => matchLabels(n.labels)).map((n) => n.node)) : undefined;
    const nodes = w ? (await h.entities('node', {}, w)).filter((n) => (!name || n.name === name) && (!labelled || labelled.has(n.name)) && fields({ 'metadata.name': n.name })) : [];
    const [cpuS, memS] = await usage(h, nodes.map((n) => n.key), t);
    const items = nodes.flatMap((n) => {
      const c = cpuS!.get(n.key), mm = memS!.get(n.key);
      return c !== undefined && mm !== undefined ? [{ metadata: meta(n.name), timestamp: goTime(t!), window, usage: { cpu: cpu(c.value), memory: mem(mm.value) } }] : [];
    });
    if (name) return items[0] ? { status: 200, body: { kind: 'NodeMetrics', apiVersion: GV, ...items[0] } } : notFound(`nodemetrics.metrics.k8s.io "${name}" not found`);
    return { status: 200, body: { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items } };
  }
  const fields = selectFields(q.get('fieldSelector'), 'pods');
  const containers = w ? await h.entities('pod_container', { ...(namespace ? { namespace } : {}), ...(labels ? { labelSelector: labels } : {}) }, w) : [];
  const wanted = containers.filter((c) => (!name || c.pod === name) && fields({ 'metadata.name': c.pod, 'metadata.namespace': c.namespace, 'spec.nodeName': c.node }));
  const [cpuS, memS] = await usage(h, wanted.map((c) => c.key), t);
  const pods = new Map<string, { ns: string; pod: string; containers: { name: string; usage: { cpu: string; memory: string } }[]; complete: boolean }>();
  for (const c of wanted) {
    const id = `${c.namespace}/${c.pod}`;
    const entry = pods.get(id) ?? { ns: c.namespace!, pod: c.pod!, containers: [], complete: true };
    const cp = cpuS!.get(c.key), mp = memS!.get(c.key);
    if (cp !== undefined && mp !== undefined) entry.containers.push({ name: c.name, usage: { cpu: cpu(cp.value), memory: mem(mp.value) } });
    else entry.complete = false;
    pods.set(id, entry);
  }
  // like metrics-server: a pod is shown only when every container has metrics in the batch
  const items = [...pods.values()].filter((p) => p.complete && p.containers.length).map((p) => ({
    metadata: meta(p.pod, p.ns), timestamp: goTime(t!), window, containers: p.containers,
  }));
  if (name) return items[0] ? { status: 200, body: { kind: 'PodMetrics', apiVersion: GV, ...items[0] } } : notFound(`podmetrics.metrics.k8s.io "${namespace}/${name}" not found`);
  return { status: 200, body: { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items } };
}

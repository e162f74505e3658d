import {
  ApiClient, collectBatch, listNodes, nodeWatch, PodWatch, resourceMetricSets,
  type CollectOptions, type LoadedConfig, type NodeFailure, type NodeQuery, type NodeSource, type PodSource,
} from '../cluster/index.js';
import { NODE_METRICS, PluginError, processBatch, type Batch, type ClusterObjects, type PodInfo } from '../model/index.js';
import { BatchHistory, missingError, resolveWorkload, type Target } from '../query/index.js';

export interface LiveOptions {
  config: LoadedConfig;
  target: Target;
  /** the metric asked for (its Heapster name); undefined for a listing */
  metric?: string;
  /** 0: one scrape, cpu/usage_rate from the kubelet's usageNanoCores; else two scrapes this far apart */
  rateIntervalMs: number;
  concurrency: number;
  nodeTimeoutMs: number;
  requestTimeoutMs: number;
  nodeSelector?: string;
  now?: () => number;
  /** the answer needs no metric but cpu and memory: one scrape asks the kubelets for those alone (see ProxySummaryGetter) */
  cpuAndMemoryOnly?: boolean;
  /** no pod listed: the answer needs nothing the pod objects tell (top nodes) */
  noPods?: boolean;
  /** what one refresh of `top --watch` leaves to the next */
  session?: LiveSession;
  /** told when the second scrape is awaited, so a person knows why it takes a while */
  onWait?: (ms: number) => void;
  /**
   * When every kubelet is refused (no `get nodes/proxy`), read cpu and memory from metrics.k8s.io
   * instead, as kubectl top does; told the one line to say. Only for answers those two metrics give.
   */
  onFallback?: (line: string) => void;
}

export interface LiveAnswer {
  history: BatchHistory;
  batch: Batch;
  objects: ClusterObjects;
  failures: NodeFailure[];
  nodesOk: number;
  source: 'kubelet' | 'metrics-api';
  /**
   * Of the sets both scrapes had, how many had kubelet stats no newer in the second: they give no
   * rates (Heapster's rule). Both 0 for one scrape.
   */
  unmoved: { sets: number; of: number };
}

/**
 * What `top --watch` keeps from one refresh to the next: its API client, and the cluster's pods and
 * nodes kept by watches, as `record` keeps them, once a refresh needs all of them. A refresh of `top
 * pods -A` listed every pod again (30,000 pods: a second of the API server's work and of this one's).
 * A session serves the refreshes of one request, so their node selector is one.
 */
export class LiveSession {
  private pods?: PodWatch;
  private nodes?: NodeSource;

  private constructor(readonly client: ApiClient, private readonly timeoutMs: number) {}

  static async open(config: LoadedConfig, concurrency: number, requestTimeoutMs: number): Promise<LiveSession> {
    return new LiveSession(await ApiClient.create(config, { maxSockets: concurrency || 64 }), requestTimeoutMs);
  }

  /** every pod of the cluster */
  podWatch(): PodSource {
    return (this.pods ??= new PodWatch(this.client, this.timeoutMs));
  }

  /** every node the selector picks */
  nodeWatch(selector: string | undefined): NodeSource {
    return (this.nodes ??= nodeWatch(this.client, this.timeoutMs, selector));
  }

  close(): void {
    this.pods?.close();
    this.nodes?.close();
    this.client.close();
  }
}

/** Scrapes the nodes a target needs (twice for counter rates) and runs the Heapster model. */
export async function liveHistory(o: LiveOptions): Promise<LiveAnswer> {
  const client = o.session?.client ?? await ApiClient.create(o.config, { maxSockets: o.concurrency || 64 });
  try {
    let chosen: ReadonlySet<string> | undefined;
    const nodes = nodeQuery(o.target, o.nodeSelector);
    const pods = o.noPods ? { pods: fixed<PodInfo>(new Map()) } : podSource(o.target, o.metric);
    const opts: CollectOptions = {
      resolutionMs: 1000, now: o.now ?? Date.now, concurrency: o.concurrency, nodeTimeoutMs: o.nodeTimeoutMs,
      requestTimeoutMs: o.requestTimeoutMs, jitterMs: 0, nodeQuery: nodes,
      cpuRateFromKubelet: o.rateIntervalMs === 0,
      // one scrape only: across two, a pod without network stats has no rates of its own (Heapster's
      // rule), and its containers' sum would stand in for them
      cpuAndMemoryOnly: o.cpuAndMemoryOnly && o.rateIntervalMs === 0,
      chooseNodes: (objects) => (chosen ??= nodesFor(o.target, objects)),
      chooseFromNodes: choosesFromNodes(o.target),
      ...pods,
      // a session's refreshes keep every pod and node by watches; one node or namespace is listed again
      ...(o.session && !pods.pods && !pods.podQuery ? { pods: o.session.podWatch() } : {}),
      ...(o.session && !nodes.fieldSelector ? { nodes: o.session.nodeWatch(nodes.labelSelector) } : {}),
    };
    const first = await collectBatch(client, opts);
    if (opts.nodeQuery?.fieldSelector && first.objects.nodes.size === 0) {
      // no such node: the names of all of them, listed (not scraped), so the error can name the closest
      const all = await listNodes(client, { labelSelector: o.nodeSelector }, o.requestTimeoutMs);
      // nodeQuery selects by name only for targets that name a node
      const err = missingError({ kind: 'node', node: (o.target as { node: string }).node }, all.map((n) => n.name));
      if (err) throw err;
    }
    let last = first, prev: Batch | undefined, unmoved = { sets: 0, of: 0 };
    if (o.rateIntervalMs > 0) {
      o.onWait?.(o.rateIntervalMs);
      await new Promise((r) => setTimeout(r, o.rateIntervalMs));
      processBatch(first.batch, undefined, first.objects);
      prev = first.batch;
      // the pods and nodes listed a few seconds ago serve again, as a watch's would: a second list
      // of every pod and node would cost the API server and this scrape as much as the first
      last = await collectBatch(client, { ...opts, pods: fixed(first.objects.pods), nodes: fixed(first.objects.nodes) });
      unmoved = unmovedStats(first.batch, last.batch);
    }
    const asked = last.nodesOk + last.failures.length;
    const refused = last.failures.find((f) => f.reason === 'forbidden' || f.reason === 'unauthorized');
    if (asked > 0 && last.nodesOk === 0 && refused) {
      // the nodes that refused: a NotReady node was never asked
      const refusing = last.failures.filter((f) => f.reason === refused.reason).length;
      const viaApi = o.onFallback && refused.reason === 'forbidden' ? await fromResourceMetrics(client, o, last.objects, last.batch.timestamp) : undefined;
      if (viaApi) {
        o.onFallback!(`nodes/proxy is forbidden for this user; cpu and memory come from metrics.k8s.io (metrics-server), as kubectl top's do`);
        return { history: new BatchHistory([viaApi]), batch: viaApi, objects: last.objects, failures: [], nodesOk: 0, source: 'metrics-api', unmoved };
      }
      throw new PluginError(refused.reason as 'forbidden' | 'unauthorized', `${refused.message}${refusing > 1 ? ` (all ${refusing} nodes)` : ''}`,
        `the plugin needs get on nodes/proxy (and list nodes, list pods); apply the ClusterRole from the README${o.onFallback ? ', or serve metrics.k8s.io (metrics-server) for cpu and memory' : ''}`);
    }
    if (asked > 0 && last.nodesOk === 0) {
      throw new PluginError('unreachable', `no node answered: ${last.failures.slice(0, 3).map((f) => `${f.node} (${f.message})`).join(', ')}`,
        'check the nodes with `kubectl get nodes`');
    }
    const batch = processBatch(last.batch, prev, last.objects);
    return { history: new BatchHistory([batch]), batch, objects: last.objects, failures: last.failures, nodesOk: last.nodesOk, source: 'kubelet', unmoved };
  } finally {
    if (!o.session) client.close();
  }
}

/**
 * Why some rates are missing when the stats did not move between the two scrapes, and the interval
 * that gives them: 15 s, a kubelet's slowest refresh, or twice an interval that was already that long.
 */
export function unmovedText(unmoved: LiveAnswer['unmoved'], intervalMs: number): { why: string; interval: string } {
  const why = `the kubelets' stats of ${unmoved.sets} of ${unmoved.of} nodes, pods and containers did not change in the ${intervalMs / 1000}s between the two scrapes (kubelets refresh them every 10-15 s)`;
  return { why, interval: `${intervalMs < 15_000 ? 15 : Math.ceil((2 * intervalMs) / 1000)}s` };
}

/**
 * The sets of `second` whose kubelet stats are no newer than `first`'s. A kubelet refreshes its stats
 * every 10-15 s: two scrapes closer than that often read the same stats, and find no rate.
 */
function unmovedStats(first: Batch, second: Batch): { sets: number; of: number } {
  let sets = 0, of = 0;
  for (const set of second.sets.values()) {
    const before = first.sets.get(set.key);
    if (!before || before.scrapeTime <= 0 || set.scrapeTime <= 0) continue;
    of++;
    if (set.scrapeTime <= before.scrapeTime) sets++;
  }
  return { sets, of };
}

/** The target's cpu and memory from metrics.k8s.io as a processed batch; undefined when that API is not served. */
async function fromResourceMetrics(client: ApiClient, o: LiveOptions, objects: ClusterObjects, timestamp: number): Promise<Batch | undefined> {
  const t = o.target;
  const nodes = t.kind === 'node' || t.kind === 'nodes' || t.kind === 'cluster';
  const namespace = 'namespace' in t ? t.namespace : undefined;
  const name = t.kind === 'node' ? t.node : t.kind === 'pod' || t.kind === 'containers' || t.kind === 'container' ? t.pod : undefined;
  const sets = await resourceMetricSets(client, { nodes, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), timeoutMs: o.requestTimeoutMs }, objects);
  if (!sets) return undefined;
  const batch: Batch = { timestamp, sets: new Map(sets.map((s) => [s.key, s])) };
  return processBatch(batch, undefined, objects);
}

/** A node's metrics that come from its pods' specs, summed or divided by allocatable. */
const FROM_POD_SPECS = new Set<string>([...NODE_METRICS, 'cpu/node_reservation', 'memory/node_reservation', 'ephemeral_storage/node_reservation']);

/** Objects already at hand, as a scrape's pod or node source: the scrape lists none. */
function fixed<T>(objects: ReadonlyMap<string, T>): { current(): Promise<ReadonlyMap<string, T>>; close(): void } {
  return { current: async () => objects, close: () => undefined };
}

/**
 * The pods answering needs listed. None for a node's (or every node's) kubelet metrics and its system containers:
 * `kubectl top node` lists none either, and on a 30,000-pod cluster the list costs more than
 * scraping the one node. The node's own for its other metrics, as `kubectl describe node` asks
 * (a field selector on spec.nodeName): those sum its pods' specs. One namespace's for a target
 * inside it: its sets and sums come from that namespace's pods alone, and its list is far shorter
 * (and allowed by a namespaced Role).
 */
function podSource(t: Target, metric: string | undefined): Pick<CollectOptions, 'pods' | 'podQuery'> {
  switch (t.kind) {
    case 'freecontainer': case 'freecontainers': return { pods: fixed<PodInfo>(new Map()) };
    case 'node': return metric === undefined || FROM_POD_SPECS.has(metric) ? { podQuery: { fieldSelector: `spec.nodeName=${t.node}` } } : { pods: fixed<PodInfo>(new Map()) };
    case 'nodes': return metric === undefined || FROM_POD_SPECS.has(metric) ? {} : { pods: fixed<PodInfo>(new Map()) };
    case 'namespace': case 'pod': case 'container': case 'containers': case 'pod-list': return { podQuery: { namespace: t.namespace } };
    case 'pods': return t.namespace === undefined ? {} : { podQuery: { namespace: t.namespace } };
    default: return {};
  }
}

/**
 * The nodes answering needs listed: the one a node target names, as `kubectl top node NODE` gets
 * it (a cluster's node list is megabytes: real nodes carry 10-50 KB of images each), else every
 * node the selector picks.
 */
function nodeQuery(t: Target, labelSelector: string | undefined): NodeQuery {
  const one = t.kind === 'node' || t.kind === 'freecontainer' || t.kind === 'freecontainers';
  return { labelSelector, ...(one ? { fieldSelector: `metadata.name=${t.node}` } : {}) };
}

/** Whether nodesFor needs no pod for the target: the scrape may start before the pods are listed. */
function choosesFromNodes(t: Target): boolean {
  switch (t.kind) {
    case 'node': case 'nodes': case 'freecontainer': case 'freecontainers': case 'cluster': case 'namespaces': return true;
    case 'pods': return t.namespace === undefined;
    default: return false;
  }
}

/**
 * The nodes whose kubelets can answer for a target; undefined means all of them. A pod the listed
 * pods of its namespace do not have is an error here, naming the closest of them, before any node
 * is scraped (a typo cost a scrape of every node).
 */
function nodesFor(target: Target, objects: ClusterObjects): ReadonlySet<string> | undefined {
  // a workload's pods are known once the pods are listed: none is an error before any scrape
  const t = resolveWorkload(target, objects.pods.values());
  if (t.kind === 'pod' || t.kind === 'container' || t.kind === 'containers') {
    const names = [...objects.pods.values()].filter((p) => p.namespace === t.namespace).map((p) => p.name);
    // a namespace without pods: scraping every node lets the error name the closest namespace
    const err = names.length ? missingError({ kind: 'pod', namespace: t.namespace, pod: t.pod }, names) : undefined;
    if (err) throw err;
  }
  // nothing matched: scrape every node, so the error can name the closest real entities
  const podsWhere = (pred: (ns: string, name: string) => boolean) => {
    const nodes = new Set([...objects.pods.values()].filter((p) => p.nodeName && pred(p.namespace, p.name)).map((p) => p.nodeName));
    return nodes.size ? nodes : undefined;
  };
  switch (t.kind) {
    case 'node': case 'freecontainer': case 'freecontainers': return objects.nodes.has(t.node) ? new Set([t.node]) : undefined;
    case 'namespace': return podsWhere((ns) => ns === t.namespace);
    case 'pods': return t.namespace === undefined ? undefined : podsWhere((ns) => ns === t.namespace);
    case 'pod': case 'container': case 'containers': return podsWhere((ns, name) => ns === t.namespace && name === t.pod);
    case 'pod-list': return podsWhere((ns, name) => ns === t.namespace && t.pods.includes(name));
    default: return undefined;
  }
}

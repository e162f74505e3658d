import {
  alignToResolution, L, podKey,
  type Batch, type ClusterObjects, type MetricSet, type NodeInfo, type PodInfo,
} from '../model/index.js';
import type { ApiClient } from './api-client.js';
import { listNodes, listPods, type NodeQuery, type PodQuery } from './list-objects.js';
import type { NodeSource } from './node-watch.js';
import type { PodSource } from './pod-watch.js';
import { ProxySummaryGetter } from './proxy-summary.js';
import { defaultConcurrency, scrapeNodes, type NodeFailure, type ScrapeResult, type SummaryGetter } from './scrape.js';

export interface CollectOptions {
  resolutionMs: number;
  now: () => number;
  /** 0: fitted to the number of nodes */
  concurrency: number;
  nodeTimeoutMs: number;
  /** real ms the node scrapes may take in all (see ScrapeOptions.budgetMs) */
  budgetMs?: number;
  /** the batch's stamp; default the resolution boundary at or before `now()` (Heapster's) */
  timestamp?: number;
  requestTimeoutMs: number;
  jitterMs: number;
  /** which nodes a scrape without `nodes` lists (default: every node; a node source applies its own) */
  nodeQuery?: NodeQuery;
  /** nodes kept between scrapes (a watch); without it, every scrape lists them */
  nodes?: NodeSource;
  /** picks the nodes to scrape once the objects are listed (default: all) */
  chooseNodes?: (objects: ClusterObjects) => ReadonlySet<string> | undefined;
  /**
   * `chooseNodes` looks at the nodes alone (it is given no pods): the scrape then starts as soon as
   * the nodes are listed, while the pods still are
   */
  chooseFromNodes?: boolean;
  cpuRateFromKubelet?: boolean;
  /** the kubelets' cpu and memory alone: for answers that need no filesystem, volume or network metric */
  cpuAndMemoryOnly?: boolean;
  /** pods kept between scrapes (a watch); without it, every scrape lists them */
  pods?: PodSource;
  /** which pods a scrape without `pods` lists (default: every pod of the cluster) */
  podQuery?: PodQuery;
}

export interface Collected {
  /** raw sets only: run the model's `processBatch` on it */
  batch: Batch;
  objects: ClusterObjects;
  failures: NodeFailure[];
  nodesOk: number;
  bytes: number;
}

/** Lists nodes and pods, then scrapes the nodes: one unprocessed batch, aligned to the resolution. */
export async function collectBatch(client: ApiClient, opts: CollectOptions, getter: SummaryGetter = new ProxySummaryGetter(client, opts.cpuAndMemoryOnly)): Promise<Collected> {
  // a watch's objects are used as kept, not copied into a new map every scrape
  const listedNodes = opts.nodes?.current() ?? listNodes(client, opts.nodeQuery ?? {}, opts.requestTimeoutMs).then((list) => new Map(list.map((n) => [n.name, n])));
  const listedPods = opts.pods?.current() ?? listPods(client, opts.podQuery ?? {}, opts.requestTimeoutMs).then((list) => new Map(list.map((p) => [podKey(p.namespace, p.name), p])));
  const scrape = (nodes: ReadonlyMap<string, NodeInfo>, pods: ReadonlyMap<string, PodInfo>) => {
    const only = opts.chooseNodes?.({ nodes, pods });
    const targets = only ? [...nodes.values()].filter((n) => only.has(n.name)) : [...nodes.values()];
    return scrapeNodes(getter, targets, {
      concurrency: opts.concurrency || defaultConcurrency(targets.length),
      timeoutMs: opts.nodeTimeoutMs,
      ...(opts.budgetMs !== undefined ? { budgetMs: opts.budgetMs } : {}),
      jitterMs: opts.jitterMs,
      now: opts.now,
      cpuRateFromKubelet: opts.cpuRateFromKubelet,
    });
  };
  let objects: ClusterObjects, scraped: ScrapeResult;
  if (opts.chooseFromNodes) {
    // the kubelets answer while the API server lists 30,000 pods: a one-shot `top pods -A` waited
    // for the whole list before asking the first one. A failed node list leaves the pod list's
    // failure, if any, handled here, not unhandled
    listedPods.catch(() => undefined);
    const byName = await listedNodes;
    const [s, pods] = await Promise.all([scrape(byName, new Map()), listedPods]);
    objects = { nodes: byName, pods };
    scraped = s;
  } else {
    const [byName, pods] = await Promise.all([listedNodes, listedPods]);
    objects = { nodes: byName, pods };
    scraped = await scrape(byName, pods);
  }
  const batch: Batch = { timestamp: opts.timestamp ?? alignToResolution(opts.now(), opts.resolutionMs), sets: new Map() };
  for (const set of scraped.sets) addSet(batch, set, objects.pods);
  return { batch, objects, failures: scraped.failures, nodesOk: scraped.nodesOk, bytes: scraped.bytes };
}

/** A pod reported by two kubelets (a stale one still shows it): the node the API server names wins. */
function addSet(batch: Batch, set: MetricSet, pods: ReadonlyMap<string, PodInfo>): void {
  const seen = batch.sets.get(set.key);
  if (seen && (set.type === 'pod' || set.type === 'pod_container')) {
    const owner = pods.get(podKey(set.labels[L.namespaceName] ?? '', set.labels[L.podName] ?? ''))?.nodeName;
    if (seen.labels[L.nodename] === owner || set.labels[L.nodename] !== owner) return;
  }
  batch.sets.set(set.key, set);
}


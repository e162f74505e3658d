import { PluginError, type MetricSet, type NodeInfo } from '../model/index.js';
import { decodeSummary } from './decode-summary.js';
import type { Summary } from './summary-types.js';

/** The one I/O seam of a scrape: a node's raw summary as text, or a classified PluginError. */
export interface SummaryGetter {
  getSummary(node: string, timeoutMs: number): Promise<string>;
}

export type FailureReason = 'not-ready' | 'timeout' | 'http' | 'bad-payload' | 'unreachable' | 'forbidden' | 'unauthorized' | 'tls';

export interface NodeFailure {
  node: string;
  reason: FailureReason;
  message: string;
}

export interface ScrapeOptions {
  concurrency: number;
  timeoutMs: number;
  /** each worker waits a random 0..jitterMs before its first request, to spread load on the API server */
  jitterMs: number;
  now: () => number;
  /**
   * Real milliseconds the whole scrape may take: a node still unanswered then is a timeout, so a
   * recorder's tick ends before its next boundary whatever `timeoutMs` says.
   */
  budgetMs?: number;
  cpuRateFromKubelet?: boolean;
  random?: () => number;
}

export interface ScrapeResult {
  sets: MetricSet[];
  failures: NodeFailure[];
  nodesOk: number;
  bytes: number;
}

/** Heapster's default fan-out fitted to the cluster: about 2√nodes, between 4 and 64. */
export function defaultConcurrency(nodes: number): number {
  return Math.min(64, Math.max(4, Math.ceil(2 * Math.sqrt(nodes))));
}

/**
 * Scrapes every Ready node with at most `concurrency` requests in flight. A node that fails is
 * reported and skipped; the others still answer. Nodes that are not Ready are not asked, as in Heapster.
 */
export async function scrapeNodes(getter: SummaryGetter, nodes: readonly NodeInfo[], opts: ScrapeOptions): Promise<ScrapeResult> {
  const result: ScrapeResult = { sets: [], failures: [], nodesOk: 0, bytes: 0 };
  const queue: NodeInfo[] = [];
  for (const n of nodes) {
    if (n.ready) queue.push(n);
    else result.failures.push({ node: n.name, reason: 'not-ready', message: 'the node is not Ready' });
  }
  const random = opts.random ?? Math.random;
  // kept in node order, whatever order the answers come in, so batches list their sets in the same
  // order tick after tick
  const perNode: MetricSet[][] = new Array(queue.length);
  let next = 0;
  const started = performance.now();
  const timeoutFor = () => Math.min(opts.timeoutMs, (opts.budgetMs ?? Infinity) - (performance.now() - started));
  const worker = async (): Promise<void> => {
    if (opts.jitterMs > 0) await sleep(random() * opts.jitterMs);
    while (next < queue.length) {
      const i = next++;
      const node = queue[i]!;
      try {
        const timeoutMs = timeoutFor();
        if (timeoutMs <= 0) throw new PluginError('timeout', `not asked: the tick's ${opts.budgetMs} ms were spent before its turn`);
        const body = await getter.getSummary(node.name, timeoutMs);
        // characters, not bytes: the same for the ASCII kubelets send (DNS names, numbers, times)
        result.bytes += body.length;
        const summary = parseSummary(body);
        perNode[i] = decodeSummary(summary, { now: opts.now(), node, cpuRateFromKubelet: opts.cpuRateFromKubelet });
        result.nodesOk++;
      } catch (e) {
        result.failures.push(classify(node.name, e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, queue.length)) }, worker));
  for (const sets of perNode) if (sets) for (const set of sets) result.sets.push(set);
  return result;
}

function parseSummary(body: string): Summary {
  let s: Summary;
  try {
    s = JSON.parse(body) as Summary;
  } catch (e) {
    throw new PluginError('bad-payload', `malformed summary JSON (${(e as Error).message})`);
  }
  if (!s || typeof s !== 'object' || !s.node || typeof s.node.nodeName !== 'string') {
    throw new PluginError('bad-payload', 'the summary has no node section');
  }
  return s;
}

function classify(node: string, e: unknown): NodeFailure {
  if (e instanceof PluginError) {
    const reason: FailureReason =
      e.code === 'timeout' || e.code === 'bad-payload' || e.code === 'forbidden' || e.code === 'unauthorized' || e.code === 'unreachable' || e.code === 'tls'
        ? e.code
        : 'http';
    return { node, reason, message: e.message };
  }
  return { node, reason: 'bad-payload', message: String((e as Error)?.message ?? e) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import type { Archive } from '../archive/index.js';
import type { LoadedConfig } from '../cluster/index.js';
import {
  ArchiveHistory, parseTime, parseWindow, topFromArchive, topFromBatch, usageError,
  type ArchiveScope, type Target, type TopAggregation, type TopAnswer, type TopRequest, type WindowFlags,
} from '../query/index.js';
import type { LiveSession } from './live-history.js';
import { recordedText, windowText } from './recorded-windows.js';

export interface LiveTopOptions {
  config: LoadedConfig;
  concurrency: number;
  nodeTimeoutMs: number;
  requestTimeoutMs: number;
  /** 0: one scrape; else two this far apart, for network rates */
  rateIntervalMs: number;
  say: (line: string) => void;
  /** `--watch`'s: what one refresh leaves to the next */
  session?: LiveSession;
}

/** A moment of the cluster: one scrape of the nodes the request needs, or metrics.k8s.io when kubelets are refused. */
export async function liveTop(req: TopRequest, o: LiveTopOptions): Promise<TopAnswer> {
  // loaded here: the client's HTTPS, TLS and zlib cost top over the archive ~20 ms of its start-up
  const { liveHistory, unmovedText } = await import('./live-history.js');
  const live = await liveHistory({
    config: o.config, target: liveTarget(req), rateIntervalMs: o.rateIntervalMs, concurrency: o.concurrency, nodeTimeoutMs: o.nodeTimeoutMs,
    // the plain table shows cpu, memory and what the pod specs say: no network or ephemeral storage
    cpuAndMemoryOnly: req.wide === false,
    // a node's row is its own stats and its Node object's allocatable, as kubectl top node's: on a
    // 30,000-pod cluster the pod list cost more than the node rows
    noPods: req.level === 'nodes',
    ...(o.session ? { session: o.session } : {}),
    requestTimeoutMs: o.requestTimeoutMs, onFallback: (line) => o.say(`note: ${line}`),
    onWait: (ms) => process.stderr.isTTY && process.stderr.write(`scraping twice, ${ms / 1000}s apart, for network rates...\n`),
  });
  if (live.failures.length) {
    const list = live.failures.map((f) => `${f.node} (${f.reason}: ${f.message})`).join(', ');
    o.say(`warning: ${live.failures.length} of ${live.failures.length + live.nodesOk} nodes did not answer, their rows are missing: ${list}`);
  }
  if (live.unmoved.sets > 0) {
    const { why, interval } = unmovedText(live.unmoved, o.rateIntervalMs);
    o.say(`note: ${why}, and have no rates (cpu, network); --rate-interval ${interval} or more gives them`);
  }
  return { level: req.level, rows: topFromBatch(live.batch, live.objects, req), source: live.source, timestamp: live.batch.timestamp };
}

/** Only the nodes a request needs are scraped: one node's, one pod's, one namespace's pods' nodes. */
function liveTarget(req: TopRequest): Target {
  const ns = req.namespace;
  switch (req.level) {
    case 'nodes': return req.name !== undefined ? { kind: 'node', node: req.name } : { kind: 'nodes' };
    case 'namespaces': return req.name !== undefined ? { kind: 'namespace', namespace: req.name } : { kind: 'namespaces' };
    case 'pods': case 'containers':
      if (req.name !== undefined && ns !== undefined) return { kind: 'pod', namespace: ns, pod: req.name };
      return ns !== undefined ? { kind: 'pods', namespace: ns } : { kind: 'pods' };
    case 'owners': return ns !== undefined ? { kind: 'pods', namespace: ns } : { kind: 'pods' };
  }
}

export interface HistoryTopOptions extends WindowFlags {
  at?: string;
  agg: TopAggregation;
  slices: number;
}

/**
 * A recorded window: `--since/--start/--end`, `--at` (the batch at or before it), or a whole
 * `--recording`. An empty answer names the windows the archive holds.
 */
export async function historyTop(archive: Archive, scope: ArchiveScope, req: TopRequest, o: HistoryTopOptions, now = Date.now()): Promise<TopAnswer> {
  const history = new ArchiveHistory(archive, scope);
  let start: number, end: number, agg = o.agg;
  const recorded = await history.recordedWindows();
  const resolution = await history.resolutionMs();
  if (o.at !== undefined) {
    if (o.since !== undefined || o.start !== undefined || o.end !== undefined) throw usageError('--at names one moment', 'drop --since/--start/--end, or drop --at');
    end = parseTime(o.at, '--at', now);
    start = end - resolution;
    agg = 'last';
  } else {
    const w = parseWindow(o, now);
    start = w.start ?? Math.min(...recorded.map((r) => r.start));
    end = w.end ?? (o.since !== undefined ? now : Math.max(...recorded.map((r) => r.end)));
  }
  if (!recorded.length || !Number.isFinite(start) || !Number.isFinite(end)) throw usageError('nothing recorded to answer from', await recordedText(history));
  const rows = await topFromArchive(archive, scope, req, { start, end, agg, slices: o.slices, resolutionMs: resolution });
  if (!rows.length && req.name === undefined && !req.labelSelector && !req.fieldSelector) {
    throw usageError(`nothing recorded for ${req.level}${req.namespace !== undefined ? ` in ${req.namespace}` : ''} in ${windowText({ start, end })}`, await recordedText(history));
  }
  if (!rows.length && req.name !== undefined) {
    throw usageError(`no ${req.level === 'owners' ? req.ownerKind ?? 'workload' : req.level.replace(/s$/, '')} "${req.name}" recorded in ${windowText({ start, end })}`, `list them with \`kubectl heapster top ${req.level}\` and the same window`);
  }
  return { level: req.level, rows, source: 'archive', window: { start, end }, agg };
}

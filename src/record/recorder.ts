import type { Archive, TickWriter } from '../archive/index.js';
import { compact } from '../archive/index.js';
import { collectBatch, nodeWatch, PodWatch, type ApiClient, type NodeFailure } from '../cluster/index.js';
import { PluginError, podKey, processBatch, RateBase } from '../model/index.js';
import { narrowBatch, type RecordScope } from './narrow.js';

export interface RecorderOptions {
  client: ApiClient;
  archive: Archive;
  writer: TickWriter;
  resolutionMs: number;
  /** stop before the first tick after this time, ms */
  until?: number;
  scope: RecordScope;
  nodeSelector?: string;
  concurrency: number;
  nodeTimeoutMs: number;
  requestTimeoutMs: number;
  now: () => number;
  /** waits, returning early when `signal` aborts */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** aborting it finishes the batch in hand, writes it, and stops */
  signal: AbortSignal;
  onTick?: (t: TickReport) => void;
  /**
   * 'watch' (default): pods and nodes listed once and then watched, as Heapster's informers did;
   * 'list': listed every tick, for clocks that jump a whole tick at once faster than any watch can
   * follow (tests)
   */
  objects?: 'watch' | 'list';
}

export interface TickReport {
  timestamp: number;
  ticks: number;
  nodesOk: number;
  nodesFailed: number;
  rows: number;
  totalRows: number;
  totalBytes: number;
  files: number;
  gaps: number;
  lastError?: string;
}

export interface RecordSummary {
  ticks: number;
  rows: number;
  bytes: number;
  files: number;
  gaps: number;
  first?: number;
  last?: number;
  lastError?: string;
}

const HOUR = 3_600_000;

/**
 * The recording loop: ticks aligned to the resolution as Heapster's (scrape a little after each
 * boundary, stamp the batch with the window's end), model, narrow, write. A failing node is a gap;
 * the API server going away is retried with backoff and recording goes on when it returns.
 */
export async function runRecorder(o: RecorderOptions): Promise<RecordSummary> {
  const offset = Math.min(5000, Math.floor(o.resolutionMs / 4));
  const sum: RecordSummary = { ticks: 0, rows: 0, bytes: 0, files: 0, gaps: 0 };
  // what the next tick's rates need of this one: the batch itself can go once it is written
  let prev: RateBase | undefined;
  let backoff = 0;
  let compactedHour = Math.floor(o.now() / HOUR);
  // pods and nodes are listed once and then watched, as Heapster's informers did, not listed every tick
  const watch = o.objects === 'list' ? undefined : new PodWatch(o.client, o.requestTimeoutMs);
  const nodes = o.objects === 'list' ? undefined : nodeWatch(o.client, o.requestTimeoutMs, o.nodeSelector);
  try {
    while (!o.signal.aborted) {
      const boundary = Math.floor(o.now() / o.resolutionMs) * o.resolutionMs + o.resolutionMs;
      if (o.until !== undefined && boundary > o.until) break;
      await o.sleep(boundary + offset + backoff - o.now(), o.signal);
      if (o.signal.aborted) break;
      try {
        const got = await collectBatch(o.client, {
          resolutionMs: o.resolutionMs, now: o.now, concurrency: o.concurrency, nodeTimeoutMs: o.nodeTimeoutMs,
          requestTimeoutMs: o.requestTimeoutMs, jitterMs: Math.min(1000, o.resolutionMs / 10), nodeQuery: { labelSelector: o.nodeSelector }, ...(watch ? { pods: watch } : {}), ...(nodes ? { nodes } : {}),
        });
        const batch = processBatch(got.batch, prev, got.objects);
        prev = RateBase.of(batch);
        const kept = narrowBatch(batch, o.scope, (ns, pod) => got.objects.pods.get(podKey(ns, pod))?.labels);
        const keptPods = [...got.objects.pods.values()].filter((p) => (!o.scope.namespace || p.namespace === o.scope.namespace) && (!o.scope.podMatches || o.scope.podMatches(p.labels)));
        const gaps = got.failures.map((f: NodeFailure) => ({ ts: batch.timestamp, node: f.node, reason: f.reason, message: f.message }));
        const w = await o.writer.write(kept, keptPods, [...got.objects.nodes.values()], gaps);
        backoff = 0;
        sum.ticks++;
        sum.rows += w.rows;
        sum.bytes += w.bytes;
        sum.files += w.files;
        sum.gaps += gaps.length;
        sum.first ??= batch.timestamp;
        sum.last = batch.timestamp;
        if (got.failures.length) sum.lastError = `${got.failures[0]!.node}: ${got.failures[0]!.message}`;
        o.onTick?.({ timestamp: batch.timestamp, ticks: sum.ticks, nodesOk: got.nodesOk, nodesFailed: got.failures.length, rows: w.rows, totalRows: sum.rows, totalBytes: sum.bytes, files: sum.files, gaps: sum.gaps, ...(sum.lastError ? { lastError: sum.lastError } : {}) });
      } catch (e) {
        if (!(e instanceof PluginError) || !['unreachable', 'timeout', 'http', 'bad-payload', 'tls'].includes(e.code)) throw e;
        // the API server is away: a gap for this tick, then wait longer before the next try
        prev = undefined;
        sum.gaps++;
        sum.lastError = e.message;
        await o.writer.gap(boundary, 'api-unreachable', e.message);
        backoff = Math.min(backoff ? backoff * 2 : 1000, 60_000);
        o.onTick?.({ timestamp: boundary, ticks: sum.ticks, nodesOk: 0, nodesFailed: 0, rows: 0, totalRows: sum.rows, totalBytes: sum.bytes, files: sum.files, gaps: sum.gaps, lastError: e.message });
      }
      // hourly compaction of this recording's finished hours keeps file counts low for long recordings
      const hour = Math.floor(o.now() / HOUR);
      if (hour !== compactedHour && !o.signal.aborted) {
        compactedHour = hour;
        await compact(o.archive, { recording: o.writer.name, level: 1, before: hour * HOUR });
      }
    }
  } finally {
    watch?.close();
    nodes?.close();
  }
  return sum;
}

/** A sleep that ends early on abort: Ctrl-C between ticks stops at once. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

import type { Archive, TickWriter } from '../archive/index.js';
import { collectBatch, nodeWatch, PodWatch, type ApiClient, type NodeFailure } from '../cluster/index.js';
import { PluginError, podKey, processBatch, RateBase, type Batch } from '../model/index.js';
import { compactRecording, HourlyCompaction, type CompactHours } from './hourly-compaction.js';
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
  /** each batch once it is in the archive: the sinks take it from here */
  onBatch?: (b: Batch) => void;
  /** said once, when the recorder first falls behind its resolution: by how much, and how many boundaries */
  onBehind?: (behindMs: number, missed: number) => void;
  /**
   * 'watch' (default): pods and nodes listed once and then watched, as Heapster's informers did;
   * 'list': listed every tick, for clocks that jump a whole tick at once faster than any watch can
   * follow (tests)
   */
  objects?: 'watch' | 'list';
  /** how the finished hours are merged (default: the archive's compaction of this recording) */
  compactHours?: CompactHours;
  /** a merge of finished hours that failed: the recording goes on, and the files stay as they were */
  onCompactionError?: (e: unknown) => void;
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

/** Ticks in a row refused for the credentials (or failing TLS) before the recording ends as failed. */
const AUTH_TICKS = 3;
const AUTH_CODES = new Set(['unauthorized', 'forbidden', 'tls']);

/** What a tick leaves for the writing after its node scrapes: the catalog and a Parquet file. */
const WRITE_MARGIN_MS = 250;

/**
 * The recording loop: ticks aligned to the resolution as Heapster's (scrape a little after each
 * boundary B, stamp the batch B, the end of the window that has just ended), model, narrow, write.
 * Every boundary of a recording is a batch or a gap: a failing node is a gap of its tick, the node
 * scrapes end before the next boundary, and boundaries the recorder could not keep up with (or
 * spent waiting for an API server that went away) are gap rows of node `*`.
 */
export async function runRecorder(o: RecorderOptions): Promise<RecordSummary> {
  const offset = Math.min(5000, Math.floor(o.resolutionMs / 4));
  const jitterMs = Math.min(1000, o.resolutionMs / 10);
  // whatever --node-timeout says, a tick's scrapes end before the next boundary's
  const budgetMs = Math.max(200, o.resolutionMs - offset - WRITE_MARGIN_MS);
  const sum: RecordSummary = { ticks: 0, rows: 0, bytes: 0, files: 0, gaps: 0 };
  // what the next tick's rates need of this one: the batch itself can go once it is written
  let prev: RateBase | undefined;
  let backoff = 0;
  let saidBehind = false;
  // the client already fetched the credentials anew and retried once: what still fails, tick after
  // tick, will not get better by itself (an expired login, a rotated CA the kubeconfig does not have)
  let authTicks = 0;
  let compactedHour = Math.floor(o.now() / HOUR);
  const hourly = new HourlyCompaction(o.compactHours ?? compactRecording(o.archive, o.writer.name), (e) => o.onCompactionError?.(e));
  let ended = false;
  // pods and nodes are listed once and then watched, as Heapster's informers did, not listed every tick
  const watch = o.objects === 'list' ? undefined : new PodWatch(o.client, o.requestTimeoutMs);
  const nodes = o.objects === 'list' ? undefined : nodeWatch(o.client, o.requestTimeoutMs, o.nodeSelector);
  const report = (timestamp: number, nodesOk: number, nodesFailed: number, rows: number) => o.onTick?.({
    timestamp, ticks: sum.ticks, nodesOk, nodesFailed, rows, totalRows: sum.rows, totalBytes: sum.bytes, files: sum.files, gaps: sum.gaps,
    ...(sum.lastError ? { lastError: sum.lastError } : {}),
  });
  let boundary = Math.floor(o.now() / o.resolutionMs) * o.resolutionMs + o.resolutionMs;
  try {
    while (!o.signal.aborted) {
      if (o.until !== undefined && boundary > o.until) break;
      await o.sleep(boundary + offset + backoff - o.now(), o.signal);
      if (o.signal.aborted) break;
      // the newest boundary whose scrape is due; those between it and ours were not kept
      const due = Math.floor(Math.min(o.now() - offset, o.until ?? Infinity) / o.resolutionMs) * o.resolutionMs;
      if (due > boundary) {
        const reason = backoff ? 'api-unreachable' : 'overrun';
        const missed: number[] = [];
        for (let t = boundary; t < due; t += o.resolutionMs) missed.push(t);
        const message = reason === 'overrun' ? `the recorder fell ${formatMs(due - boundary)} behind` : (sum.lastError ?? 'the API server did not answer');
        await o.writer.gaps(missed.map((ts) => ({ ts, node: '*', reason, message })));
        sum.gaps += missed.length;
        if (reason === 'overrun' && !saidBehind) {
          saidBehind = true;
          o.onBehind?.(due - boundary, missed.length);
        }
        prev = undefined;
        boundary = due;
      }
      let refusal: PluginError | undefined;
      try {
        const got = await collectBatch(o.client, {
          resolutionMs: o.resolutionMs, now: o.now, concurrency: o.concurrency, nodeTimeoutMs: o.nodeTimeoutMs, budgetMs, timestamp: boundary,
          requestTimeoutMs: o.requestTimeoutMs, jitterMs, nodeQuery: { labelSelector: o.nodeSelector }, ...(watch ? { pods: watch } : {}), ...(nodes ? { nodes } : {}),
        });
        const batch = processBatch(got.batch, prev, got.objects);
        prev = RateBase.of(batch);
        const kept = narrowBatch(batch, o.scope, (ns, pod) => got.objects.pods.get(podKey(ns, pod))?.labels);
        const keptPods = [...got.objects.pods.values()].filter((p) => (!o.scope.namespace || p.namespace === o.scope.namespace) && (!o.scope.podMatches || o.scope.podMatches(p.labels)));
        const gaps = got.failures.map((f: NodeFailure) => ({ ts: batch.timestamp, node: f.node, reason: f.reason, message: f.message }));
        const w = await o.writer.write(kept, keptPods, [...got.objects.nodes.values()], gaps);
        o.onBatch?.(kept);
        backoff = 0;
        sum.ticks++;
        sum.rows += w.rows;
        sum.bytes += w.bytes;
        sum.files += w.files;
        sum.gaps += gaps.length;
        sum.first ??= batch.timestamp;
        sum.last = batch.timestamp;
        if (got.failures.length) sum.lastError = `${got.failures[0]!.node}: ${got.failures[0]!.message}`;
        report(batch.timestamp, got.nodesOk, got.failures.length, w.rows);
        const refused = got.failures.filter((f) => AUTH_CODES.has(f.reason));
        if (got.nodesOk === 0 && refused.length && refused.length === got.failures.length) refusal = new PluginError(refused[0]!.reason as 'unauthorized', refused[0]!.message);
        else if (got.nodesOk > 0) authTicks = 0;
      } catch (e) {
        if (!(e instanceof PluginError) || !['unreachable', 'timeout', 'http', 'bad-payload', 'tls', 'unauthorized', 'forbidden'].includes(e.code)) throw e;
        if (AUTH_CODES.has(e.code)) refusal = e;
        // the API server is away: a gap for this tick, then wait longer before the next try
        prev = undefined;
        sum.gaps++;
        sum.lastError = e.message;
        await o.writer.gaps([{ ts: boundary, node: '*', reason: AUTH_CODES.has(e.code) ? e.code : 'api-unreachable', message: e.message }]);
        backoff = Math.min(backoff ? backoff * 2 : 1000, 60_000);
        report(boundary, 0, 0, 0);
      }
      if (refusal && ++authTicks >= AUTH_TICKS) throw new PluginError(refusal.code, `${refusal.message} (${AUTH_TICKS} ticks in a row)`, refusal.hint);
      boundary += o.resolutionMs;
      // hourly compaction of this recording's finished hours keeps file counts low for long recordings
      const hour = Math.floor(o.now() / HOUR);
      if (hour !== compactedHour && !o.signal.aborted) {
        compactedHour = hour;
        hourly.start(hour * HOUR);
      }
    }
    ended = true;
  } finally {
    // a stop asked for does not wait minutes for a merge; an end reached (--for, --until) finishes it
    await hourly.end(!ended || o.signal.aborted);
    watch?.close();
    nodes?.close();
  }
  return sum;
}

function formatMs(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)}m` : `${Math.round(ms / 1000)}s`;
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

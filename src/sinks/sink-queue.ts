import type { Batch } from '../model/index.js';
import { SinkError, type Sink } from './sink.js';

export interface SinkQueueOptions {
  /**
   * batches held in memory; past it, or past `replaySamples` samples, batches are only remembered by
   * time and read back from the archive
   */
  bound: number;
  /** the batches already in the archive from `from` to `to`, read back for a sink that fell behind */
  replay: (from: number, to: number) => Promise<Batch[]>;
  /** samples the batches held in memory may add up to (at least one batch), read back or offered; REPLAY_SAMPLES by default */
  replaySamples?: number;
  /** the first wait after a failure, doubling to `maxWaitMs` */
  firstWaitMs?: number;
  maxWaitMs?: number;
}

export interface SinkStats {
  sent: number;
  pending: number;
  failed: number;
  /** the oldest batch not yet sent, ms */
  oldestPending?: number;
  lastError?: string;
}

/**
 * Samples a sink holds in memory at once, offered or read back from the archive: ten 20-node ticks
 * (54,000 samples each), one 1,000-node tick (2.7 M). Read back together, each such tick added
 * ~370 MB to the read's ~1.5 GB peak: the default ten at once would be ~4.8 GB. Offered, ten such
 * ticks held a recorder with a slow sink at up to 1.8 GB, climbing as they queued.
 */
export const REPLAY_SAMPLES = 2_000_000;

/** The values a batch holds, plain and labeled. */
function samplesOf(batch: Batch): number {
  let n = 0;
  for (const set of batch.sets.values()) n += set.values.size + set.labeled.length;
  return n;
}

/**
 * One sink's side of a recording. `offer` never waits, so a slow or dead sink never slows the
 * scrape: batches queue in memory up to `bound`, and past it only their times are kept, to be read
 * back from the archive (where every offered batch already is) when the sink can take them. One
 * loop sends in time order; a failure waiting can mend is retried with a doubling wait, and a batch
 * the server refuses is counted as failed and passed over.
 */
export class SinkQueue {
  private readonly memory: Batch[] = [];
  /** the samples of each batch in memory, and their sum */
  private readonly sizes: number[] = [];
  private held = 0;
  /** times of batches that did not fit, all newer than those in memory */
  private readonly spooled: number[] = [];
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly stats: SinkStats = { sent: 0, pending: 0, failed: 0 };
  /** samples of the newest batch offered: what each spooled one is taken to hold */
  private lastSamples = 0;

  constructor(readonly sink: Sink, private readonly o: SinkQueueOptions) {}

  offer(batch: Batch): void {
    // a loop over the sets, on the scrape's path: ~1 ms a 1,000-node tick
    const n = (this.lastSamples = samplesOf(batch));
    const full = this.memory.length >= this.o.bound || (this.memory.length > 0 && this.held + n > this.limit);
    // once anything is spooled, later batches follow it there, so the order stays that of time
    if (this.spooled.length || full) this.spooled.push(batch.timestamp);
    else this.hold(batch, n, false);
    this.running ??= this.loop();
    this.wake?.();
  }

  get status(): SinkStats {
    const oldest = this.memory[0]?.timestamp ?? this.spooled[0];
    return { ...this.stats, pending: this.memory.length + this.spooled.length, ...(oldest !== undefined ? { oldestPending: oldest } : {}) };
  }

  /** Sends what is queued for at most `deadlineMs`, then stops; what is left stays pending in the stats. */
  async drain(deadlineMs: number): Promise<SinkStats> {
    // timers that hold the process open: a recorder ending must wait for its sinks, up to the deadline
    await new Promise<void>((resolve) => {
      const empty = () => this.memory.length + this.spooled.length === 0;
      const finish = () => {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve();
      };
      const deadline = setTimeout(finish, deadlineMs);
      const poll = setInterval(() => empty() && finish(), 50);
      if (empty()) finish();
    });
    this.stopping = true;
    this.wake?.();
    this.sink.close();
    return this.status;
  }

  /**
   * The oldest batch owed. Spooled ones come back from the archive `bound` at a time, in one read
   * (the pod and node objects that label them are read once for the lot, not once a batch), or as
   * many as fit in `replaySamples`, at least one.
   */
  private async next(): Promise<Batch | undefined> {
    if (!this.memory.length && this.spooled.length) {
      const fit = Math.floor(this.limit / Math.max(1, this.lastSamples));
      const times = this.spooled.splice(0, Math.max(1, Math.min(this.o.bound, fit)));
      const back = new Map((await this.o.replay(times[0]!, times.at(-1)!)).map((b) => [b.timestamp, b]));
      // ahead of anything offered during the read: these are older
      for (const b of times.flatMap((ts) => back.get(ts) ?? []).reverse()) this.hold(b, samplesOf(b), true);
      for (const ts of times) {
        if (!back.has(ts)) {
          // a batch the archive cannot give back is one this sink will never get: counted, not retried
          this.stats.failed++;
          this.stats.lastError = `the batch of ${new Date(ts).toISOString()} could not be read back from the archive`;
        }
      }
    }
    return this.memory[0];
  }

  private done(): void {
    this.memory.shift();
    this.held -= this.sizes.shift() ?? 0;
  }

  private hold(batch: Batch, samples: number, first: boolean): void {
    if (first) {
      this.memory.unshift(batch);
      this.sizes.unshift(samples);
    } else {
      this.memory.push(batch);
      this.sizes.push(samples);
    }
    this.held += samples;
  }

  private get limit(): number {
    return this.o.replaySamples ?? REPLAY_SAMPLES;
  }

  private async loop(): Promise<void> {
    let wait = 0;
    while (!this.stopping) {
      const batch = await this.next();
      if (!batch) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      try {
        await this.sink.send(batch);
        this.stats.sent++;
        this.done();
        wait = 0;
      } catch (e) {
        const err = e instanceof SinkError ? e : new SinkError((e as Error).message, true);
        this.stats.lastError = err.message;
        if (!err.retryable) {
          this.stats.failed++;
          this.done();
          continue;
        }
        wait = Math.min(wait ? wait * 2 : this.o.firstWaitMs ?? 1000, this.o.maxWaitMs ?? 30_000);
        await new Promise<void>((r) => {
          const t = setTimeout(r, wait);
          this.wake = () => (this.stopping ? (clearTimeout(t), r()) : undefined);
        });
        this.wake = undefined;
        // the server may have come back empty (a database dropped): set up again before the retry
        if (!this.stopping) await this.sink.probe().catch(() => undefined);
      }
    }
  }
}

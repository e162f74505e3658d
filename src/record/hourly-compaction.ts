import type { Archive } from '../archive/index.js';
import { compact, isOutOfMemory, memoryLimitBytes } from '../archive/index.js';

/** Merges a recording's files that ended before `before`; stops early when `signal` aborts. */
export type CompactHours = (before: number, signal: AbortSignal) => Promise<unknown>;

/**
 * The archive's own level-1 compaction of one recording, within half the process's memory cap: the
 * merge runs beside the ticks now, whose own memory it would otherwise add to. 100 nodes at 60 s,
 * 4 hours in compressed time: peak RSS 882 MB instead of 1,133 at the whole cap (1,015 when merges
 * ran between ticks), each hour's merge 20 s instead of 13. A merge the half cap cannot hold (DuckDB
 * spills sorts, not everything) is run again at the whole cap.
 */
export function compactRecording(archive: Archive, recording: string, memoryLimit = hourlyMemoryLimit()): CompactHours {
  return async (before, signal) => {
    const run = (cap?: string) => compact(archive, { recording, level: 1, before, signal, ...(cap ? { memoryLimit: cap } : {}) });
    try {
      return await run(memoryLimit);
    } catch (e) {
      if (signal.aborted || !isOutOfMemory(e)) throw e;
      return run();
    }
  };
}

/** Half of KUBECTL_HEAPSTER_MEMORY_LIMIT (or of its default), in MB as DuckDB counts them. */
export function hourlyMemoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  return `${Math.floor(memoryLimitBytes(env) / 2e6)}MB`;
}

/**
 * The recorder's compaction of its finished hours, run beside its ticks rather than between them:
 * an hour of 20 nodes at 1 s is ~170 M samples, whose merge took two to three minutes, and every
 * boundary of those minutes was kept as an overrun gap. One run at a time: an hour that comes while
 * one is still going is merged by the next run, whose `before` takes in every hour before it. A run
 * that fails is told and leaves its files as they were (readable, merged by a later run or by
 * `archive compact`); the recording goes on.
 */
export class HourlyCompaction {
  private running: Promise<void> | undefined;
  private readonly stopper = new AbortController();

  constructor(private readonly compactHours: CompactHours, private readonly onError: (e: unknown) => void) {}

  /** Starts merging what ended before `before`, unless a run is still going. */
  start(before: number): void {
    if (this.running || this.stopper.signal.aborted) return;
    this.running = Promise.resolve().then(() => this.compactHours(before, this.stopper.signal)).then(
      () => undefined,
      (e: unknown) => {
        if (!this.stopper.signal.aborted) this.onError(e);
      },
    ).finally(() => {
      this.running = undefined;
    });
  }

  /**
   * Waits for the run in hand. `interrupt` (a stop asked for, or a failed recording) stops it first:
   * merges already swapped in stay, the rest keep their files.
   */
  async end(interrupt: boolean): Promise<void> {
    if (interrupt) this.stopper.abort();
    await this.running;
  }
}

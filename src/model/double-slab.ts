/**
 * Slots for the numbers of metric sets, cut from large shared arrays instead of one small array per
 * set. A batch lives through its whole scrape, so every young collection copied its sets' number
 * arrays once and promoted them (copied again); they were a third of the bytes a scrape promoted.
 * A chunk is larger than V8's largest regular object, so it lives in large-object space, where a
 * young collection promotes it by moving its page, not by copying it. Plain double arrays, not
 * typed arrays: those keep their numbers off the heap, where V8 counts every fresh megabyte towards
 * starting a collection.
 */
export class DoubleSlab {
  /** 256 KB of doubles: above V8's 128 KB limit for regular objects */
  static readonly CHUNK = 1 << 15;
  // the first chunk is made by the first take(): commands that never build a batch (every archived
  // one loads this module) need not fill 256 KB at start-up (~2-3 ms)
  chunk: number[] = [];
  private used = 0;

  /**
   * Reserves `n` slots and returns the first one's index in `this.chunk`; read `chunk` after the
   * call, as a reservation that does not fit starts a new one. A chunk dies with the last set that
   * holds slots in it.
   */
  take(n: number): number {
    if (this.used + n > this.chunk.length) {
      this.chunk = DoubleSlab.newChunk(Math.max(n, DoubleSlab.CHUNK));
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return at;
  }

  // filled with a double, so the array holds unboxed doubles from the start
  private static newChunk(n: number): number[] {
    return new Array<number>(n).fill(NaN);
  }
}

/** The one slab of the process: sets of one batch are made together, so their slots stay together. */
export const SLAB = new DoubleSlab();

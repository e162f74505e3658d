import { RATE_OF } from './catalog.js';
import type { Batch, MetricSet } from './types.js';

const RATE_PAIRS = Object.entries(RATE_OF);
const N = RATE_PAIRS.length;
/**
 * a row of a RateBase: scrape time, start time, each counter, each rate (NaN where the set had
 * none), and the batch time the rates were measured at
 */
const WIDTH = 3 + 2 * N;

/** The slowest the kubelet refreshes its stats (cAdvisor's longest housekeeping interval). */
const KUBELET_REFRESH_MS = 15_000;
/** How long a rate is carried through batches whose stats did not move: Heapster's own resolution. */
const RATE_CARRY_MS = 60_000;

/** Sets whose rates were carried, and the batch time they were measured at. */
const carriedFrom = new WeakMap<MetricSet, number>();

/**
 * What the next batch's rates need of a batch: each set's two times and its counters, in one
 * array behind an index of keys. Keeping the whole batch between scrapes for this kept about a
 * million heap objects alive (93,000 sets of a 1,000-node cluster) for every major garbage
 * collection of the next scrape to walk; this keeps the keys and one array.
 */
export class RateBase {
  private constructor(readonly timestamp: number, private readonly rows: Map<string, number>, private readonly data: Float64Array) {}

  static of(batch: Batch): RateBase {
    const rows = new Map<string, number>();
    const data = new Float64Array(batch.sets.size * WIDTH);
    let o = 0;
    for (const set of batch.sets.values()) {
      if (set.scrapeTime <= 0) continue;
      data[o] = set.scrapeTime;
      data[o + 1] = set.startTime;
      let any = false;
      for (let k = 0; k < N; k++) {
        const v = set.values.get(RATE_PAIRS[k]![0]);
        data[o + 2 + k] = v ?? NaN;
        any ||= v !== undefined;
        data[o + 2 + N + k] = set.values.get(RATE_PAIRS[k]![1]) ?? NaN;
      }
      if (!any) continue;
      data[o + 2 + 2 * N] = carriedFrom.get(set) ?? batch.timestamp;
      rows.set(set.key, o);
      o += WIDTH;
    }
    return new RateBase(batch.timestamp, rows, data);
  }

  /**
   * Heapster's RateCalculator for one set. No rate when the set restarted (start time changed), or,
   * unlike Heapster, when a counter went down. When the kubelet stats are not newer, no rate
   * either, but for `carryAt`, the time of a batch at most a kubelet refresh after this one: then,
   * unlike Heapster, the rates of the batch before are kept, while they are at most a minute old.
   */
  addRates(set: MetricSet, carryAt?: number): void {
    const o = this.rows.get(set.key);
    if (o === undefined) return;
    const d = this.data;
    if (set.startTime !== d[o + 1]) return;
    if (set.scrapeTime <= d[o]!) {
      // recorded finer than the stats move: without the rate, a namespace's sum left the set out
      if (carryAt === undefined || set.scrapeTime !== d[o] || carryAt - d[o + 2 + 2 * N]! > RATE_CARRY_MS) return;
      let any = false;
      for (let k = 0; k < N; k++) {
        const rate = d[o + 2 + N + k]!;
        if (Number.isNaN(rate)) continue;
        set.values.set(RATE_PAIRS[k]![1], rate);
        any = true;
      }
      if (any) carriedFrom.set(set, d[o + 2 + 2 * N]!);
      return;
    }
    const dtMs = set.scrapeTime - d[o]!;
    for (let k = 0; k < N; k++) {
      const then = d[o + 2 + k]!;
      if (Number.isNaN(then)) continue;
      const [counter, rateName] = RATE_PAIRS[k]!;
      const now = set.values.get(counter);
      if (now === undefined || now < then) continue;
      set.values.set(rateName, rateOf(counter, now - then, dtMs));
    }
  }
}

/**
 * Rates of `cur` from the immediately previous batch only (or what `RateBase.of` kept of it); a
 * batch at most a kubelet refresh after it keeps the rates of sets whose stats did not move.
 */
export function computeRates(prev: Batch | RateBase | undefined, cur: Batch): void {
  if (!prev || cur.timestamp <= prev.timestamp) return;
  const base = prev instanceof RateBase ? prev : RateBase.of(prev);
  // coarser than 15 s, stats that did not move are a kubelet that stalled: Heapster's rule holds
  const carryAt = cur.timestamp - prev.timestamp <= KUBELET_REFRESH_MS ? cur.timestamp : undefined;
  for (const set of cur.sets.values()) base.addRates(set, carryAt);
}

/** cpu/usage_rate is int64 millicores with truncating division; the rest are float units per second. */
export function rateOf(counter: string, delta: number, dtMs: number): number {
  if (counter === 'cpu/usage') return Math.trunc((1000 * delta) / (dtMs * 1e6));
  return (1000 * delta) / dtMs;
}

import { RATE_OF } from './catalog.js';
import type { Batch } from './types.js';

/**
 * Heapster's RateCalculator, from the immediately previous batch only. A set gets no rate when its
 * kubelet stats are not newer, when it restarted (start time changed), or, unlike Heapster, when a
 * counter went down: a negative rate is never emitted.
 */
const RATE_PAIRS = Object.entries(RATE_OF);

export function computeRates(prev: Batch | undefined, cur: Batch): void {
  if (!prev || cur.timestamp <= prev.timestamp) return;
  for (const set of cur.sets.values()) {
    const old = prev.sets.get(set.key);
    if (!old || set.scrapeTime <= old.scrapeTime || set.startTime !== old.startTime) continue;
    const dtMs = set.scrapeTime - old.scrapeTime;
    for (const [counter, rateName] of RATE_PAIRS) {
      const now = set.values.get(counter);
      const then = old.values.get(counter);
      if (now === undefined || then === undefined || now < then) continue;
      set.values.set(rateName, rateOf(counter, now - then, dtMs));
    }
  }
}

/** cpu/usage_rate is int64 millicores with truncating division; the rest are float units per second. */
export function rateOf(counter: string, delta: number, dtMs: number): number {
  if (counter === 'cpu/usage') return Math.trunc((1000 * delta) / (dtMs * 1e6));
  return (1000 * delta) / dtMs;
}

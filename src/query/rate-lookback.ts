import { KUBELET_REFRESH_MS, RATE_CARRY_MS } from '../model/index.js';

/**
 * How far back a CPU rate is taken from when a batch has none: the kubelet's CPU counters move
 * every 10-15 s, so a recording finer than that, made before the model carried rates through
 * (computeRates), has no rate for most entities in most batches (Heapster's rule: no rate where the
 * stats did not move). At 1 s a recorded 20-node cluster showed `kubectl top nodes` one node of 20,
 * and `top pods --at` `<unknown>` for most pods. A minute is Heapster's own resolution.
 */
export const RATE_LOOKBACK_MS = RATE_CARRY_MS;

/**
 * The lookback `top` carries rates forward by, for a recording at this resolution: none when
 * every batch is at least a refresh apart and so has its own rates. Carrying them cost a 6-hour,
 * 20-node `top pods -A` at 15 s a tenth of its 0.9 s in process.
 */
export const rateLookback = (resolutionMs: number | undefined): number =>
  resolutionMs !== undefined && resolutionMs <= KUBELET_REFRESH_MS ? RATE_LOOKBACK_MS : 0;

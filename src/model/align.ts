/**
 * Heapster's batch timestamp: the resolution boundary at or before `now`. The batch scraped just
 * after boundary B is stamped B, the end of the window that has just ended; never a later time.
 */
export function alignToResolution(nowMs: number, resolutionMs: number): number {
  return Math.floor(nowMs / resolutionMs) * resolutionMs;
}

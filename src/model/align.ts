/** Heapster's batch timestamp: the end of the resolution window holding `now` (`Truncate + resolution`). */
export function alignToResolution(nowMs: number, resolutionMs: number): number {
  return Math.floor(nowMs / resolutionMs) * resolutionMs + resolutionMs;
}

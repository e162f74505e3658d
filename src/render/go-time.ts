/** A timestamp as Go's time.Time marshals it in UTC: RFC 3339, fraction only when non-zero. */
export function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}

/** Go's zero time, Heapster's `latestTimestamp` when there are no points. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

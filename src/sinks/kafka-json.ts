import type { Batch } from '../model/index.js';
import { goInt, goJsonFloat } from './go-number.js';
import { pointsOf } from './points.js';

/** Go's encoding/json escapes these inside strings, so the bytes match Heapster's. */
const goString = (s: string) => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A batch as the values of Heapster's Kafka messages (reference §7.3), one per point: the raw
 * metric name, the value, the batch time in RFC 3339, and every label (blacklisted and empty ones
 * too; a labeled value's own labels merged in), keys sorted. Values Go could not marshal are left out.
 */
export function kafkaMessages(batch: Batch): string[] {
  // render's goTime, which sinks/ may not import (design.md): RFC 3339 as Go's time.Time marshals it
  const time = new Date(batch.timestamp).toISOString().replace(/\.?0+Z$/, 'Z');
  const out: string[] = [];
  for (const p of pointsOf(batch)) {
    if (!Number.isFinite(p.value)) continue;
    const tags = { ...p.set.labels, ...(p.labels ?? {}) };
    const tagJson = Object.keys(tags).sort().map((k) => `${goString(k)}:${goString(tags[k]!)}`).join(',');
    out.push(`{"MetricsName":${goString(p.name)},"MetricsValue":{"value":${p.float ? goJsonFloat(p.value) : goInt(p.value)}},"MetricsTimestamp":${goString(time)},"MetricsTags":{${tagJson}}}`);
  }
  return out;
}

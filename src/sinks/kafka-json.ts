import type { Batch } from '../model/index.js';
import { goJsonTime, goString, goStringMap } from './go-json.js';
import { goInt, goJsonFloat } from '../model/index.js';
import { pointsOf } from './points.js';

/**
 * A batch as the values of Heapster's Kafka messages (reference §7.3), one per point: the raw
 * metric name, the value, the batch time in RFC 3339, and every label (blacklisted and empty ones
 * too; a labeled value's own labels merged in), keys sorted. Values Go could not marshal are left out.
 */
export function kafkaMessages(batch: Batch): string[] {
  const time = goJsonTime(batch.timestamp);
  const out: string[] = [];
  for (const p of pointsOf(batch)) {
    if (!Number.isFinite(p.value)) continue;
    const tags = goStringMap({ ...p.set.labels, ...(p.labels ?? {}) });
    out.push(`{"MetricsName":${goString(p.name)},"MetricsValue":{"value":${p.float ? goJsonFloat(p.value) : goInt(p.value)}},"MetricsTimestamp":${time},"MetricsTags":${tags}}`);
  }
  return out;
}

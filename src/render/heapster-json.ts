import type { MetricDescriptor } from '../model/index.js';
import type { Series } from '../query/index.js';
import { GO_ZERO_TIME, goTime } from './go-time.js';

export interface MetricPoint {
  timestamp: string;
  value: number;
  floatValue?: number;
}
export interface MetricResult {
  metrics: MetricPoint[];
  latestTimestamp: string;
}

/**
 * Heapster's MetricResult. `value` is Heapster's uint64 (floats truncated, so utilizations read 0);
 * float metrics also carry the exact `floatValue`, which Heapster declared but never filled.
 */
export function toMetricResult(s: Series | undefined, metric: MetricDescriptor): MetricResult {
  const points = s?.points ?? [];
  let latest = -Infinity;
  const metrics = points.map((p) => {
    latest = Math.max(latest, p.timestamp);
    const point: MetricPoint = { timestamp: goTime(p.timestamp), value: Math.max(0, Math.trunc(p.value)) };
    if (metric.valueType === 'float') point.floatValue = p.value;
    return point;
  });
  return { metrics, latestTimestamp: metrics.length ? goTime(latest) : GO_ZERO_TIME };
}

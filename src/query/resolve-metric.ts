import { describeMetric, METRIC_ALIASES, METRICS, usageError, type MetricDescriptor } from '../model/index.js';
import { closest } from './suggest.js';

/** A metric name or deprecated alias, or a usage error naming the closest catalogue entries. */
export function resolveMetric(name: string): MetricDescriptor {
  const d = describeMetric(name);
  if (d) return d;
  const names = [...METRICS.map((m) => m.name), ...Object.keys(METRIC_ALIASES)];
  const near = closest(name, names, 3, true);
  const all = '`kubectl heapster metrics` lists them all';
  // far from every name, the closest are still named, but not as a guess at what was meant
  throw usageError(`unknown metric "${name}"`, near.length ? `did you mean ${near.join(', ')}? (${all})` : `the closest are ${closest(name, names).join(', ')}; ${all}`);
}

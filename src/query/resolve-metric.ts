import { describeMetric, METRIC_ALIASES, METRICS, usageError, type MetricDescriptor } from '../model/index.js';
import { closest, isNear } from './suggest.js';

/** A metric name or deprecated alias, or a usage error naming the closest catalogue entries. */
export function resolveMetric(name: string): MetricDescriptor {
  const d = describeMetric(name);
  if (d) return d;
  const names = [...METRICS.map((m) => m.name), ...Object.keys(METRIC_ALIASES)];
  const top = closest(name, names);
  const near = top.filter((n) => isNear(name, n));
  const all = '`kubectl heapster metrics` lists them all';
  // far from every name, the closest are still named, but not as a guess at what was meant
  throw usageError(`unknown metric "${name}"`, near.length ? `did you mean ${near.join(', ')}? (${all})` : `the closest are ${top.join(', ')}; ${all}`);
}

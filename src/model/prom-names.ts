import { labelPairs } from './label-pairs.js';

/**
 * How Heapster's names become Prometheus names, one mapping for everything that speaks Prometheus
 * (remote write, OpenMetrics export, `serve --prometheus`), so one PromQL query answers over each.
 */

/** Anything outside Prometheus's name characters becomes `_`: `cpu/usage_rate` → `heapster_cpu_usage_rate`. */
export const promName = (heapster: string): string => `heapster_${heapster.replace(/[^a-zA-Z0-9_:]/g, '_')}`;

/** A Heapster label key as a Prometheus label name. */
export const promLabelName = (s: string): string => {
  let n = labelNames.get(s);
  if (n === undefined) {
    n = s.replace(/[^a-zA-Z0-9_]/g, '_');
    if (/^[0-9]/.test(n)) n = `_${n}`;
    // the keys are Heapster's few label names: a remote-write tick of 1,000 nodes asks millions of times
    if (labelNames.size < 4096) labelNames.set(s, n);
  }
  return n;
};
const labelNames = new Map<string, string>();

/** What `cluster_name` says when nothing names the cluster: Heapster's default. */
export const PROM_CLUSTER_NAME = 'default';

/**
 * A point's Prometheus labels but its name: every set label and the point's own under their
 * Heapster keys, and `cluster_name`; empty values left out (Prometheus has no empty label); sorted by name.
 */
export function promLabelPairs(setLabels: Record<string, string>, pointLabels: Record<string, string> | undefined, clusterName: string): [string, string][] {
  return labelPairs([setLabels, pointLabels], (k, v) => {
    const n = promLabelName(k);
    return v === '' || n === '__name__' ? undefined : [n, v];
  }, ['cluster_name', clusterName]);
}

/** Where `__name__` sorts among sorted label pairs. */
export function promNameIndex(sorted: readonly [string, string][]): number {
  const i = sorted.findIndex(([k]) => k > '__name__');
  return i < 0 ? sorted.length : i;
}

/** A point's Prometheus labels, `__name__` among them, sorted by name. */
export function promLabels(name: string, setLabels: Record<string, string>, pointLabels: Record<string, string> | undefined, clusterName: string): [string, string][] {
  const pairs = promLabelPairs(setLabels, pointLabels, clusterName);
  pairs.splice(promNameIndex(pairs), 0, ['__name__', promName(name)]);
  return pairs;
}

/** What remote write's metadata and Prometheus's /api/v1/metadata say of a metric. */
export interface PromMetadata {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
}

/** Cumulative metrics are counters, the rest gauges. */
export function promMetadata(heapster: string, cumulative: boolean): PromMetadata {
  return { name: promName(heapster), type: cumulative ? 'counter' : 'gauge', help: `Heapster's ${heapster}` };
}

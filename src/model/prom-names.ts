/**
 * How Heapster's names become Prometheus names, one mapping for everything that speaks Prometheus
 * (remote write, OpenMetrics export, `serve --prometheus`), so one PromQL query answers over each.
 */

/** Anything outside Prometheus's name characters becomes `_`: `cpu/usage_rate` → `heapster_cpu_usage_rate`. */
export const promName = (heapster: string): string => `heapster_${heapster.replace(/[^a-zA-Z0-9_:]/g, '_')}`;

/** A Heapster label key as a Prometheus label name. */
export const promLabelName = (s: string): string => {
  const n = s.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(n) ? `_${n}` : n;
};

/** What `cluster_name` says when nothing names the cluster: Heapster's default. */
export const PROM_CLUSTER_NAME = 'default';

/**
 * A point's Prometheus labels: every set label and the point's own under their Heapster keys,
 * `cluster_name`, and `__name__`; empty values left out (Prometheus has no empty label); sorted by name.
 */
export function promLabels(name: string, setLabels: Record<string, string>, pointLabels: Record<string, string> | undefined, clusterName: string): [string, string][] {
  const labels = new Map<string, string>();
  for (const [k, v] of Object.entries(setLabels)) if (v !== '') labels.set(promLabelName(k), v);
  for (const [k, v] of Object.entries(pointLabels ?? {})) if (v !== '') labels.set(promLabelName(k), v);
  labels.set('cluster_name', clusterName);
  labels.set('__name__', promName(name));
  return [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

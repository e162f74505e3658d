import { METRICS, describeMetric, type ArchiveHistory, type EntityType } from '../query/index.js';
import { goTime } from '../render/index.js';

/** Heapster's /api/v1/metric-export-schema, from the catalogue. */
export function exportSchema(): unknown {
  return {
    metrics: METRICS.map((m) => ({
      name: m.name, description: m.description, ...(m.labeled ? { labels: [{ key: 'resource_id', description: 'Identifier(s) specific to a metric' }] } : {}),
      type: m.kind, value_type: m.valueType === 'float' ? 'double' : 'int64', ...(m.unit !== 'count' ? { units: m.unit } : {}),
    })),
    common_labels: ['nodename', 'hostname', 'host_id'].map((key) => ({ key, description: key })),
    pod_labels: ['pod_id', 'pod_name', 'namespace_id', 'container_name', 'container_base_image', 'labels'].map((key) => ({ key, description: key })),
  };
}

/** Heapster exported the standard and labeled metrics and the two limits, never requests, node_* or rates. */
const EXPORTED = (name: string) => {
  const d = describeMetric(name);
  return !!d && (name === 'cpu/limit' || name === 'memory/limit' || (!name.endsWith('_rate') && !name.includes('/node_') && !name.endsWith('/request') && !name.endsWith('/limit') && name !== 'restart_count'));
};

const TYPES: EntityType[] = ['node', 'pod', 'pod_container', 'sys_container'];

/** Heapster's /api/v1/metric-export: the newest batch as Timeseries, `null` before any batch. */
export async function metricExport(h: ArchiveHistory): Promise<unknown> {
  const t = await h.newest();
  if (t === undefined) return null;
  const w = { start: t, end: t };
  const out: unknown[] = [];
  for (const type of TYPES) {
    const entities = await h.entities(type, {}, w);
    if (!entities.length) continue;
    const keys = entities.map((e) => e.key);
    const names = new Set<string>();
    for (const k of keys.slice(0, 50)) for (const n of await h.metricNames(k, w)) names.add(n);
    const metrics = new Map<string, Record<string, unknown[]>>();
    for (const name of [...names].filter(EXPORTED)) {
      const d = describeMetric(name)!;
      for (const s of await h.series(keys, name, d.labeled ? 'all' : undefined, w)) {
        const entry = metrics.get(s.key) ?? {};
        for (const p of s.points) (entry[name] ??= []).push({ start: goTime(p.timestamp), end: goTime(p.timestamp), ...(s.labels ? { labels: s.labels } : {}), value: p.value });
        metrics.set(s.key, entry);
      }
    }
    for (const e of entities) {
      const labels: Record<string, string> = { nodename: e.node ?? '', hostname: e.node ?? '', host_id: '' };
      if (type === 'node') labels.container_name = 'machine';
      if (type === 'pod') labels.container_name = '/pod';
      if (e.pod) labels.pod_name = e.pod;
      if (type === 'pod_container' || type === 'sys_container') labels.container_name = e.name;
      out.push({ metrics: metrics.get(e.key) ?? {}, labels });
    }
  }
  return out;
}

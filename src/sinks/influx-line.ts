import { L, type Batch } from '../model/index.js';
import { goInt, goShortest } from '../model/index.js';
import { COUNTER_METRICS, pointsOf } from './points.js';

export interface InfluxOptions {
  /** `withfields=true`: measurement and field split at the first `/` */
  withFields: boolean;
  clusterName: string;
  disableCounterMetrics: boolean;
}

/** Heapster never wrote these labels to InfluxDB. */
const BLACKLIST: ReadonlySet<string> = new Set([L.podId, L.namespaceId, L.hostname, L.hostId]);

const escMeasurement = (s: string) => s.replace(/[, ]/g, (c) => `\\${c}`);
const escTag = (s: string) => s.replace(/[, =]/g, (c) => `\\${c}`);
const escField = (s: string) => s.replace(/[,"= ]/g, (c) => `\\${c}`);

/**
 * A batch as Heapster's InfluxDB sink wrote it (reference §4.3 and §4.4): one line per point,
 * tags sorted, the blacklisted labels and empty values left out, `cluster_name` always set,
 * integers with `i`, floats in Go's shortest form, nanosecond times. NaN and ±Inf, which the
 * server would not store, are left out.
 */
export function influxLines(batch: Batch, o: InfluxOptions): string[] {
  const lines: string[] = [];
  const ns = `${batch.timestamp}000000`;
  for (const p of pointsOf(batch)) {
    if (o.disableCounterMetrics && COUNTER_METRICS.has(p.name)) continue;
    if (!Number.isFinite(p.value)) continue;
    const slash = p.name.indexOf('/');
    const [measurement, field] = o.withFields && slash > 0 ? [p.name.slice(0, slash), p.name.slice(slash + 1)] : [p.name, 'value'];
    const tags = new Map<string, string>();
    for (const [k, v] of Object.entries(p.set.labels)) if (!BLACKLIST.has(k) && v !== '') tags.set(k, v);
    for (const [k, v] of Object.entries(p.labels ?? {})) if (!BLACKLIST.has(k) && v !== '') tags.set(k, v);
    tags.set('cluster_name', o.clusterName);
    const tagText = [...tags].map(([k, v]) => [escTag(k), escTag(v)] as const).filter(([, v]) => v !== '')
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `,${k}=${v}`).join('');
    const value = p.float ? goShortest(p.value) : `${goInt(p.value)}i`;
    lines.push(`${escMeasurement(measurement)}${tagText} ${escField(field)}=${value} ${ns}`);
  }
  return lines;
}

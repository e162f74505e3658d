import type { Batch } from '../model/index.js';
import { goInt, goJsonFloat } from '../model/index.js';
import { pointsOf } from './points.js';

/** Every character OpenTSDB does not take in names and tags becomes `_`. */
const sanitize = (s: string) => s.replace(/[^A-Za-z0-9\-_./]/g, '_');

/**
 * A batch as Heapster's OpenTSDB sink put it (reference §6.3): plain values only (Heapster never
 * sent labeled ones), `metric` as `cpu_usage_rate_gauge`, every set label sanitised (none left out
 * but empty ones), `cluster` set, seconds. Each element is the JSON text of one datapoint, keys in
 * Heapster's order and tags sorted.
 */
export function openTsdbPoints(batch: Batch, cluster: string): string[] {
  const ts = Math.floor(batch.timestamp / 1000);
  const out: string[] = [];
  for (const p of pointsOf(batch)) {
    if (p.labels || !Number.isFinite(p.value)) continue;
    const tags = new Map<string, string>();
    for (const [k, v] of Object.entries(p.set.labels)) {
      const value = sanitize(v);
      if (value !== '') tags.set(sanitize(k), value);
    }
    tags.set('cluster', cluster);
    const tagJson = [...tags].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
    const metric = `${sanitize(p.name).replace(/\//g, '_')}_${p.kind}`;
    out.push(`{"metric":${JSON.stringify(metric)},"timestamp":${ts},"value":${p.float ? goJsonFloat(p.value) : goInt(p.value)},"tags":{${tagJson}}}`);
  }
  return out;
}

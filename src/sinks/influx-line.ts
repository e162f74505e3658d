import { describeMetric, goInt, goShortest, L, type Batch } from '../model/index.js';
import { COUNTER_METRICS } from './points.js';

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

/** `,k=v` pairs, the blacklisted and the empty left out, sorted by key as Heapster's client sorted them. */
function tagText(labels: Record<string, string>, extra: Record<string, string> | undefined, clusterName: string): string {
  const tags = new Map<string, string>();
  for (const [k, v] of Object.entries(labels)) if (!BLACKLIST.has(k) && v !== '') tags.set(k, v);
  for (const [k, v] of Object.entries(extra ?? {})) if (!BLACKLIST.has(k) && v !== '') tags.set(k, v);
  tags.set('cluster_name', clusterName);
  return [...tags].map(([k, v]) => [escTag(k), escTag(v)] as const).filter(([, v]) => v !== '')
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `,${k}=${v}`).join('');
}

/**
 * A batch as Heapster's InfluxDB sink wrote it (reference §4.3 and §4.4), a line at a time: one line
 * per point, tags sorted, the blacklisted labels and empty values left out, `cluster_name` always
 * set, integers with `i`, floats in Go's shortest form, nanosecond times. NaN and ±Inf, which the
 * server would not store, are left out. A set's tags are written once for all its plain values (a
 * 1,000-node batch is millions of lines, and sorting tags per line cost seconds).
 */
export function* influxLineIter(batch: Batch, o: InfluxOptions): IterableIterator<string> {
  const ns = ` ${batch.timestamp}000000`;
  const heads = new Map<string, { measurement: string; field: string; float: boolean | undefined; skip: boolean }>();
  const head = (name: string) => {
    let h = heads.get(name);
    if (!h) {
      const slash = name.indexOf('/');
      const [m, f] = o.withFields && slash > 0 ? [name.slice(0, slash), name.slice(slash + 1)] : [name, 'value'];
      const d = describeMetric(name);
      heads.set(name, (h = { measurement: escMeasurement(m), field: ` ${escField(f)}=`, float: d ? d.valueType === 'float' : undefined, skip: o.disableCounterMetrics && COUNTER_METRICS.has(name) }));
    }
    return h;
  };
  const value = (float: boolean | undefined, v: number) => ((float ?? !Number.isInteger(v)) ? goShortest(v) : `${goInt(v)}i`);
  for (const set of batch.sets.values()) {
    let tags: string | undefined;
    // a set's labeled values share a few label sets (its filesystems, its interfaces)
    const labeledTags = new Map<string, string>();
    for (const [name, v] of set.values) {
      const h = head(name);
      if (h.skip || !Number.isFinite(v)) continue;
      tags ??= tagText(set.labels, undefined, o.clusterName);
      yield `${h.measurement}${tags}${h.field}${value(h.float, v)}${ns}`;
    }
    for (const lv of set.labeled) {
      const h = head(lv.name);
      if (h.skip || !Number.isFinite(lv.value)) continue;
      const key = JSON.stringify(lv.labels);
      let t = labeledTags.get(key);
      if (t === undefined) labeledTags.set(key, (t = tagText(set.labels, lv.labels, o.clusterName)));
      yield `${h.measurement}${t}${h.field}${value(h.float, lv.value)}${ns}`;
    }
  }
}

/** All of a batch's lines (tests, small batches). */
export function influxLines(batch: Batch, o: InfluxOptions): string[] {
  return [...influxLineIter(batch, o)];
}

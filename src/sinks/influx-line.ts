import { describeMetric, goInt, goShortest, L, labelPairs, type Batch } from '../model/index.js';
import { bodyLines } from './body-lines.js';
import { Bodies } from './bytes.js';
import { PerLabelSet } from './per-label-set.js';
import { COUNTER_METRICS } from './points.js';

export interface InfluxOptions {
  /** `withfields=true`: measurement and field split at the first `/` */
  withFields: boolean;
  clusterName: string;
  disableCounterMetrics: boolean;
}

/** Heapster never wrote these labels to InfluxDB. */
const BLACKLIST: ReadonlySet<string> = new Set([L.podId, L.namespaceId, L.hostname, L.hostId]);

// most names and values need no escape: a test first, as a replace with a callback costs a string a call
const escaper = (re: RegExp) => {
  const test = new RegExp(re.source);
  return (s: string) => (test.test(s) ? s.replace(re, (c) => `\\${c}`) : s);
};
const escMeasurement = escaper(/[, ]/g);
const escTag = escaper(/[, =]/g);
const escField = escaper(/[,"= ]/g);

/** `,k=v` pairs, the blacklisted and the empty left out, sorted by key as Heapster's client sorted them. */
function tagText(labels: Record<string, string>, extra: Record<string, string> | undefined, clusterName: string): string {
  // escaped before they are sorted, as Heapster's client sorted them; the escape keeps keys apart
  const tags = labelPairs([labels, extra], (k, v) => (v === '' || BLACKLIST.has(k) ? undefined : [escTag(k), escTag(v)]), ['cluster_name', escTag(clusterName)]);
  let text = '';
  // an empty cluster_name (the option given empty) is left out like any empty value
  for (const [k, v] of tags) if (v !== '') text += `,${k}=${v}`;
  return text;
}

/**
 * A batch as Heapster's InfluxDB sink wrote it (reference §4.3 and §4.4), as request bodies of at
 * most `perRequest` lines: one line per point, tags sorted, the blacklisted labels and empty values
 * left out, `cluster_name` always set, integers with `i`, floats in Go's shortest form, nanosecond
 * times, each line ending in a newline. NaN and ±Inf, which the server would not store, are left
 * out. The lines are written as bytes into one buffer a request, a set's tags encoded once for all
 * its values: a 1,000-node batch is millions of lines, ~700 MB, and as strings joined and encoded
 * again on the way out they cost 5 s of CPU a tick.
 */
export function* influxBodies(batch: Batch, o: InfluxOptions, perRequest: number): IterableIterator<{ body: Uint8Array; lines: number }> {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const end = utf8(` ${batch.timestamp}000000\n`);
  const heads = new Map<string, { measurement: Uint8Array; field: Uint8Array; float: boolean | undefined; skip: boolean }>();
  const head = (name: string) => {
    let h = heads.get(name);
    if (!h) {
      const slash = name.indexOf('/');
      const [m, f] = o.withFields && slash > 0 ? [name.slice(0, slash), name.slice(slash + 1)] : [name, 'value'];
      const d = describeMetric(name);
      heads.set(name, (h = { measurement: utf8(escMeasurement(m)), field: utf8(` ${escField(f)}=`), float: d ? d.valueType === 'float' : undefined, skip: o.disableCounterMetrics && COUNTER_METRICS.has(name) }));
    }
    return h;
  };
  const out = new Bodies(perRequest);
  type Head = NonNullable<ReturnType<typeof heads.get>>;
  const line = (h: Head, tags: Uint8Array, v: number): boolean => {
    out.bytes(h.measurement).bytes(tags).bytes(h.field).ascii((h.float ?? !Number.isInteger(v)) ? goShortest(v) : `${goInt(v)}i`).bytes(end);
    return out.counted();
  };
  const flush = () => {
    const { body, items } = out.next();
    return { body, lines: items };
  };
  for (const set of batch.sets.values()) {
    const tags = new PerLabelSet((extra) => utf8(tagText(set.labels, extra, o.clusterName)));
    for (const [name, v] of set.values) {
      const h = head(name);
      if (!h.skip && Number.isFinite(v) && line(h, tags.of(), v)) yield flush();
    }
    for (const lv of set.labeled) {
      const h = head(lv.name);
      if (!h.skip && Number.isFinite(lv.value) && line(h, tags.of(lv.labels), lv.value)) yield flush();
    }
  }
  if (out.items) yield flush();
}

/** All of a batch's lines, without their newlines (tests, small batches). */
export function influxLines(batch: Batch, o: InfluxOptions): string[] {
  return bodyLines(influxBodies(batch, o, Infinity));
}

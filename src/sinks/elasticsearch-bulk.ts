import { randomBytes } from 'node:crypto';
import type { Batch } from '../model/index.js';
import { goJsonTime, goString, goStringMap } from './go-json.js';
import { goInt, goJsonFloat } from '../model/index.js';
import { pointsOfSet, type Point } from './points.js';

export interface ElasticsearchOptions {
  /** the index's base name; the UTC day is appended (`heapster-2017.10.16`) */
  index: string;
  clusterName: string;
}

/** The four families Heapster grouped into one document per set and tag set; everything else is `general`. */
const FAMILIES = ['cpu', 'memory', 'network', 'filesystem'] as const;
const familyOf = (name: string): string => FAMILIES.find((f) => name.startsWith(`${f}/`)) ?? 'general';

/**
 * A batch as the `_bulk` body Heapster's Elasticsearch sink sent (reference §8.3): per metric set,
 * one document per family and distinct tag set holding all that family's values, and one document
 * per `general` metric; each after its action line with a fresh time-based id. Tags are every label
 * with empty ones kept, a labeled value's own labels, and `cluster_name`.
 */
export function elasticsearchBulk(batch: Batch, o: ElasticsearchOptions): string[] {
  const time = goJsonTime(batch.timestamp);
  const d = new Date(batch.timestamp);
  const index = `${o.index}-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
  const lines: string[] = [];
  const action = (type: string) => `{"index":{"_id":${goString(uuidV1(batch.timestamp))},"_index":${goString(index)},"_type":${goString(type)}}}`;
  const value = (p: Point) => (p.float ? goJsonFloat(p.value) : goInt(p.value));
  for (const set of batch.sets.values()) {
    // a family's documents of this set, keyed by their tags as written: deep equality, as Heapster compared them
    const docs = new Map<string, { family: string; tags: string; metrics: Map<string, string> }>();
    for (const p of pointsOfSet(set)) {
      if (!Number.isFinite(p.value)) continue;
      const tags = goStringMap({ ...set.labels, ...(p.labels ?? {}), cluster_name: o.clusterName });
      const family = familyOf(p.name);
      if (family === 'general') {
        lines.push(action('general'), `{"GeneralMetricsTimestamp":${time},"MetricsTags":${tags},"MetricsName":${goString(p.name)},"MetricsValue":{"value":${value(p)}}}`);
        continue;
      }
      const key = `${family}\u0000${tags}`;
      let doc = docs.get(key);
      if (!doc) docs.set(key, (doc = { family, tags, metrics: new Map() }));
      doc.metrics.set(p.name, value(p));
    }
    for (const doc of docs.values()) {
      const metrics = [...doc.metrics.keys()].sort().map((m) => `${goString(m)}:{"value":${doc.metrics.get(m)}}`).join(',');
      const field = `${doc.family[0]!.toUpperCase()}${doc.family.slice(1)}MetricsTimestamp`;
      lines.push(action(doc.family), `{${goString(field)}:${time},"Metrics":{${metrics}},"MetricsTags":${doc.tags}}`);
    }
  }
  return lines;
}

const NODE = randomBytes(6);
NODE[0]! |= 0x01; // a random node id has the multicast bit set (RFC 4122 §4.5)
const CLOCK_SEQ = randomBytes(2).readUInt16BE() & 0x3fff;
let last = 0n;

/** A version 1 (time-based) UUID, as Heapster's `_id`: 100 ns ticks since 1582-10-15, a random node. */
function uuidV1(ms: number): string {
  let t = BigInt(ms) * 10_000n + 0x01b21dd213814000n;
  // the documents of one batch share its time: each takes the next tick, so no two ids are equal
  if (t <= last) t = last + 1n;
  last = t;
  const hex = t.toString(16).padStart(15, '0');
  const low = hex.slice(7, 15);
  const mid = hex.slice(3, 7);
  const high = `1${hex.slice(0, 3)}`;
  const seq = (CLOCK_SEQ | 0x8000).toString(16).padStart(4, '0');
  return `${low}-${mid}-${high}-${seq}-${NODE.toString('hex')}`;
}

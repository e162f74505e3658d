import { randomBytes } from 'node:crypto';
import { describeMetric, goInt, goJsonFloat, type Batch } from '../model/index.js';
import { bodyLines } from './body-lines.js';
import { Bodies } from './bytes.js';
import { goJsonTime, goString, goStringMap } from './go-json.js';
import { PerLabelSet } from './per-label-set.js';

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
 * with empty ones kept, a labeled value's own labels, and `cluster_name`. Written as bytes into
 * bodies of at most `perBody` documents (each two lines), a set's tags encoded once: a 1,000-node
 * tick as a string a line, each sorting and escaping its tags, took 70 s of CPU and could not be joined.
 */
export function* elasticsearchBodies(batch: Batch, o: ElasticsearchOptions, perBody: number): IterableIterator<{ body: Uint8Array; documents: number; samples: number }> {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const time = goJsonTime(batch.timestamp);
  const d = new Date(batch.timestamp);
  const index = goString(`${o.index}-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`);
  const ids = new TimeIds(batch.timestamp);
  // an action line but its id, and a document's opening, for each family
  const family = new Map([...FAMILIES, 'general'].map((f) => [f, {
    action: utf8(`","_index":${index},"_type":${goString(f)}}}\n`),
    open: utf8(`{${goString(`${f[0]!.toUpperCase()}${f.slice(1)}MetricsTimestamp`)}:${time},`),
  }]));
  const general = family.get('general')!;
  const metrics = new Map<string, Metric>();
  const metric = (name: string) => {
    let m = metrics.get(name);
    if (!m) {
      const desc = describeMetric(name);
      const float = desc ? desc.valueType === 'float' : undefined;
      const key = goString(name);
      metrics.set(name, (m = {
        name, family: familyOf(name), member: utf8(`${key}:{"value":`), general: utf8(`,"MetricsName":${key},"MetricsValue":{"value":`),
        value: (v) => ((float ?? !Number.isInteger(v)) ? goJsonFloat(v) : goInt(v)),
      }));
    }
    return m;
  };
  const out = new Bodies(perBody);
  let samples = 0;
  const begin = (f: { action: Uint8Array; open: Uint8Array }) => out.ascii('{"index":{"_id":"').ascii(ids.next()).bytes(f.action).bytes(f.open);
  const flush = () => {
    const { body, items } = out.next();
    const chunk = { body, documents: items, samples };
    samples = 0;
    return chunk;
  };
  for (const set of batch.sets.values()) {
    const tags = new PerLabelSet((extra) => utf8(goStringMap({ ...set.labels, ...extra, cluster_name: o.clusterName })));
    // a family's documents of this set, one per tag set as written (deep equality, as Heapster
    // compared them: equal tags are one object of `tags`), in the order they were begun
    const docs: Doc[] = [];
    const add = (name: string, v: number, t: Uint8Array): boolean => {
      if (!Number.isFinite(v)) return false;
      const m = metric(name);
      if (m.family === 'general') {
        samples++;
        begin(general).ascii('"MetricsTags":').bytes(t).bytes(m.general).ascii(m.value(v)).ascii('}}\n');
        return out.counted();
      }
      let doc: Doc | undefined;
      for (const d of docs) {
        if (d.tags === t && d.family === m.family) {
          doc = d;
          break;
        }
      }
      if (!doc) docs.push((doc = { family: m.family, tags: t, members: [], values: [] }));
      // a name given twice keeps its last value, as a map would
      const i = doc.members.indexOf(m);
      if (i >= 0) doc.values[i] = v;
      else {
        doc.members.push(m);
        doc.values.push(v);
      }
      return false;
    };
    for (const [name, v] of set.values) if (add(name, v, tags.of())) yield flush();
    for (const lv of set.labeled) if (add(lv.name, lv.value, tags.of(lv.labels))) yield flush();
    for (const doc of docs) {
      begin(family.get(doc.family)!).ascii('"Metrics":{');
      // by name, as Go writes a map: a family has a handful
      const order = doc.members.map((_, k) => k).sort((a, b) => (doc.members[a]!.name < doc.members[b]!.name ? -1 : 1));
      order.forEach((k, j) => {
        if (j) out.byte(0x2c);
        out.bytes(doc.members[k]!.member).ascii(doc.members[k]!.value(doc.values[k]!)).byte(0x7d);
      });
      out.ascii('},"MetricsTags":').bytes(doc.tags).ascii('}\n');
      samples += doc.members.length;
      if (out.counted()) yield flush();
    }
  }
  if (out.items) yield flush();
}

interface Metric {
  name: string;
  family: string;
  /** `"name":{"value":`, in a family document */
  member: Uint8Array;
  /** `,"MetricsName":"name","MetricsValue":{"value":`, in a general one */
  general: Uint8Array;
  value: (v: number) => string;
}
interface Doc { family: string; tags: Uint8Array; members: Metric[]; values: number[] }

/** Each line of the bulk body, actions and documents (tests, small batches). */
export const elasticsearchBulk = (batch: Batch, o: ElasticsearchOptions): string[] => bodyLines(elasticsearchBodies(batch, o, Infinity));

const NODE = randomBytes(6).toString('hex');
const NODE_ID = `${(parseInt(NODE.slice(0, 2), 16) | 0x01).toString(16).padStart(2, '0')}${NODE.slice(2)}`; // a random node id has the multicast bit set (RFC 4122 §4.5)
const CLOCK_SEQ = ((randomBytes(2).readUInt16BE() & 0x3fff) | 0x8000).toString(16).padStart(4, '0');
// the last id given, as numbers: a batch's ids must follow the one before's even at the same time
let lastHi = 0;
let lastLo = -1;

/**
 * Version 1 (time-based) UUIDs, as Heapster's `_id`: 100 ns ticks since 1582-10-15, a random node.
 * The documents of one batch share its time: each takes the next tick, so no two ids are equal,
 * counted in numbers rather than BigInt (a 1,000-node tick is hundreds of thousands of documents).
 */
class TimeIds {
  private hi: number;
  private lo: number;

  constructor(ms: number) {
    let t = BigInt(ms) * 10_000n + 0x01b21dd213814000n;
    const last = (BigInt(lastHi) << 32n) + BigInt(lastLo);
    if (t <= last) t = last + 1n;
    this.hi = Number(t >> 32n);
    this.lo = Number(t & 0xffffffffn);
  }

  // what follows the low 32 bits, the same for 4 billion ids
  private tail = '';
  private tailOf = -1;

  next(): string {
    if (this.tailOf !== this.hi) {
      const hi = this.hi.toString(16).padStart(7, '0');
      this.tail = `-${hi.slice(3, 7)}-1${hi.slice(0, 3)}-${CLOCK_SEQ}-${NODE_ID}`;
      this.tailOf = this.hi;
    }
    const id = this.lo.toString(16).padStart(8, '0') + this.tail;
    lastHi = this.hi;
    lastLo = this.lo;
    if (++this.lo === 0x1_0000_0000) {
      this.lo = 0;
      this.hi++;
    }
    return id;
  }
}

import { describeMetric, promLabelPairs, promMetadata, promNameIndex, type Batch, type PromMetadata } from '../model/index.js';
import { Bytes } from './bytes.js';
import { PerLabelSet } from './per-label-set.js';
import { ProtoWriter } from './remote-write.js';
import { snappyCompress } from './snappy-compress.js';

/**
 * A batch as remote-write requests of at most `perRequest` series each, protobuf written straight
 * from the sets into one growing buffer a request, snappy-compressed: the bytes
 * `writeRequestBody(promSeries(batch))` gives, split, without an object per sample (a 1,000-node
 * batch is millions of samples: as objects they filled a 4 GB heap). A set's labels are encoded
 * once for all its values. The metric metadata goes with the last request.
 */
export function* writeRequestChunks(batch: Batch, clusterName: string, perRequest: number): IterableIterator<{ body: Uint8Array; series: number }> {
  const out = new RequestBytes();
  const timeLen = varintLength(batch.timestamp);
  // Sample: value (field 1, fixed64 double), timestamp (field 2, varint)
  const sampleLen = 1 + 8 + 1 + timeLen;
  const names = new Map<string, Uint8Array>();
  const seen: PromMetadata[] = [];
  const nameLabel = (metric: string) => {
    let n = names.get(metric);
    if (!n) {
      const meta = promMetadata(metric, describeMetric(metric)?.kind === 'cumulative');
      names.set(metric, (n = labelBytes('__name__', meta.name)));
      seen.push(meta);
    }
    return n;
  };
  let count = 0;
  // a sample's bytes but its value are the same for the whole batch: field 2 of the series, then the value's tag
  const sampleHead = new Bytes(16).byte(0x12).varint(sampleLen).byte(0x09).take();
  const sampleTail = new Bytes(16).byte(0x10).varint(batch.timestamp).take();
  const flush = (last: boolean) => {
    if (last) for (const m of seen) out.bytes(new ProtoWriter().message(3, (x) => x.varint(1, m.type === 'counter' ? 1 : 2).string(2, m.name).string(4, m.help)).bytes());
    // compressed from the buffer in place: the request's raw bytes are never copied
    const chunk = { body: snappyCompress(out.written()), series: count };
    out.reset();
    count = 0;
    return chunk;
  };
  const encoded = new Map<string, Map<string, Uint8Array>>();
  for (const set of batch.sets.values()) {
    const labels = new PerLabelSet((extra) => blockOf(promLabelPairs(set.labels, extra, clusterName), encoded));
    for (const [metric, value] of set.values) {
      if (!Number.isFinite(value)) continue;
      out.series(labels.of(), nameLabel(metric), value, sampleHead, sampleTail);
      if (++count >= perRequest) yield flush(false);
    }
    for (const lv of set.labeled) {
      if (!Number.isFinite(lv.value)) continue;
      out.series(labels.of(lv.labels), nameLabel(lv.name), lv.value, sampleHead, sampleTail);
      if (++count >= perRequest) yield flush(false);
    }
  }
  if (count || seen.length) yield flush(true);
}

/** A set's encoded labels that sort before `__name__`, and those after it. */
interface Block { before: Uint8Array; after: Uint8Array }

/**
 * A value's labels as two blocks around where its `__name__` goes. The same pairs recur across sets
 * (type, cluster, node, namespace): each is encoded once a batch, found by name, then value, so
 * no key string is made a label (millions a tick).
 */
function blockOf(pairs: [string, string][], cache: Map<string, Map<string, Uint8Array>>): Block {
  const label = ([k, v]: [string, string]) => {
    let byValue = cache.get(k);
    if (!byValue) cache.set(k, (byValue = new Map()));
    let b = byValue.get(v);
    if (!b) byValue.set(v, (b = labelBytes(k, v)));
    return b;
  };
  const at = promNameIndex(pairs);
  return { before: Buffer.concat(pairs.slice(0, at).map(label)), after: Buffer.concat(pairs.slice(at).map(label)) };
}

/** A Label (name, value) as TimeSeries field 1. */
function labelBytes(name: string, value: string): Uint8Array {
  const n = Buffer.from(name, 'utf8');
  const v = Buffer.from(value, 'utf8');
  const inner = 1 + varintLength(n.length) + n.length + 1 + varintLength(v.length) + v.length;
  return new Bytes(1 + varintLength(inner) + inner).byte(0x0a).varint(inner).byte(0x0a).varint(n.length).bytes(n).byte(0x12).varint(v.length).bytes(v).take();
}

function varintLength(v: number): number {
  let n = 1;
  for (let x = v; x >= 0x80; x = Math.floor(x / 0x80)) n++;
  return n;
}

/** The request buffer, with the one write that is most of a request. */
class RequestBytes extends Bytes {
  /**
   * One TimeSeries (field 1 of the request): its labels in three runs, then its one sample, whose
   * value goes between the bytes before and after it. Room is made once for all of it: a 1,000-node
   * tick is millions of series, and a check a part was most of the encoder's time.
   */
  series({ before, after }: Block, name: Uint8Array, value: number, sampleHead: Uint8Array, sampleTail: Uint8Array): this {
    const inner = before.length + name.length + after.length + sampleHead.length + 8 + sampleTail.length;
    this.room(1 + 10 + inner);
    const buf = this.buf;
    buf[this.at++] = 0x0a;
    let n = inner;
    while (n >= 0x80) {
      buf[this.at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[this.at++] = n;
    buf.set(before, this.at);
    buf.set(name, (this.at += before.length));
    buf.set(after, (this.at += name.length));
    buf.set(sampleHead, (this.at += after.length));
    this.at += sampleHead.length;
    this.view.setFloat64(this.at, value, true);
    this.at += 8;
    buf.set(sampleTail, this.at);
    this.at += sampleTail.length;
    return this;
  }
}

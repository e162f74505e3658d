import { compress } from 'snappyjs';
import { describeMetric, promLabelPairs, promMetadata, promNameIndex, type Batch, type MetricSet, type PromMetadata } from '../model/index.js';
import { ProtoWriter } from './remote-write.js';

/**
 * A batch as remote-write requests of at most `perRequest` series each, protobuf written straight
 * from the sets into one growing buffer a request, snappy-compressed: the bytes
 * `writeRequestBody(promSeries(batch))` gives, split, without an object per sample (a 1,000-node
 * batch is millions of samples: as objects they filled a 4 GB heap). A set's labels are encoded
 * once for all its values. The metric metadata goes with the last request.
 */
export function* writeRequestChunks(batch: Batch, clusterName: string, perRequest: number): IterableIterator<{ body: Uint8Array; series: number }> {
  const out = new Bytes();
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
  const series = ({ before, after }: Block, name: Uint8Array, value: number) => {
    const inner = before.length + name.length + after.length + 1 + varintLength(sampleLen) + sampleLen;
    out.byte(0x0a).varint(inner).bytes(before).bytes(name).bytes(after);
    out.byte(0x12).varint(sampleLen).byte(0x09).double(value).byte(0x10).varint(batch.timestamp);
  };
  const flush = (last: boolean) => {
    if (last) for (const m of seen) out.bytes(new ProtoWriter().message(3, (x) => x.varint(1, m.type === 'counter' ? 1 : 2).string(2, m.name).string(4, m.help)).bytes());
    const chunk = { body: compress(out.take()), series: count };
    count = 0;
    return chunk;
  };
  // the same pairs recur across sets (type, cluster, node, namespace): each is encoded once a batch
  const encoded = new Map<string, Uint8Array>();
  for (const set of batch.sets.values()) {
    const labels = new SetLabels(set, clusterName, encoded);
    for (const [metric, value] of set.values) {
      if (!Number.isFinite(value)) continue;
      series(labels.block(), nameLabel(metric), value);
      if (++count >= perRequest) yield flush(false);
    }
    for (const lv of set.labeled) {
      if (!Number.isFinite(lv.value)) continue;
      series(labels.block(lv.labels), nameLabel(lv.name), lv.value);
      if (++count >= perRequest) yield flush(false);
    }
  }
  if (count || seen.length) yield flush(true);
}

/** A set's encoded labels that sort before `__name__`, and those after it. */
interface Block { before: Uint8Array; after: Uint8Array }

/** One set's labels, encoded once as two blocks around where a value's `__name__` goes. */
class SetLabels {
  private plain: Block | undefined;
  private readonly byPoint = new Map<string, Block>();

  constructor(private readonly set: MetricSet, private readonly clusterName: string, private readonly cache: Map<string, Uint8Array>) {}

  private label(k: string, v: string): Uint8Array {
    const key = `${k}\u0000${v}`;
    let b = this.cache.get(key);
    if (!b) this.cache.set(key, (b = labelBytes(k, v)));
    return b;
  }

  private make(extra?: Record<string, string>): Block {
    const sorted = promLabelPairs(this.set.labels, extra, this.clusterName);
    const at = promNameIndex(sorted);
    const join = (pairs: [string, string][]) => Buffer.concat(pairs.map(([k, v]) => this.label(k, v)));
    return { before: join(sorted.slice(0, at)), after: join(sorted.slice(at)) };
  }

  /** The blocks for a plain value, or for a labeled value with its own labels (a set has few such label sets). */
  block(extra?: Record<string, string>): Block {
    if (!extra) return (this.plain ??= this.make());
    const key = JSON.stringify(extra);
    let b = this.byPoint.get(key);
    if (!b) this.byPoint.set(key, (b = this.make(extra)));
    return b;
  }
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

/** A byte buffer that grows by doubling: one allocation a request instead of several a sample. */
class Bytes {
  private buf: Uint8Array;
  private view: DataView;
  private at = 0;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.at++] = b;
    return this;
  }

  varint(v: number): this {
    this.room(10);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
    return this;
  }

  double(v: number): this {
    this.room(8);
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }

  /** What was written, and an empty buffer for what comes next. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.at);
    this.at = 0;
    return out;
  }
}

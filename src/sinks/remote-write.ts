import { promLabels, promMetadata, promName, type Batch, type PromMetadata } from '../model/index.js';
import { pointsOf } from './points.js';
import { snappyCompress } from './snappy-compress.js';

/** One series of a remote-write request: labels sorted by name, `__name__` among them. */
export interface PromSeries {
  labels: [string, string][];
  samples: [value: number, timestampMs: number][];
}

export type { PromMetadata };


/**
 * A batch as Prometheus series (the mapping in the README): `heapster_` + the Heapster name, every
 * set label and a labeled value's own labels under their Heapster keys, `cluster_name`, empty values
 * left out, one sample at the batch time in ms. Cumulative metrics are counters, the rest gauges.
 */
export function promSeries(batch: Batch, clusterName: string): { series: PromSeries[]; metadata: Map<string, PromMetadata> } {
  const series: PromSeries[] = [];
  const metadata = new Map<string, PromMetadata>();
  for (const p of pointsOf(batch)) {
    if (!Number.isFinite(p.value)) continue;
    const name = promName(p.name);
    if (!metadata.has(name)) metadata.set(name, promMetadata(p.name, p.kind === 'cumulative'));
    series.push({ labels: promLabels(p.name, p.set.labels, p.labels, clusterName), samples: [[p.value, batch.timestamp]] });
  }
  return { series, metadata };
}

/** A `WriteRequest` (remote-write 1.0) in protobuf, snappy block-compressed: the body to POST. */
export function writeRequestBody(series: readonly PromSeries[], metadata: Iterable<PromMetadata> = []): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.message(1, (ts) => {
      for (const [name, value] of s.labels) ts.message(1, (l) => l.string(1, name).string(2, value));
      for (const [value, t] of s.samples) ts.message(2, (x) => x.double(1, value).varint(2, t));
    });
  }
  for (const m of metadata) {
    // MetricMetadata: type (COUNTER 1, GAUGE 2), metric_family_name, help
    w.message(3, (x) => x.varint(1, m.type === 'counter' ? 1 : 2).string(2, m.name).string(4, m.help));
  }
  return snappyCompress(w.bytes());
}

/** The few protobuf encodings remote-write needs. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.push(varintBytes((field << 3) | wire));
  }

  varint(field: number, v: number): this {
    return this.tag(field, 0).push(varintBytes(v));
  }

  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return this.tag(field, 1).push(b);
  }

  string(field: number, s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.tag(field, 2).push(varintBytes(b.length)).push(b);
  }

  message(field: number, fill: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    fill(inner);
    const b = inner.bytes();
    return this.tag(field, 2).push(varintBytes(b.length)).push(b);
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.parts, this.size);
  }
}

/** A non-negative integer as a protobuf varint; exact up to 2^53, as the ms timestamps are. */
function varintBytes(v: number): Uint8Array {
  const out: number[] = [];
  let n = v;
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

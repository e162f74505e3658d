import { describeMetric, goInt, goJsonFloat, type Batch } from '../model/index.js';
import { bodyLines } from './body-lines.js';
import { Bodies } from './bytes.js';
import { goJsonTime, goString, goStringMap } from './go-json.js';
import { PerLabelSet } from './per-label-set.js';

/**
 * A batch as the values of Heapster's Kafka messages (reference §7.3), one per point: the raw
 * metric name, the value, the batch time in RFC 3339, and every label (blacklisted and empty ones
 * too; a labeled value's own labels merged in), keys sorted. Values Go could not marshal are left
 * out. Written as newline-ended messages into bodies of at most `perBody` each, a set's tags
 * encoded once for all its values: a 1,000-node tick is 2.7 M messages, 1.1 GB, and as a string a
 * message, each sorting and escaping its own tags, they took 48 s of CPU and could not be joined.
 */
export function* kafkaBodies(batch: Batch, perBody: number): IterableIterator<{ body: Uint8Array; messages: number }> {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const time = utf8(`},"MetricsTimestamp":${goJsonTime(batch.timestamp)},"MetricsTags":`);
  const heads = new Map<string, { head: Uint8Array; float: boolean | undefined }>();
  const head = (name: string) => {
    let h = heads.get(name);
    if (!h) {
      const d = describeMetric(name);
      heads.set(name, (h = { head: utf8(`{"MetricsName":${goString(name)},"MetricsValue":{"value":`), float: d ? d.valueType === 'float' : undefined }));
    }
    return h;
  };
  const out = new Bodies(perBody);
  const message = (name: string, v: number, tags: Uint8Array): boolean => {
    const h = head(name);
    out.bytes(h.head).ascii((h.float ?? !Number.isInteger(v)) ? goJsonFloat(v) : goInt(v)).bytes(time).bytes(tags);
    return out.counted();
  };
  const flush = () => {
    const { body, items } = out.next();
    return { body, messages: items };
  };
  for (const set of batch.sets.values()) {
    const tags = new PerLabelSet((extra) => utf8(`${goStringMap({ ...set.labels, ...extra })}}\n`));
    for (const [name, v] of set.values) if (Number.isFinite(v) && message(name, v, tags.of())) yield flush();
    for (const lv of set.labeled) if (Number.isFinite(lv.value) && message(lv.name, lv.value, tags.of(lv.labels))) yield flush();
  }
  if (out.items) yield flush();
}

/** Each message's JSON text (tests, small batches). */
export const kafkaMessages = (batch: Batch): string[] => bodyLines(kafkaBodies(batch, Infinity));

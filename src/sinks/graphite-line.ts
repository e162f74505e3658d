import { describeMetric, goFixed6, goInt, L, type Batch, type MetricSet } from '../model/index.js';
import { bodyLines } from './body-lines.js';
import { Bytes } from './bytes.js';

const esc = (s: string | undefined) => (s ?? '').replace(/[./]/g, '_');

/** The entity part of a Graphite path, by the set's type (reference §5.2). */
function entityPath(set: MetricSet): string {
  const l = set.labels;
  switch (set.type) {
    case 'pod_container': return `nodes.${esc(l[L.hostname])}.pods.${l[L.namespaceName] ?? ''}.${esc(l[L.podName])}.containers.${esc(l[L.containerName])}.`;
    case 'sys_container': return `nodes.${esc(l[L.hostname])}.sys-containers.${esc(l[L.containerName])}.`;
    case 'pod': return `nodes.${esc(l[L.hostname])}.pods.${l[L.namespaceName] ?? ''}.${esc(l[L.podName])}.`;
    case 'ns': return `namespaces.${l[L.namespaceName] ?? ''}.`;
    case 'node': return `nodes.${esc(l[L.hostname])}.`;
    case 'cluster': return 'cluster.';
  }
}

/** When a body is full: at `lines` lines, or before the line that would take it past `bytes`. */
export interface BodyLimit {
  lines?: number;
  bytes?: number;
}

/**
 * A batch in Graphite's plaintext protocol with Heapster's paths (`<prefix>.nodes.<host>.pods.<ns>.
 * <pod>.containers.<c>.cpu.usage_rate 250 1508145300`), integers as `%d`, floats as `%f`, seconds,
 * each line ending in a newline; as bodies of whole lines within `limit` (a body holds at least one
 * line, however long). One deliberate difference: a labeled value's resource id goes into its path
 * after the metric's first segment (`filesystem._.usage`, `filesystem.logs.usage`), as Heapster's
 * code meant to; Heapster looked for a label named `resourceId`, never found one, and wrote every
 * filesystem to one path, where the last value overwrote the others. A set's path is made once for
 * all its values, and the lines are written as bytes: a 1,000-node batch is ~300 MB of lines, and
 * as a string a point they took 15 s of CPU and 2 GB.
 */
export function* graphiteBodies(batch: Batch, prefix: string, limit: BodyLimit): IterableIterator<{ body: Uint8Array; lines: number }> {
  const maxLines = limit.lines ?? Infinity;
  const maxBytes = limit.bytes ?? Infinity;
  const tail = Buffer.from(` ${Math.floor(batch.timestamp / 1000)}\n`);
  const metrics = new Map<string, { path: Uint8Array; float: boolean | undefined }>();
  const metric = (name: string, id: string | undefined) => {
    const key = id === undefined ? name : `${name}\u0000${id}`;
    let m = metrics.get(key);
    if (!m) {
      let path = name.replace(/\//g, '.');
      if (id !== undefined) {
        const dot = path.indexOf('.');
        path = dot > 0 ? `${path.slice(0, dot)}.${esc(id)}.${path.slice(dot + 1)}` : `${path}.${esc(id)}`;
      }
      const d = describeMetric(name);
      metrics.set(key, (m = { path: Buffer.from(path), float: d ? d.valueType === 'float' : undefined }));
    }
    return m;
  };
  const out = new Bytes();
  let lines = 0;
  type Body = { body: Uint8Array; lines: number };
  // a full body, if this line filled it; past the bytes, the body is cut before the line, which starts the next
  const line = (entity: Uint8Array, m: { path: Uint8Array; float: boolean | undefined }, v: number): Body | undefined => {
    const start = out.length;
    out.bytes(entity).bytes(m.path).ascii(` ${(m.float ?? !Number.isInteger(v)) ? goFixed6(v) : goInt(v)}`).bytes(tail);
    if (out.length > maxBytes && lines > 0) {
      const full = { body: out.cut(start), lines };
      lines = 1;
      return full;
    }
    if (++lines < maxLines) return undefined;
    const full = { body: out.take(), lines };
    lines = 0;
    return full;
  };
  for (const set of batch.sets.values()) {
    const entity = Buffer.from(`${prefix}.${entityPath(set)}`);
    for (const [name, v] of set.values) {
      const full = Number.isFinite(v) ? line(entity, metric(name, undefined), v) : undefined;
      if (full) yield full;
    }
    for (const lv of set.labeled) {
      const full = Number.isFinite(lv.value) ? line(entity, metric(lv.name, lv.labels[L.resourceId] ?? lv.labels.accelerator_id), lv.value) : undefined;
      if (full) yield full;
    }
  }
  if (lines) yield { body: out.take(), lines };
}

/** All of a batch's lines, without their newlines (tests, small batches). */
export function graphiteLines(batch: Batch, prefix: string): string[] {
  return bodyLines(graphiteBodies(batch, prefix, {}));
}

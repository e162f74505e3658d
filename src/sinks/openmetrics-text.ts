import { describeMetric, promLabelPairs, promMetadata, type Batch, type PromMetadata } from '../model/index.js';
import { Bytes } from './bytes.js';
import { PerLabelSet } from './per-label-set.js';

/** A label value as the exposition formats escape it. */
const escValue = (s: string) => s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/**
 * A metric family's `# HELP` and `# TYPE` lines. Cumulative metrics are typed `unknown`: OpenMetrics
 * would want a counter's samples named `_total`, and these keep the names remote write gives them,
 * so one PromQL query answers both. Prometheus keeps no type in its blocks, so nothing is lost there.
 */
export function openMetricsHeader(m: PromMetadata): string {
  return `# HELP ${m.name} ${m.help}${m.type === 'counter' ? ' (cumulative)' : ''}\n# TYPE ${m.name} ${m.type === 'counter' ? 'unknown' : 'gauge'}\n`;
}

/**
 * A batch as OpenMetrics sample lines, each family's apart, as pieces of about `chunkBytes` or
 * less: remote write's names and labels (labels sorted, `__name__` as the name), the value, the
 * time in seconds. OpenMetrics wants a family's samples together and a batch holds every family,
 * so the caller gathers them; a 1,000-node tick is ~900 MB of lines, and as a series object and a
 * string a sample it filled a 4 GB heap.
 */
export function* openMetricsChunks(batch: Batch, clusterName: string, chunkBytes: number): IterableIterator<{ family: PromMetadata; body: Uint8Array; samples: number }> {
  const tail = Buffer.from(` ${batch.timestamp / 1000}\n`);
  const families = new Map<string, { family: PromMetadata; name: Uint8Array; out: Bytes; samples: number }>();
  const familyOf = (metric: string) => {
    let f = families.get(metric);
    if (!f) {
      const family = promMetadata(metric, describeMetric(metric)?.kind === 'cumulative');
      families.set(metric, (f = { family, name: Buffer.from(family.name), out: new Bytes(), samples: 0 }));
    }
    return f;
  };
  const take = (f: NonNullable<ReturnType<typeof families.get>>) => {
    const chunk = { family: f.family, body: f.out.take(), samples: f.samples };
    f.samples = 0;
    return chunk;
  };
  for (const set of batch.sets.values()) {
    const labels = new PerLabelSet((extra) => {
      const pairs = promLabelPairs(set.labels, extra, clusterName);
      return Buffer.from(pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escValue(v)}"`).join(',')}}` : '', 'utf8');
    });
    const line = (metric: string, v: number, l: Uint8Array) => {
      const f = familyOf(metric);
      f.out.bytes(f.name).bytes(l).ascii(` ${String(v)}`).bytes(tail);
      f.samples++;
      return f.out.length >= chunkBytes ? take(f) : undefined;
    };
    for (const [metric, v] of set.values) {
      const full = Number.isFinite(v) ? line(metric, v, labels.of()) : undefined;
      if (full) yield full;
    }
    for (const lv of set.labeled) {
      const full = Number.isFinite(lv.value) ? line(lv.name, lv.value, labels.of(lv.labels)) : undefined;
      if (full) yield full;
    }
  }
  for (const f of families.values()) if (f.samples) yield take(f);
}

/** The line that ends an OpenMetrics document. */
export const OPENMETRICS_EOF = '# EOF\n';

import type { Aggregation, BucketSeries, BucketValues, QueryResult, Series } from '../query/index.js';
import { renderChart } from './chart.js';
import { goTime } from './go-time.js';
import type { Output, OutputFormat } from './output.js';
import { MemberColumns } from './member-columns.js';
import { csvText } from './csv-text.js';
import { documentText } from './document.js';
import { plainTable } from './plain-table.js';
import { formatDuration, formatValue } from './units.js';

type Buckets = Extract<QueryResult, { kind: 'buckets' }>;
type Typed = { intValue: number } | { floatValue: number };

/** Heapster's JSON names for the aggregations (`max` in the path is `maximum` in JSON). */
const JSON_NAME: Partial<Record<Aggregation, string>> = { average: 'average', max: 'maximum', min: 'minimum', median: 'median' };
const PERCENTILE: Partial<Record<Aggregation, '50' | '95' | '99'>> = { p50: '50', p95: '95', p99: '99' };

/** Heapster's MetricAggregationResult: each value typed int or float across all buckets, bucketSize in ns. */
export function toAggregationResult(s: BucketSeries | undefined, aggs: readonly Aggregation[], bucketMs: number): unknown {
  const buckets = s?.buckets ?? [];
  const isInt = (a: Aggregation) => buckets.every((b) => Number.isInteger(b[a]));
  const typed = (a: Aggregation, v: number): Typed => (isInt(a) ? { intValue: v } : { floatValue: v });
  return {
    buckets: buckets.map((b: BucketValues) => {
      const out: Record<string, unknown> = { timestamp: goTime(b.bucket) };
      const percentiles: Record<string, Typed> = {};
      for (const a of aggs) {
        if (a === 'count') out.count = b.count;
        else if (JSON_NAME[a]) out[JSON_NAME[a]!] = typed(a, b[a]);
        else percentiles[PERCENTILE[a]!] = typed(a, b[a]);
      }
      if (Object.keys(percentiles).length) out.percentiles = percentiles;
      return out;
    }),
    bucketSize: bucketMs * 1e6,
  };
}

export function renderBuckets(r: Buckets, format: OutputFormat, out: Output, noHeaders = false): void {
  const members = new MemberColumns(r.target);
  if (format === 'chart') return void out.write(chartOf(r, members));
  if (format === 'json' || format === 'yaml') {
    const one = (s: BucketSeries | undefined) => toAggregationResult(s, r.aggregations, r.bucketMs);
    const body = r.many ? { items: r.series.map((s) => ({ ...(MemberColumns.named(r.target) ? members.json(s.key, s.name) : {}), ...(one(s) as object) })) } : one(r.series[0]);
    return void out.write(documentText(body, format));
  }
  // wide adds each aggregation's exact value in the metric's base unit
  const exact = format === 'wide' ? r.aggregations.filter((a) => a !== 'count') : [];
  const labelKeys = [...new Set(r.series.flatMap((s) => Object.keys(s.labels ?? {})))].sort();
  const head = [...(r.many ? members.head : []), ...labelKeys, 'bucket', ...r.aggregations, ...exact.map((a) => `${a} (${r.metric.quantity})`)];
  const rows = r.series.flatMap((s) => s.buckets.map((b) => [
    ...(r.many ? members.cells(s.key, s.name) : []), ...labelKeys.map((k) => s.labels?.[k] ?? ''), goTime(b.bucket),
    ...r.aggregations.map((a) => (a === 'count' || format === 'csv' ? String(b[a]) : formatValue(b[a], r.metric.quantity))),
    ...exact.map((a) => String(b[a])),
  ]));
  if (format === 'csv') return void out.write(csvText(head, rows, noHeaders));
  if (!rows.length) return void out.write(`no ${r.metric.name} samples in this window\n`);
  out.write(plainTable(head, rows, noHeaders));
}

/**
 * One line per member and aggregation, over the bucket times. `count` is samples, not the metric's
 * unit, so it is drawn only when it is the only aggregation asked for.
 */
function chartOf(r: Buckets, members: MemberColumns): string {
  const drawn = r.aggregations.length > 1 ? r.aggregations.filter((a) => a !== 'count') : r.aggregations;
  const series: Series[] = r.series.flatMap((s) => drawn.map((a) => ({
    key: s.key,
    name: [...(r.many ? [members.label(s.key, s.name)] : []), a].join(' '),
    ...(s.labels ? { labels: s.labels } : {}),
    points: s.buckets.map((b) => ({ timestamp: b.bucket, value: b[a] })),
  })));
  const quantity = drawn.length === 1 && drawn[0] === 'count' ? 'count' : r.metric.quantity;
  const by = r.bucketMs > 0 ? ` by ${formatDuration(r.bucketMs)}` : ' over the window';
  return renderChart(series, quantity, { title: `${r.metric.name} of ${r.about}, ${drawn.join(', ')}${by}` });
}

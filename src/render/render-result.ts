import { usageError, type EntityType } from '../model/index.js';
import type { QueryResult, Series } from '../query/index.js';
import { goTime } from './go-time.js';
import { renderBuckets } from './render-buckets.js';
import { renderChart } from './chart.js';
import { toMetricResult } from './heapster-json.js';
import type { Output, OutputFormat } from './output.js';
import { MemberColumns } from './member-columns.js';
import { csvText } from './csv-text.js';
import { documentText } from './document.js';
import { plainTable } from './plain-table.js';
import { formatValue } from './units.js';

export interface RenderOptions {
  noHeaders?: boolean;
}

/** Prints a query result as a table for people, Heapster's JSON for scripts, or CSV. */
export function renderResult(r: QueryResult, format: OutputFormat, out: Output, opts: RenderOptions = {}): void {
  const members = new MemberColumns(r.target);
  if (r.kind === 'names') {
    if (format === 'chart') throw usageError('a listing has nothing to chart', 'name a METRIC, or use -o table');
    const head = r.keys ? members.head : ['name'];
    const rows = r.names.map((n, i) => (r.keys ? members.cells(r.keys[i]!, n) : [n]));
    if (format === 'json' || format === 'yaml') {
      const items = head.length > 1 ? r.names.map((n, i) => members.json(r.keys![i]!, n)) : r.names;
      return void out.write(documentText(items, format));
    }
    if (format === 'csv') return void out.write(csvText(head, rows, opts.noHeaders));
    // a header over nothing read as if the plugin had failed; kubectl says "No resources found"
    if (r.names.length === 0) return void out.write(`no ${r.what === 'metrics' ? `metrics for ${r.about}` : r.about} in this window\n`);
    return void out.write(plainTable(head, rows, opts.noHeaders));
  }
  if (r.kind === 'buckets') return renderBuckets(r, format, out, opts.noHeaders);
  const wide = format === 'wide';
  if (format === 'chart') {
    const series = r.series.map((s) => ({ ...s, name: members.label(s.key, s.name) }));
    return void out.write(renderChart(series, r.metric.quantity, { title: `${r.metric.name} of ${r.about}` }));
  }
  if (format === 'json' || format === 'yaml') return void out.write(documentText(jsonOf(r, members), format));
  const labelKeys = [...new Set(r.series.flatMap((s) => Object.keys(s.labels ?? {})))].sort();
  const rows: string[][] = [];
  for (const s of r.series) {
    for (const p of s.points) {
      const labels = labelKeys.map((k) => s.labels?.[k] ?? '');
      const value = format === 'csv' ? String(p.value) : formatValue(p.value, r.metric.quantity);
      rows.push([...(r.many ? members.cells(s.key, s.name) : []), ...labels, goTime(p.timestamp), value, ...(wide ? [String(p.value)] : [])]);
    }
  }
  // wide adds the exact value in the metric's base unit beside the rounded one people read
  const head = [...(r.many ? members.head : []), ...labelKeys, 'timestamp', r.metric.name, ...(wide ? [r.metric.quantity] : [])];
  if (format === 'csv') return void out.write(csvText(head, rows, opts.noHeaders));
  // a metric not kept at the target's level never gets here: runQuery refuses it with the reason
  if (rows.length === 0) return void out.write(`no ${r.metric.name} samples for ${r.about} in this window\n`);
  out.write(plainTable(head, rows, opts.noHeaders));
}

function jsonOf(r: Extract<QueryResult, { kind: 'series' }>, members: MemberColumns): unknown {
  const labelSets = r.series.filter((s) => s.labels && s.points.length);
  if (r.metric.labeled && new Set(labelSets.map((s) => JSON.stringify(s.labels))).size > 1) {
    const found = [...new Set(labelSets.map((s) => Object.entries(s.labels!).map(([k, v]) => `${k}:${v}`).join(',')))];
    throw usageError(`${r.metric.name} has several label sets and Heapster's JSON holds one`, `pick one with --labels (found: ${found.join(' | ')})`);
  }
  if (!r.many) return toMetricResult(r.series[0], r.metric);
  const named = MemberColumns.named(r.target);
  return { items: r.series.map((s: Series) => ({ ...(named ? members.json(s.key, s.name) : {}), ...toMetricResult(s, r.metric) })) };
}

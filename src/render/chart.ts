import type { Series } from '../query/index.js';
import type { Quantity } from '../model/index.js';
import { goTime } from './go-time.js';
import { formatValue } from './units.js';

const MARKS = ['●', '+', 'x', 'o', '*', '#', '@', '%'];

export interface ChartOptions {
  width?: number;
  height?: number;
  title: string;
}

/**
 * A terminal line chart of one or more series: y axis in the metric's units, x axis in UTC times,
 * one mark per series (the first eight; the rest are named as left out).
 */
export function renderChart(series: readonly Series[], quantity: Quantity, o: ChartOptions): string {
  const shown = series.filter((s) => s.points.length).slice(0, MARKS.length);
  const points = shown.flatMap((s) => s.points);
  if (!points.length) return `${o.title}: no samples in this window\n`;
  const width = o.width ?? 72, height = o.height ?? 14;
  const t0 = Math.min(...points.map((p) => p.timestamp)), t1 = Math.max(...points.map((p) => p.timestamp));
  let lo = Math.min(...points.map((p) => p.value)), hi = Math.max(...points.map((p) => p.value));
  if (lo === hi) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  shown.forEach((s, i) => {
    for (const p of s.points) {
      const x = t1 === t0 ? Math.floor(width / 2) : Math.round(((p.timestamp - t0) / (t1 - t0)) * (width - 1));
      const y = height - 1 - Math.round(((p.value - lo) / (hi - lo)) * (height - 1));
      grid[y]![x] = MARKS[i]!;
    }
  });
  const labels = grid.map((_, row) => (row === 0 ? formatValue(hi, quantity) : row === height - 1 ? formatValue(lo, quantity) : row === Math.floor(height / 2) ? formatValue((hi + lo) / 2, quantity) : ''));
  const lw = Math.max(...labels.map((l) => l.length));
  const lines = [o.title, ...grid.map((cells, row) => `${labels[row]!.padStart(lw)} ┤${cells.join('')}`)];
  const start = goTime(t0), end = goTime(t1);
  lines.push(`${' '.repeat(lw)} └${'─'.repeat(width)}`);
  lines.push(`${' '.repeat(lw + 2)}${start}${end.padStart(Math.max(0, width - start.length))}`);
  if (shown.length > 1 || series.length > shown.length) {
    lines.push(shown.map((s, i) => `${MARKS[i]} ${s.name}${s.labels ? ` ${Object.values(s.labels).join(',')}` : ''}`).join('   '));
    if (series.length > shown.length) lines.push(`(${series.length - shown.length} more series not drawn: narrow the target)`);
  }
  return lines.join('\n') + '\n';
}

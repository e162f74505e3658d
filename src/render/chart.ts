import type { Series } from '../query/index.js';
import type { Quantity } from '../model/index.js';
import { gapAfterMs, topSeries, type DrawnSeries } from './chart-data.js';
import { goTime } from './go-time.js';
import { formatValue } from './units.js';

const MARKS = ['●', '+', 'x', 'o', '*', '#', '@', '%'];
/** a cell two or more lines pass through: neither hides the other */
const BOTH = '&';

export interface ChartOptions {
  width?: number;
  height?: number;
  title: string;
}

/**
 * A terminal line chart: lines joined between points (broken where nothing was recorded), y in the
 * metric's units, x in UTC times; the seven highest series then one "others" line (as the HTML
 * report draws them), and `&` where lines share a cell. A single moment, as a live query gives,
 * is drawn as bars instead: a line of one point says nothing.
 */
export function renderChart(series: readonly Series[], quantity: Quantity, o: ChartOptions): string {
  const shown = topSeries(series, MARKS.length);
  const points = shown.flatMap((s) => s.points);
  if (!points.length) return `${o.title}: no samples in this window\n`;
  const width = o.width ?? 72, height = o.height ?? 14;
  const t0 = Math.min(...points.map((p) => p.timestamp)), t1 = Math.max(...points.map((p) => p.timestamp));
  if (t0 === t1) return bars(shown, quantity, o.title, goTime(t0), width);
  let lo = Math.min(...points.map((p) => p.value)), hi = Math.max(...points.map((p) => p.value));
  if (lo === hi) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  const col = (t: number) => Math.round(((t - t0) / (t1 - t0)) * (width - 1));
  const row = (v: number) => height - 1 - Math.round(((v - lo) / (hi - lo)) * (height - 1));
  shown.forEach((s, i) => {
    const mine = new Set<number>();
    const put = (x: number, y: number) => {
      const k = y * width + x;
      if (mine.has(k)) return;
      mine.add(k);
      grid[y]![x] = grid[y]![x] === ' ' ? MARKS[i]! : BOTH;
    };
    const gap = gapAfterMs(s.points);
    s.points.forEach((p, j) => {
      const prev = s.points[j - 1];
      if (!prev || p.timestamp - prev.timestamp > gap) return put(col(p.timestamp), row(p.value));
      // each column between two points at the interpolated height, and the rise within a column filled
      const [x0, x1] = [col(prev.timestamp), col(p.timestamp)];
      let lastY = row(prev.value);
      for (let x = x0; x <= x1; x++) {
        const y = row(prev.value + (p.value - prev.value) * (x1 === x0 ? 1 : (x - x0) / (x1 - x0)));
        for (let yy = Math.min(lastY, y); yy <= Math.max(lastY, y); yy++) if (x !== x0 || yy === lastY) put(x, yy);
        lastY = y;
      }
    });
  });
  const labels = grid.map((_, r) => (r === 0 ? formatValue(hi, quantity) : r === height - 1 ? formatValue(lo, quantity) : r === Math.floor(height / 2) ? formatValue((hi + lo) / 2, quantity) : ''));
  const lw = Math.max(...labels.map((l) => l.length));
  const lines = [o.title, ...grid.map((cells, r) => `${labels[r]!.padStart(lw)} ┤${cells.join('')}`)];
  const start = goTime(t0), end = goTime(t1);
  lines.push(`${' '.repeat(lw)} └${'─'.repeat(width)}`);
  lines.push(`${' '.repeat(lw + 2)}${start}${end.padStart(Math.max(0, width - start.length))}`);
  if (shown.length > 1) {
    lines.push(shown.map((s, i) => `${MARKS[i]} ${s.name}`).join('   '));
    if (grid.some((r) => r.includes(BOTH))) lines.push(`${BOTH} two or more lines in one place`);
  }
  return lines.join('\n') + '\n';
}

/** One moment: a bar per series, longest first, with its value. */
function bars(shown: readonly DrawnSeries[], quantity: Quantity, title: string, at: string, width: number): string {
  const rows = shown.map((s) => ({ name: s.name, v: s.points[0]!.value }));
  const max = Math.max(...rows.map((r) => r.v), 0);
  const nw = Math.min(32, Math.max(...rows.map((r) => r.name.length)));
  const bw = Math.max(10, width - nw - 12);
  const lines = [`${title} at ${at}`, ...rows.map((r) => {
    const n = max > 0 ? Math.round((r.v / max) * bw) : 0;
    return `${r.name.slice(0, nw).padEnd(nw)} ${'█'.repeat(Math.max(n, r.v > 0 ? 1 : 0)).padEnd(bw)} ${formatValue(r.v, quantity)}`;
  })];
  return lines.join('\n') + '\n';
}

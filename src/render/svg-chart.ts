import type { Quantity } from '../model/index.js';
import type { Series } from '../query/index.js';
import { gapAfterMs, timeLabel, timeTicks, topSeries, valueTicks, type DrawnSeries } from './chart-data.js';
import { escapeHtml } from './escape-html.js';
import { formatValue } from './units.js';

export interface RefLine {
  label: string;
  value: number;
}

export interface SvgChartOptions {
  title: string;
  quantity: Quantity;
  /** horizontal lines: a request, a limit */
  refs?: readonly RefLine[];
  /** the CLI command that answers the same numbers */
  command?: string;
  /** most lines drawn; the rest become one "others" line */
  max?: number;
  combine?: 'sum' | 'max';
  width?: number;
  height?: number;
}

const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];
const OTHERS = '#8c8c8c';
// a dash pattern per line as well as a colour: where two lines coincide, the one beneath shows through
const DASHES = ['', '7 4', '2 3', '10 3 2 3'];
const M = { left: 70, right: 16, top: 12, bottom: 30 };

/**
 * A line chart as inline SVG with its legend beside it (never over the lines): UTC time labels, the
 * metric's units, gaps left open, request and limit lines, and the data a hover reads (the page's
 * script shows the time in UTC and in the viewer's zone, and each line's value).
 */
export function svgChart(series: readonly Series[], o: SvgChartOptions): string {
  const lines = topSeries(series, o.max ?? 8, o.combine);
  const head = `<h3>${escapeHtml(o.title)}</h3>`;
  const cmd = o.command ? `<p class="cli">CLI: <code>${escapeHtml(o.command)}</code></p>` : '';
  const points = lines.flatMap((s) => s.points);
  if (!points.length) return `<section class="chart">${head}<p class="empty">no samples in this window</p>${cmd}</section>`;
  const W = o.width ?? 900, H = o.height ?? 260;
  const t0 = Math.min(...points.map((p) => p.timestamp)), t1 = Math.max(...points.map((p) => p.timestamp));
  const values = [...points.map((p) => p.value), ...(o.refs ?? []).map((r) => r.value)];
  let lo = Math.min(0, ...values), hi = Math.max(...values);
  if (hi === lo) hi = lo + (Math.abs(lo) || 1);
  const yt = valueTicks(lo, hi, o.quantity);
  hi = Math.max(hi, yt.at(-1)!);
  const x = (t: number) => M.left + (t1 === t0 ? (W - M.left - M.right) / 2 : ((t - t0) / (t1 - t0)) * (W - M.left - M.right));
  const y = (v: number) => H - M.bottom - ((v - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const f = (n: number) => n.toFixed(1);
  const svg: string[] = [];
  for (const v of yt) {
    svg.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${f(y(v))}" y2="${f(y(v))}"/>`);
    svg.push(`<text class="ylab" x="${M.left - 6}" y="${f(y(v) + 4)}">${escapeHtml(formatValue(v, o.quantity))}</text>`);
  }
  for (const t of timeTicks(t0, t1)) {
    svg.push(`<line class="tick" x1="${f(x(t))}" x2="${f(x(t))}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}"/>`);
    svg.push(`<text class="xlab" x="${f(x(t))}" y="${H - M.bottom + 18}">${timeLabel(t, t1 - t0)}</text>`);
  }
  svg.push(`<text class="xlab utc" x="${W - M.right}" y="${H - 2}">UTC</text>`);
  svg.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}"/>`);
  for (const r of o.refs ?? []) {
    svg.push(`<line class="ref" x1="${M.left}" x2="${W - M.right}" y1="${f(y(r.value))}" y2="${f(y(r.value))}"/>`);
    svg.push(`<text class="reflab" x="${W - M.right - 4}" y="${f(y(r.value) - 4)}">${escapeHtml(`${r.label} ${formatValue(r.value, o.quantity)}`)}</text>`);
  }
  lines.forEach((s, i) => {
    const colour = s.others ? OTHERS : COLOURS[i % COLOURS.length]!;
    const dash = DASHES[i % DASHES.length]!;
    const style = `stroke="${colour}"${dash ? ` stroke-dasharray="${dash}"` : ''}`;
    for (const seg of segments(s.points)) {
      if (seg.length === 1) svg.push(`<circle cx="${f(x(seg[0]!.timestamp))}" cy="${f(y(seg[0]!.value))}" r="2.5" fill="${colour}"><title>${escapeHtml(s.name)}</title></circle>`);
      else svg.push(`<polyline class="line" ${style} points="${seg.map((p) => `${f(x(p.timestamp))},${f(y(p.value))}`).join(' ')}"><title>${escapeHtml(s.name)}</title></polyline>`);
    }
  });
  const legend = lines.map((s, i) => {
    const colour = s.others ? OTHERS : COLOURS[i % COLOURS.length]!;
    const same = lines.slice(0, i).find((t) => sameValues(t, s));
    const peak = Math.max(...s.points.map((p) => p.value));
    return `<li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke="${colour}" stroke-width="2.5"${DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : ''}/></svg>`
      + `<span class="name">${escapeHtml(s.name)}</span> <span class="peak">peak ${escapeHtml(formatValue(peak, o.quantity))}</span>`
      + (same ? ` <span class="same">(same values as ${escapeHtml(same.name)}: drawn over it)</span>` : '') + '</li>';
  }).join('');
  const data = escapeHtml(JSON.stringify(hoverData(lines, o.quantity)));
  return `<section class="chart">${head}<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}"`
    + ` data-t0="${t0}" data-t1="${t1}" data-left="${M.left}" data-right="${W - M.right}" data-hover="${data}">${svg.join('')}`
    + `<line class="cursor" x1="0" x2="0" y1="${M.top}" y2="${H - M.bottom}" visibility="hidden"/></svg>`
    + `<ul class="legend">${legend}</ul>${cmd}</section>`;
}

/** The runs of a line between gaps in what was recorded. */
function segments(points: readonly { timestamp: number; value: number }[]): { timestamp: number; value: number }[][] {
  const gap = gapAfterMs(points);
  const out: { timestamp: number; value: number }[][] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && p.timestamp - last.at(-1)!.timestamp <= gap) last.push(p);
    else out.push([p]);
  }
  return out;
}

function sameValues(a: DrawnSeries, b: DrawnSeries): boolean {
  return a.points.length === b.points.length && a.points.every((p, i) => p.timestamp === b.points[i]!.timestamp && p.value === b.points[i]!.value);
}

/** What a hover shows: each time, and each line's value there, already in the units people read. */
function hoverData(lines: readonly DrawnSeries[], q: Quantity): { t: number[]; s: { n: string; v: (string | null)[] }[] } {
  const t = [...new Set(lines.flatMap((s) => s.points.map((p) => p.timestamp)))].sort((a, b) => a - b);
  return {
    t,
    s: lines.map((s) => {
      const at = new Map(s.points.map((p) => [p.timestamp, p.value]));
      return { n: s.name, v: t.map((ts) => (at.has(ts) ? formatValue(at.get(ts)!, q) : null)) };
    }),
  };
}

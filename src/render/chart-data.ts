import type { Quantity } from '../model/index.js';
import type { Series } from '../query/index.js';

export interface ChartPoint {
  timestamp: number;
  value: number;
}

export interface DrawnSeries {
  name: string;
  points: ChartPoint[];
  /** how many series an "others" line stands for */
  others?: number;
}

/**
 * At most `max` lines, so a chart stays readable and nothing is silently dropped: the series with
 * the highest peaks, then one "others" line that combines the rest at each time (their sum for
 * amounts that add up, their max for shares such as utilization).
 */
export function topSeries(series: readonly Series[], max: number, combine: 'sum' | 'max' = 'sum'): DrawnSeries[] {
  const named = series.filter((s) => s.points.length).map((s) => ({
    name: s.name + (s.labels && Object.keys(s.labels).length ? ` ${Object.values(s.labels).join(',')}` : ''), points: s.points,
    peak: Math.max(...s.points.map((p) => p.value)),
  }));
  named.sort((a, b) => b.peak - a.peak || a.name.localeCompare(b.name));
  if (named.length <= max) return named.map(({ name, points }) => ({ name, points }));
  const kept = named.slice(0, max - 1), rest = named.slice(max - 1);
  const at = new Map<number, number>();
  for (const s of rest) {
    for (const p of s.points) {
      const v = at.get(p.timestamp);
      at.set(p.timestamp, v === undefined ? p.value : combine === 'sum' ? v + p.value : Math.max(v, p.value));
    }
  }
  const others = [...at].sort((a, b) => a[0] - b[0]).map(([timestamp, value]) => ({ timestamp, value }));
  return [...kept.map(({ name, points }) => ({ name, points })), { name: `others (${rest.length}${combine === 'max' ? ', highest' : ', summed'})`, points: others, others: rest.length }];
}

/** Round steps for a value axis from `lo` to `hi`: 1, 2 or 5 times a power of ten of the unit people read (Mi for bytes). */
export function valueTicks(lo: number, hi: number, quantity: Quantity, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const unit = quantity === 'bytes' || quantity === 'bytes/s' ? (hi >= 2 ** 20 ? 2 ** 20 : hi >= 2 ** 10 ? 2 ** 10 : 1) : quantity === 'fraction' ? 0.01 : 1;
  const raw = (hi - lo) / unit / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow * unit;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const MINUTE = 60_000;
const TIME_STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 3_600_000, 2 * 3_600_000, 3 * 3_600_000,
  6 * 3_600_000, 12 * 3_600_000, 86_400_000, 2 * 86_400_000, 7 * 86_400_000];

/** Time axis marks on round UTC minutes, hours or days, about `count` of them. */
export function timeTicks(t0: number, t1: number, count = 6): number[] {
  if (!(t1 > t0)) return [t0];
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= count) ?? TIME_STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}

/** A UTC time label: `14:05`, or `12-03 14:05` when the window spans more than a day. */
export function timeLabel(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

/** Consecutive points further apart than this are a gap, and a line is not drawn across it. */
export function gapAfterMs(points: readonly ChartPoint[]): number {
  const steps = points.slice(1).map((p, i) => p.timestamp - points[i]!.timestamp).filter((d) => d > 0).sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)]! * 2.5 : Infinity;
}

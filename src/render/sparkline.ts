const BARS = '▁▂▃▄▅▆▇█';

/**
 * A row's shape in one line: each point scaled between the row's own lowest and highest, a gap
 * as a space. A flat line is the lowest bar: the table's numbers tell the level, this the shape.
 */
export function sparkline(points: readonly (number | null)[]): string {
  const vals = points.filter((v): v is number => v !== null);
  if (!vals.length) return '';
  const lo = Math.min(...vals), hi = Math.max(...vals);
  return points.map((v) => (v === null ? ' ' : BARS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))])).join('');
}

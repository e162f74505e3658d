import type { Quantity } from '../model/index.js';

const BIN = [['Gi', 2 ** 40], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const;

function trim(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Bytes the way `kubectl top` shows memory (`307Mi`); Gi only from a terabyte up. */
export function formatBytes(v: number): string {
  for (const [suffix, size] of BIN) {
    if (Math.abs(v) >= size) return `${Math.round(v / (suffix === 'Gi' ? 2 ** 30 : size))}${suffix}`;
  }
  return `${Math.round(v)}B`;
}

/** A duration in ms as `3d4h`, `12m5s`, `850ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let s = Math.floor(ms / 1000);
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}

/** One value for people: units chosen by what the metric measures, not Heapster's descriptor unit. */
export function formatValue(v: number, q: Quantity): string {
  switch (q) {
    case 'bytes': return formatBytes(v);
    case 'bytes/s': return `${formatBytes(v)}/s`;
    case 'millicores': return `${Math.round(v)}m`;
    case 'ns': return `${trim(v / 1e9, 1)}s`;
    case 'ms': return formatDuration(v);
    case 'per-second': return `${trim(v, 2)}/s`;
    case 'fraction': return `${trim(v * 100, 1)}%`;
    case 'count': return Number.isInteger(v) ? String(v) : trim(v, 2);
  }
}

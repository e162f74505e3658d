import type { PromMetadata, PromSeries } from './remote-write.js';

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

/** A series' samples as OpenMetrics lines: labels in their order, `__name__` as the name, times in seconds. */
export function openMetricsLines(s: PromSeries): string {
  let name = '';
  const labels: string[] = [];
  for (const [k, v] of s.labels) {
    if (k === '__name__') name = v;
    else labels.push(`${k}="${escValue(v)}"`);
  }
  const head = labels.length ? `${name}{${labels.join(',')}}` : name;
  return s.samples.map(([v, t]) => `${head} ${String(v)} ${t / 1000}\n`).join('');
}

/** The line that ends an OpenMetrics document. */
export const OPENMETRICS_EOF = '# EOF\n';

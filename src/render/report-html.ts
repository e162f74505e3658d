import type { Quantity } from '../model/index.js';
import type { Series, TopRow } from '../query/index.js';
import { escapeHtml } from './escape-html.js';
import { goTime } from './go-time.js';
import { svgChart, type SvgChartOptions } from './svg-chart.js';
import { formatBytes, formatDuration, formatValue } from './units.js';

export interface ReportChart extends SvgChartOptions {
  /** what `query` is asked for the same numbers */
  target: string;
  metric: string;
  series: Series[];
}

export interface ReportEvent {
  namespace: string;
  pod: string;
  node?: string;
  restarts: number;
  /** containers OOM-killed during the window, and when (the newest kill of each) */
  oomKilled: { container: string; at: number }[];
  /** ms: the pod's newest point, when it died (or its node stopped answering) before the end */
  gone?: number;
  /** ms: its first point, when it started after the window began */
  started?: number;
}

export interface ReportGap {
  ts: number;
  node: string;
  reason: string;
  message: string;
}

export interface ReportData {
  cluster: string;
  window: { start: number; end: number };
  namespace?: string;
  generatedAt: number;
  version: string;
  recordings: { name: string; start: number; end: number; resolutionMs: number; nodes: number }[];
  charts: { cluster: ReportChart[]; namespaces: ReportChart[]; pods: ReportChart[]; nodes: ReportChart[] };
  topMemory: TopRow[];
  topCpu: TopRow[];
  nodes: TopRow[];
  events: ReportEvent[];
  gaps: ReportGap[];
}

const td = (s: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(s)}</td>`;
const pct = (v: number | undefined, of: number | null | undefined) => (v === undefined || !of ? '-' : `${Math.floor((100 * v) / of)}%`);
const amount = (v: number | null | undefined, q: Quantity) => (v === undefined || v === null ? '-' : formatValue(v, q));

/**
 * The postmortem page: one HTML file with everything inline (CSS, SVG, a small script for the
 * hover), nothing fetched, so it opens offline and can be attached to a ticket. The numbers it
 * shows are in it as JSON too (`#report-data`), the same series `query` answers.
 */
export function reportHtml(r: ReportData): string {
  const title = `Incident report: ${r.cluster}${r.namespace ? `, namespace ${r.namespace}` : ''}, ${goTime(r.window.start)} to ${goTime(r.window.end)}`;
  const charts = (cs: readonly ReportChart[]) => cs.map((c) => svgChart(c.series, c)).join('\n');
  const body = [
    `<header><h1>${escapeHtml(title)}</h1>`,
    `<p>Window ${escapeHtml(goTime(r.window.start))} to ${escapeHtml(goTime(r.window.end))} (${escapeHtml(formatDuration(r.window.end - r.window.start))}), all times UTC; hover a chart for your own time zone.`
      + ` Generated ${escapeHtml(goTime(r.generatedAt))} by kubectl-heapster ${escapeHtml(r.version)} from the archive.</p>`,
    `<table class="meta"><thead><tr><th>recording</th><th>from</th><th>to</th><th>resolution</th><th>nodes</th></tr></thead><tbody>`
      + r.recordings.map((x) => `<tr>${td(x.name)}${td(goTime(x.start))}${td(goTime(x.end))}${td(formatDuration(x.resolutionMs))}${td(String(x.nodes), 'n')}</tr>`).join('')
      + `</tbody></table>`,
    `<nav><a href="#cluster">Cluster</a> · <a href="#namespaces">Namespaces</a> · <a href="#pods">Top pods</a> · <a href="#events">Restarts, OOM kills, deaths</a> · <a href="#nodes">Nodes</a> · <a href="#gaps">Gaps</a></nav></header>`,
    `<h2 id="cluster">${r.namespace ? `Namespace ${escapeHtml(r.namespace)}` : 'Cluster'}: CPU and memory</h2>`, charts(r.charts.cluster),
    ...(r.charts.namespaces.length ? [`<h2 id="namespaces">Namespaces: CPU and memory</h2>`, charts(r.charts.namespaces)] : [`<h2 id="namespaces">Namespaces</h2><p>one namespace: see above</p>`]),
    `<h2 id="pods">Top pods by peak memory (working set)</h2>`, podTable(r.topMemory, 'memory'),
    `<h2>Top pods by peak CPU</h2>`, podTable(r.topCpu, 'cpu'),
    `<div class="grid2">${charts(r.charts.pods)}</div>`,
    `<h2 id="events">Pods that restarted, were OOM-killed or died in the window</h2>`, eventTable(r.events),
    `<h2 id="nodes">Nodes: utilization of allocatable</h2>`, nodeTable(r.nodes), charts(r.charts.nodes),
    `<h2 id="gaps">Gaps: scrapes that did not answer</h2>`, gapTable(r.gaps),
  ].join('\n');
  const data = JSON.stringify({
    cluster: r.cluster, window: { start: goTime(r.window.start), end: goTime(r.window.end) },
    charts: [...r.charts.cluster, ...r.charts.namespaces, ...r.charts.pods, ...r.charts.nodes].map((c) => ({
      title: c.title, target: c.target, metric: c.metric, command: c.command,
      series: c.series.map((s) => ({ name: s.name, points: s.points.map((p) => [goTime(p.timestamp), p.value]) })),
    })),
  }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kubectl-heapster ${escapeHtml(r.version)}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style></head>
<body>
${body}
<div id="tip" hidden></div>
<script type="application/json" id="report-data">${data}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

function podTable(rows: readonly TopRow[], by: 'memory' | 'cpu'): string {
  if (!rows.length) return '<p class="empty">no pods recorded in this window</p>';
  const q: Quantity = by === 'memory' ? 'bytes' : 'millicores';
  const [use, req, lim] = by === 'memory' ? [(r: TopRow) => r.values.memory, (r: TopRow) => r.values.memRequest, (r: TopRow) => r.values.memLimit]
    : [(r: TopRow) => r.values.cpu, (r: TopRow) => r.values.cpuRequest, (r: TopRow) => r.values.cpuLimit];
  return `<table><thead><tr><th>namespace</th><th>pod</th><th>node</th><th>peak</th><th>request</th><th>limit</th><th>% of request</th><th>% of limit</th><th>restarts</th></tr></thead><tbody>`
    + rows.map((r) => {
      const ofLimit = pct(use(r), lim(r));
      const hot = ofLimit !== '-' && Number.parseInt(ofLimit, 10) >= 90 ? 'hot' : '';
      return `<tr>${td(r.namespace ?? '')}${td(r.name)}${td(r.node ?? '')}${td(amount(use(r), q), 'n')}${td(amount(req(r), q), 'n')}${td(amount(lim(r), q), 'n')}`
        + `${td(pct(use(r), req(r)), 'n')}${td(ofLimit, `n ${hot}`.trim())}${td(r.restartsInWindow ? `${r.values.restarts ?? 0} (+${r.restartsInWindow})` : String(r.values.restarts ?? '-'), 'n')}</tr>`;
    }).join('') + '</tbody></table>';
}

function eventTable(events: readonly ReportEvent[]): string {
  if (!events.length) return '<p class="empty">none: no pod restarted, was OOM-killed, started or died in the window</p>';
  return `<table><thead><tr><th>namespace</th><th>pod</th><th>node</th><th>restarts in window</th><th>OOM-killed</th><th>died (last seen)</th><th>started (first seen)</th></tr></thead><tbody>`
    + events.map((e) => `<tr>${td(e.namespace)}${td(e.pod)}${td(e.node ?? '')}${td(e.restarts ? String(e.restarts) : '-', 'n')}`
      + `${td(e.oomKilled.map((o) => `${o.container} at ${goTime(o.at)}`).join(', ') || '-', e.oomKilled.length ? 'hot' : '')}`
      + `${td(e.gone !== undefined ? goTime(e.gone) : '-')}${td(e.started !== undefined ? goTime(e.started) : '-')}</tr>`).join('') + '</tbody></table>';
}

function nodeTable(rows: readonly TopRow[]): string {
  if (!rows.length) return '<p class="empty">no nodes recorded in this window</p>';
  return `<table><thead><tr><th>node</th><th>peak CPU</th><th>allocatable CPU</th><th>peak CPU %</th><th>peak memory</th><th>allocatable memory</th><th>peak memory %</th><th>seen</th></tr></thead><tbody>`
    + rows.map((r) => `<tr>${td(r.name)}${td(amount(r.values.cpu, 'millicores'), 'n')}${td(amount(r.values.cpuAllocatable, 'millicores'), 'n')}${td(pct(r.values.cpu, r.values.cpuAllocatable), 'n')}`
      + `${td(amount(r.values.memory, 'bytes'), 'n')}${td(r.values.memAllocatable !== undefined ? formatBytes(r.values.memAllocatable) : '-', 'n')}${td(pct(r.values.memory, r.values.memAllocatable), 'n')}`
      + `${td(r.gone ? `stopped answering after ${goTime(r.lastSeen!)}` : 'to the end')}</tr>`).join('') + '</tbody></table>';
}

function gapTable(gaps: readonly ReportGap[]): string {
  if (!gaps.length) return '<p class="empty">none: every node answered every scrape</p>';
  const shown = gaps.slice(0, 200);
  return `<table><thead><tr><th>time</th><th>node</th><th>why</th><th>message</th></tr></thead><tbody>`
    + shown.map((g) => `<tr>${td(goTime(g.ts))}${td(g.node)}${td(g.reason)}${td(g.message)}</tr>`).join('') + '</tbody></table>'
    + (gaps.length > shown.length ? `<p>… and ${gaps.length - shown.length} more: <code>kubectl heapster archive info RECORDING</code> lists them</p>` : '');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;margin:24px auto;max-width:960px;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:16px 0 4px}
table{border-collapse:collapse;margin:8px 0;width:100%}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.hot{color:#b00020;font-weight:600}th{font-weight:600;background:#fafafa}
nav{margin:8px 0}code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f4f4f4;padding:1px 4px;border-radius:3px}
svg.plot{max-width:100%;height:auto;display:block}svg text{font:11px system-ui,sans-serif;fill:#555}
.ylab{text-anchor:end}.xlab{text-anchor:middle}.utc{text-anchor:end}.grid{stroke:#eee}.axis,.tick{stroke:#999}
.line{fill:none;stroke-width:1.8;stroke-linejoin:round}.ref{stroke:#b00020;stroke-dasharray:4 4}.reflab{text-anchor:end;fill:#b00020}
.cursor{stroke:#333;stroke-width:.6}.legend{list-style:none;padding:0;margin:4px 0;columns:2;font-size:12px}.legend li{break-inside:avoid}
.legend svg{vertical-align:middle;margin-right:4px}.peak,.same{color:#666}.cli{font-size:12px;color:#555;margin:2px 0 12px}.empty{color:#666}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 16px}.grid2 .legend{columns:1}
#tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #bbb;border-radius:4px;padding:6px 8px;font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.15);z-index:9}
@media print{nav,#tip{display:none}}
`;

// the hover: the time under the pointer in UTC and in the viewer's own zone, and each line's value there
const SCRIPT = `(function(){
var tip=document.getElementById('tip');
document.querySelectorAll('svg.plot').forEach(function(svg){
  var d=JSON.parse(svg.getAttribute('data-hover')),t0=+svg.dataset.t0,t1=+svg.dataset.t1,l=+svg.dataset.left,r=+svg.dataset.right;
  var cur=svg.querySelector('.cursor');
  svg.addEventListener('mousemove',function(ev){
    var box=svg.getBoundingClientRect(),vx=(ev.clientX-box.left)*svg.viewBox.baseVal.width/box.width;
    var t=t1===t0?t0:t0+(vx-l)/(r-l)*(t1-t0),i=0,best=Infinity;
    d.t.forEach(function(x,j){var e=Math.abs(x-t);if(e<best){best=e;i=j;}});
    var at=d.t[i],px=t1===t0?(l+r)/2:l+(at-t0)/(t1-t0)*(r-l);
    cur.setAttribute('x1',px);cur.setAttribute('x2',px);cur.setAttribute('visibility','visible');
    var when=new Date(at),rows=d.s.filter(function(s){return s.v[i]!==null;}).map(function(s){return '<div>'+esc(s.n)+': <b>'+esc(s.v[i])+'</b></div>';});
    tip.innerHTML='<div><b>'+when.toISOString().replace('.000Z','Z')+'</b></div><div>'+esc(when.toLocaleString())+' (your time)</div>'+rows.join('');
    tip.hidden=false;tip.style.left=Math.min(ev.clientX+14,innerWidth-260)+'px';tip.style.top=(ev.clientY+14)+'px';
  });
  svg.addEventListener('mouseleave',function(){tip.hidden=true;cur.setAttribute('visibility','hidden');});
});
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
})();`;

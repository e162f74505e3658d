import { usageError } from '../model/index.js';
import type { TopAnswer, TopRow } from '../query/index.js';
import type { Output } from './output.js';
import { csvText } from './csv-text.js';
import { documentText } from './document.js';
import { goTime } from './go-time.js';
import { plainTable } from './plain-table.js';
import { sparkline } from './sparkline.js';

export const TOP_FORMATS = ['table', 'wide', 'json', 'yaml', 'csv'] as const;
export type TopFormat = (typeof TOP_FORMATS)[number];

export interface TopRenderOptions {
  noHeaders?: boolean;
  /** a NAMESPACE column first, as kubectl top's -A */
  allNamespaces?: boolean;
  /** `--sort-by`: a column name (cpu, memory, restarts, mem%lim, ...), largest first; default by name */
  sortBy?: string;
  /** `--sum`: a total row under the table */
  sum?: boolean;
  /** colour % of limit cells (a TTY without NO_COLOR) */
  colour?: boolean;
  /** which trend a history table shows */
  trend?: 'cpu' | 'memory';
}

interface Column {
  head: string;
  /** what `--sort-by` matches, besides the header */
  aliases?: readonly string[];
  text(r: TopRow): string;
  num?(r: TopRow): number | undefined;
  /** summed by --sum */
  total?: (rows: readonly TopRow[]) => string;
  wide?: boolean;
  /** only for recorded windows */
  history?: boolean;
  /** a ratio cell coloured by how near its limit it is */
  ratio?: boolean;
}

const MiB = 2 ** 20;
/** kubectl top's units: whole millicores, and memory in whole Mi (a floor, as its integer division). */
const cores = (m: number | undefined): string => (m === undefined ? '<unknown>' : `${Math.round(m)}m`);
const mebibytes = (b: number | undefined): string => (b === undefined ? '<unknown>' : `${Math.floor(b / MiB)}Mi`);
const rate = (b: number | undefined): string => (b === undefined ? '-' : b >= MiB ? `${(b / MiB).toFixed(1)}Mi/s` : `${(b / 1024).toFixed(1)}Ki/s`);
/** A share of a request or limit; `-` when there is none, never 0% or a ratio over part of a sum. */
const percent = (v: number | undefined, of: number | null | undefined): number | undefined => (v === undefined || !of ? undefined : (100 * v) / of);
// whole percent cut down, as kubectl top's integer division prints them
const pct = (p: number | undefined): string => (p === undefined ? '-' : `${Math.floor(p)}%`);
const sumOf = (rows: readonly TopRow[], f: (r: TopRow) => number | undefined) => rows.reduce((s, r) => s + (f(r) ?? 0), 0);

function columns(a: TopAnswer, o: TopRenderOptions): Column[] {
  const history = a.source === 'archive';
  const cols: Column[] = [];
  const podish = a.level !== 'nodes' && a.level !== 'namespaces';
  if (podish && o.allNamespaces) cols.push({ head: 'NAMESPACE', text: (r) => r.namespace ?? '' });
  if (a.level === 'containers') cols.push({ head: 'POD', text: (r) => r.pod ?? '' });
  if (a.level === 'owners') cols.push({ head: 'KIND', text: (r) => r.kind ?? '' });
  cols.push({ head: 'NAME', text: (r) => r.name });
  cols.push({ head: 'CPU(cores)', aliases: ['cpu'], text: (r) => cores(r.values.cpu), num: (r) => r.values.cpu, total: (rs) => cores(sumOf(rs, (r) => r.values.cpu)) });
  if (a.level === 'nodes') {
    cols.push({ head: 'CPU%', aliases: ['cpu%', 'cpu(%)'], text: (r) => pct(percent(r.values.cpu, r.values.cpuAllocatable)), num: (r) => percent(r.values.cpu, r.values.cpuAllocatable) });
  }
  cols.push({ head: 'MEMORY(bytes)', aliases: ['memory', 'mem'], text: (r) => mebibytes(r.values.memory), num: (r) => r.values.memory, total: (rs) => mebibytes(sumOf(rs, (r) => r.values.memory)) });
  if (a.level === 'nodes') {
    cols.push({ head: 'MEMORY%', aliases: ['memory%', 'mem%', 'memory(%)'], text: (r) => pct(percent(r.values.memory, r.values.memAllocatable)), num: (r) => percent(r.values.memory, r.values.memAllocatable) });
  } else {
    if (a.level === 'namespaces' || a.level === 'owners') cols.push({ head: 'PODS', text: (r) => String(r.values.pods ?? 0), num: (r) => r.values.pods, total: (rs) => String(sumOf(rs, (r) => r.values.pods)) });
    const share = (head: string, aliases: string[], use: 'cpu' | 'memory', of: 'cpuRequest' | 'cpuLimit' | 'memRequest' | 'memLimit', limit: boolean): Column => ({
      head, aliases, text: (r) => pct(percent(r.values[use], r.values[of])), num: (r) => percent(r.values[use], r.values[of]), ratio: limit,
    });
    cols.push(share('CPU%REQ', ['cpu%req', 'cpu-request'], 'cpu', 'cpuRequest', false), share('CPU%LIM', ['cpu%lim', 'cpu-limit'], 'cpu', 'cpuLimit', true));
    cols.push(share('MEM%REQ', ['mem%req', 'memory-request'], 'memory', 'memRequest', false), share('MEM%LIM', ['mem%lim', 'memory-limit'], 'memory', 'memLimit', true));
    cols.push({ head: 'RESTARTS', text: (r) => restarts(r, history), num: (r) => r.values.restarts, total: (rs) => String(sumOf(rs, (r) => r.values.restarts)) });
  }
  if (a.level === 'pods' || a.level === 'containers') cols.push({ head: 'NODE', text: (r) => r.node ?? '', wide: true });
  if (a.level !== 'containers') {
    cols.push({ head: 'NET-RX', aliases: ['rx'], text: (r) => rate(r.values.rx), num: (r) => r.values.rx, wide: true });
    cols.push({ head: 'NET-TX', aliases: ['tx'], text: (r) => rate(r.values.tx), num: (r) => r.values.tx, wide: true });
  }
  cols.push({ head: 'EPHEMERAL', aliases: ['ephemeral-storage'], text: (r) => (r.values.ephemeral === undefined ? '-' : mebibytes(r.values.ephemeral)), num: (r) => r.values.ephemeral, wide: true });
  const trend = o.trend ?? 'memory';
  if (a.rows.some((r) => r.trend)) cols.push({ head: trend === 'cpu' ? 'CPU TREND' : 'MEMORY TREND', text: (r) => sparkline(r.trend?.[trend] ?? []), history: true });
  // a row missing from the window's first batch began in it; one missing from its last ended in it
  const earliest = Math.min(...a.rows.map((r) => r.firstSeen ?? Infinity));
  cols.push({ head: 'SEEN', text: (r) => (r.gone ? `gone ${clock(r.lastSeen)}` : r.firstSeen !== undefined && r.firstSeen > earliest ? `new ${clock(r.firstSeen)}` : '-'), history: true });
  return cols;
}

const clock = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().slice(11, 16) + 'Z');
const restarts = (r: TopRow, history: boolean) =>
  r.values.restarts === undefined ? '-' : history && r.restartsInWindow ? `${r.values.restarts} (+${r.restartsInWindow})` : String(r.values.restarts);

/** The column names `--sort-by` takes among these, lower case. */
function sortKeys(cols: readonly Column[]): string[] {
  return [...new Set(cols.filter((c) => c.num || c.head === 'NAME' || c.head === 'NAMESPACE').flatMap((c) => [c.head.toLowerCase(), ...(c.aliases ?? [])]))];
}

/** The columns of an answer: those the format shows, and every one (`-o wide`'s too). */
function columnsFor(a: TopAnswer, format: TopFormat, o: TopRenderOptions): { shown: Column[]; every: Column[] } {
  const every = columns(a, o).filter((c) => !c.history || a.source === 'archive');
  return { shown: every.filter((c) => !c.wide || format !== 'table'), every };
}

/**
 * Refuses a `--sort-by` the answer could not be sorted by, before anything is scraped or read:
 * found by the renderer, the refusal came after the answer (2.3 s of `top pods -A` over a day).
 */
export function checkSortBy(level: TopAnswer['level'], source: TopAnswer['source'], format: TopFormat, o: TopRenderOptions): void {
  if (o.sortBy === undefined) return;
  const { shown, every } = columnsFor({ level, rows: [], source }, format, o);
  sortColumn(shown, every, o.sortBy);
}

/** `top`'s rows as kubectl top prints them, with its extra columns; JSON, YAML and CSV for scripts. */
export function renderTop(a: TopAnswer, format: TopFormat, out: Output, o: TopRenderOptions = {}): void {
  const { shown: all, every } = columnsFor(a, format, o);
  const rows = sorted(a, all, o.sortBy, every);
  if (format === 'json' || format === 'yaml') {
    return void out.write(documentText(document(a, rows), format));
  }
  const cells = rows.map((r) => all.map((c) => c.text(r)));
  if (format === 'csv') {
    return void out.write(csvText(all.map((c) => c.head), cells, o.noHeaders));
  }
  if (!rows.length) return void out.write('No resources found\n');
  if (o.colour) colourRatios(all, rows, cells);
  if (o.sum) {
    cells.push(all.map((c) => (c.total ? '________' : '')));
    cells.push(all.map((c) => (c.total ? c.total(rows) : '')));
  }
  out.write(plainTable(all.map((c) => c.head), cells, o.noHeaders, true));
}

/** Sorted by the column `--sort-by` names (see sortColumn). */
function sorted(a: TopAnswer, cols: readonly Column[], sortBy: string | undefined, every: readonly Column[]): TopRow[] {
  const rows = [...a.rows].sort((x, y) => (x.namespace ?? '').localeCompare(y.namespace ?? '') || (x.pod ?? '').localeCompare(y.pod ?? '') || x.name.localeCompare(y.name));
  if (!sortBy) return rows;
  const col = sortColumn(cols, every, sortBy);
  if (!col.num) return rows.sort((x, y) => col.text(x).localeCompare(col.text(y)));
  // largest first, as kubectl top sorts; rows without the number last
  return rows.sort((x, y) => (col.num!(y) ?? -Infinity) - (col.num!(x) ?? -Infinity));
}

/** The column shown (`cols`) that `--sort-by` names; one only `-o wide` shows (`every`) is named as such. */
function sortColumn(cols: readonly Column[], every: readonly Column[], sortBy: string): Column {
  const key = sortBy.toLowerCase();
  const named = (c: Column) => c.head.toLowerCase() === key || !!c.aliases?.includes(key);
  const col = cols.find(named);
  if (!col && every.some(named)) throw usageError(`--sort-by ${sortBy} is a column of -o wide`, `add -o wide, or sort by one of: ${sortKeys(cols).join(', ')}`);
  if (!col) throw usageError(`--sort-by ${sortBy} is not a column`, `use one of: ${sortKeys(cols).join(', ')}`);
  return col;
}

/** Red from 90% of a limit, yellow from 75%: where an OOM kill or throttling is near. */
function colourRatios(cols: readonly Column[], rows: readonly TopRow[], cells: string[][]): void {
  cols.forEach((c, i) => {
    if (!c.ratio) return;
    rows.forEach((r, j) => {
      const v = c.num!(r);
      if (v === undefined || v < 75) return;
      cells[j]![i] = `\x1b[${v >= 90 ? 31 : 33}m${cells[j]![i]}\x1b[0m`;
    });
  });
}


/** The document JSON and YAML print: base units, RFC 3339 times, null for a request or limit a container lacks. */
function document(a: TopAnswer, rows: readonly TopRow[]): object {
  const share = (v: number | undefined, of: number | null | undefined) => {
    const p = percent(v, of);
    return p === undefined ? null : Math.round(p * 10) / 10;
  };
  return {
    kind: 'TopList', level: a.level, source: a.source,
    ...(a.timestamp !== undefined ? { timestamp: goTime(a.timestamp) } : {}),
    ...(a.window ? { window: { start: goTime(a.window.start), end: goTime(a.window.end) }, aggregation: a.agg } : {}),
    items: rows.map((r) => ({
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}), ...(r.kind !== undefined ? { kind: r.kind } : {}),
      ...(r.pod !== undefined ? { pod: r.pod } : {}), name: r.name, ...(r.node !== undefined ? { node: r.node } : {}),
      cpu: { usageMillicores: r.values.cpu ?? null, ...(a.level === 'nodes'
        ? { allocatableMillicores: r.values.cpuAllocatable ?? null, percentOfAllocatable: share(r.values.cpu, r.values.cpuAllocatable) }
        : { requestMillicores: r.values.cpuRequest ?? null, limitMillicores: r.values.cpuLimit ?? null, percentOfRequest: share(r.values.cpu, r.values.cpuRequest), percentOfLimit: share(r.values.cpu, r.values.cpuLimit) }) },
      memory: { workingSetBytes: r.values.memory ?? null, ...(a.level === 'nodes'
        ? { allocatableBytes: r.values.memAllocatable ?? null, percentOfAllocatable: share(r.values.memory, r.values.memAllocatable) }
        : { requestBytes: r.values.memRequest ?? null, limitBytes: r.values.memLimit ?? null, percentOfRequest: share(r.values.memory, r.values.memRequest), percentOfLimit: share(r.values.memory, r.values.memLimit) }) },
      ...(r.values.restarts !== undefined ? { restarts: r.values.restarts } : {}),
      ...(r.restartsInWindow !== undefined ? { restartsInWindow: r.restartsInWindow } : {}),
      ...(r.values.pods !== undefined ? { pods: r.values.pods } : {}),
      ...(r.values.rx !== undefined || r.values.tx !== undefined ? { network: { rxBytesPerSecond: r.values.rx ?? null, txBytesPerSecond: r.values.tx ?? null } } : {}),
      ...(r.values.ephemeral !== undefined ? { ephemeralStorageBytes: r.values.ephemeral } : {}),
      ...(a.source === 'archive' ? { firstSeen: maybeTime(r.firstSeen), lastSeen: maybeTime(r.lastSeen), gone: !!r.gone, ...(r.trend ? { trend: r.trend } : {}) } : {}),
    })),
  };
}

const maybeTime = (ms: number | undefined) => (ms === undefined ? undefined : goTime(ms));

import type { SampleColumn, SampleFilter } from '../archive/index.js';
import { L, METRICS, promLabelPairs, promLabels, promName, promNameIndex, PROM_CLUSTER_NAME } from '../model/index.js';
import type { ArchiveHistory } from './archive-history.js';
import type { Matcher } from './promql-parse.js';

/** One Prometheus series of the archive: labels sorted by name, samples in time order. */
export interface PromData {
  labels: [string, string][];
  ts: number[];
  vs: number[];
}

/** Heapster's metrics by their Prometheus names (the mapping remote write uses). */
const BY_PROM_NAME = new Map(METRICS.map((m) => [promName(m.name), m.name]));

/**
 * The labels that are columns of the archive, by their Prometheus names: a matcher on one is pushed
 * down into the scan (as its SampleFilter field), and their values can be listed from the columns.
 */
const LABEL_COLUMN: Readonly<Record<string, { column: SampleColumn; filter: keyof SampleFilter }>> = {
  type: { column: 'type', filter: 'type' }, namespace_name: { column: 'namespace', filter: 'namespace' }, pod_name: { column: 'pod', filter: 'pod' },
  container_name: { column: 'container', filter: 'container' }, nodename: { column: 'node', filter: 'node' }, resource_id: { column: 'resource_id', filter: 'resourceId' },
};

/** Whether a label is one of LABEL_COLUMN's own (`constructor` is a label name too). */
const isColumn = (label: string) => Object.hasOwn(LABEL_COLUMN, label);

export function matches(labels: readonly [string, string][], ms: readonly Matcher[]): boolean {
  return ms.every((m) => {
    const v = labels.find(([k]) => k === m.name)?.[1] ?? '';
    switch (m.op) {
      case '=': return v === m.value;
      case '!=': return v !== m.value;
      case '=~': return m.re!.test(v);
      case '!~': return !m.re!.test(v);
    }
  });
}

/** The Heapster metrics whose Prometheus names the matchers allow. */
function metricsFor(ms: readonly Matcher[]): string[] {
  const names = ms.filter((m) => m.name === '__name__');
  return [...BY_PROM_NAME].filter(([prom]) => matches([['__name__', prom]], names)).map(([, heapster]) => heapster);
}

function pushdown(ms: readonly Matcher[]): SampleFilter {
  const f: SampleFilter = {};
  for (const m of ms) {
    if (isColumn(m.name) && m.op === '=' && m.value !== '') (f as Record<string, string>)[LABEL_COLUMN[m.name]!.filter] = m.value;
  }
  return f;
}

const byLabels = (a: PromData | { labels: [string, string][] }, b: { labels: [string, string][] }) => compareLabels(a.labels, b.labels);

/** Prometheus's order of label sets: pair by pair, name then value, then the shorter first. */
export function compareLabels(a: readonly [string, string][], b: readonly [string, string][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [ka, va] = a[i]!;
    const [kb, vb] = b[i]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The series a selector picks in a window, with their samples, labelled exactly as remote write
 * labels the same recorded batches: so this server and a Prometheus that received them by remote
 * write hold the same series.
 */
export async function selectSeries(history: ArchiveHistory, ms: readonly Matcher[], w: { start: number; end: number }): Promise<PromData[]> {
  const out = new Map<string, PromData>();
  const f = pushdown(ms);
  // series whose samples came from more than one recorded series: put back in time order at the end
  const joined = new Set<PromData>();
  // the selector's metrics in one read: a read per metric read the window's pod and node objects,
  // and counted and copied its rows, once for each of them
  const metrics = metricsFor(ms);
  if (!metrics.length) return [];
  // a series' Prometheus labels, made once: an entity's series share its labels object
  const made = new WeakMap<Record<string, string>, Map<string, PromData | null>>();
  await history.recordedSamples({ ...f, ...(metrics.length === 1 ? { metric: metrics[0]! } : { metrics }) }, w, (r) => {
    let ofSet = made.get(r.labels);
    if (!ofSet) made.set(r.labels, (ofSet = new Map()));
    const key = r.resourceId === null ? r.metric : `${r.metric}\u0000${r.resourceId}`;
    let s = ofSet.get(key);
    if (s === undefined) {
      const labels = promLabels(r.metric, r.labels, r.resourceId === null ? undefined : { [L.resourceId]: r.resourceId }, PROM_CLUSTER_NAME);
      s = matches(labels, ms) ? seriesOf(out, labels) : null;
      ofSet.set(key, s);
    }
    if (!s) return;
    if (s.ts.length) joined.add(s);
    for (let i = 0; i < r.ts.length; i++) {
      const v = r.vs[i]!;
      if (!Number.isFinite(v)) continue;
      s.ts.push(r.ts[i]!);
      s.vs.push(v);
    }
  });
  for (const s of joined) inTimeOrder(s);
  return [...out.values()].sort(byLabels);
}

/** A series' samples sorted by time, equal times kept in the order they came (Array.prototype.sort is stable). */
function inTimeOrder(s: PromData): void {
  const order = s.ts.map((_, i) => i).sort((a, b) => s.ts[a]! - s.ts[b]!);
  s.ts = order.map((i) => s.ts[i]!);
  s.vs = order.map((i) => s.vs[i]!);
}

/** The series of these labels, begun if new: sets of equal labels are one series, as in Prometheus. */
function seriesOf(out: Map<string, PromData>, labels: [string, string][]): PromData {
  const key = JSON.stringify(labels);
  let s = out.get(key);
  if (!s) out.set(key, (s = { labels, ts: [], vs: [] }));
  return s;
}

/**
 * Every label of every series in a window, with its values: what `labels` and `label/NAME/values`
 * list without match[]. Made from the window's entities, metrics and filesystems, not its series: a
 * series' labels are its entity's, its name and its filesystem, and each entity, metric and filesystem
 * read has a series of a Prometheus metric. At 1,000 nodes, series by series took 6-9 s.
 */
export async function allLabelValues(history: ArchiveHistory, w: { start: number; end: number }): Promise<Map<string, Set<string>>> {
  const parts = await history.recordedParts({ metrics: [...BY_PROM_NAME.values()] }, w);
  const out = new Map<string, Set<string>>();
  const add = (pairs: [string, string][]) => {
    for (const [k, v] of pairs) {
      let values = out.get(k);
      if (!values) out.set(k, (values = new Set()));
      values.add(v);
    }
  };
  for (const labels of parts.labels) add(promLabelPairs(labels, undefined, PROM_CLUSTER_NAME));
  for (const id of parts.resources) add(promLabelPairs({}, { [L.resourceId]: id }, PROM_CLUSTER_NAME));
  add(parts.metrics.map((m) => ['__name__', promName(m)]));
  return out;
}

/**
 * The values of a label that is a column (pod_name, nodename, ...) among the series the matchers
 * pick, when the matchers name only such labels, the metric and cluster_name: the window's distinct
 * values of those columns, without making each series' other labels from its pod's objects. A
 * Grafana variable (`label_values(heapster_cpu_usage_rate{type="pod"}, pod_name)`) asks this on
 * every dashboard load. undefined when a matcher or the label is not one of those.
 */
export async function columnLabelValues(history: ArchiveHistory, ms: readonly Matcher[], name: string, w: { start: number; end: number }): Promise<Set<string> | undefined> {
  if (!isColumn(name) || !ms.every((m) => m.name === '__name__' || m.name === 'cluster_name' || isColumn(m.name))) return undefined;
  const metrics = metricsFor(ms);
  const named = Object.entries(LABEL_COLUMN).filter(([label]) => label === name || ms.some((m) => m.name === label));
  const rows = await history.recordedDistinct({ ...pushdown(ms), ...(metrics.length === BY_PROM_NAME.size ? {} : { metrics }) }, w, ['metric', ...named.map(([, c]) => c.column)]);
  const out = new Set<string>();
  const at = named.findIndex(([label]) => label === name) + 1;
  for (const row of rows) {
    const prom = promName(row[0]!);
    if (!BY_PROM_NAME.has(prom)) continue;
    // the series' labels the matchers can name, as promLabelPairs makes them: an empty value is no label
    const labels: [string, string][] = [['__name__', prom], ['cluster_name', PROM_CLUSTER_NAME]];
    named.forEach(([label], k) => row[k + 1] && labels.push([label, row[k + 1]!]));
    if (row[at] && matches(labels, ms)) out.add(row[at]!);
  }
  return out;
}

/**
 * The label sets of the series the matchers pick, one at a time and not told apart: a label listing
 * reduces them as they come, where the series of a 1,000-node cluster, kept, ran out of heap.
 */
export async function eachSeriesLabels(history: ArchiveHistory, ms: readonly Matcher[], w: { start: number; end: number },
  fn: (labels: [string, string][]) => void): Promise<void> {
  const metrics = metricsFor(ms);
  const all = metrics.length === BY_PROM_NAME.size;
  // an entity's series differ in their name only (and filesystem): its other labels are made once,
  // which at 1,000 nodes was a third of listing the labels of every series
  const made = new WeakMap<Record<string, string>, Map<string | null, { pairs: [string, string][]; at: number }>>();
  const names = new Map<string, string>();
  await history.recordedSeries({ ...pushdown(ms), ...(all ? {} : metrics.length === 1 ? { metric: metrics[0]! } : { metrics }) }, w, (r) => {
    let name = names.get(r.metric);
    if (name === undefined) names.set(r.metric, (name = promName(r.metric)));
    if (!BY_PROM_NAME.has(name)) return;
    let ofSet = made.get(r.labels);
    if (!ofSet) made.set(r.labels, (ofSet = new Map()));
    let base = ofSet.get(r.resourceId);
    if (!base) {
      const pairs = promLabelPairs(r.labels, r.resourceId === null ? undefined : { [L.resourceId]: r.resourceId }, PROM_CLUSTER_NAME);
      ofSet.set(r.resourceId, (base = { pairs, at: promNameIndex(pairs) }));
    }
    const labels = base.pairs.slice();
    labels.splice(base.at, 0, ['__name__', name]);
    if (matches(labels, ms)) fn(labels);
  });
}

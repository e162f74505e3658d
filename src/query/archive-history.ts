import path from 'node:path';
import {
  coveredBy, indexAnswers, readBuckets, readDistinct, readEntities, readRecordedParts, readRecordedSamples, readRecordedSeries, RecordedObjects, type RecordedFiles, type RecordedParts, type RecordedSamples, type RecordedSeries, readMetricNames, readNodeObjects, readPodLabels, readPodsByUid, readSamples, selectRecordings,
  type Aggregation, type RecordingStats, type Archive, type EntityRow, type SampleColumn, type SampleFilter,
} from '../archive/index.js';
import { keyOfParts, parseKey, type EntityType, type KeyParts } from '../model/index.js';
import type { BucketSeries, EntityRef, EntityScope, History, LabelFilter, Series, Window } from './history.js';
import { labelSelector } from './label-selector.js';
import { ScannedParts } from './scanned-parts.js';

export interface ArchiveScope {
  recording?: string;
  cluster?: string;
}

/** A History over the archive's Parquet snapshots: the catalog picks the files, DuckDB reads them. */
export class ArchiveHistory implements History {
  constructor(
    private readonly archive: Archive,
    private readonly scope: ArchiveScope,
  ) {}

  async series(keys: readonly string[], metric: string, labels: LabelFilter, w: Window): Promise<Series[]> {
    const rows = await readSamples(await this.files(w, metric), { ...this.common(keys), metric, resourceId: resourceFilter(labels) }, w);
    return groupByKey(keys, rows, (s: Series, r) => s.points.push({ timestamp: r.ts, value: r.value }), () => ({ points: [] }));
  }

  async buckets(keys: readonly string[], metric: string, labels: LabelFilter, w: Window, bucketMs: number, aggregations?: readonly Aggregation[]): Promise<BucketSeries[]> {
    const rows = await readBuckets(await this.files(w, metric), { ...this.common(keys), metric, resourceId: resourceFilter(labels) }, w, bucketMs, aggregations);
    return groupByKey(keys, rows, (s: BucketSeries, r) => {
      const { type: _t, node: _n, namespace: _ns, pod: _p, container: _c, resource_id: _r, ...b } = r;
      s.buckets.push(b);
    }, () => ({ buckets: [] }));
  }

  async entities(type: EntityType, scope: EntityScope, w: Window): Promise<EntityRef[]> {
    const f: SampleFilter = { type, ...(this.scope.recording ? { recording: this.scope.recording } : {}) };
    if (scope.namespace !== undefined) f.namespace = scope.namespace;
    if (scope.node !== undefined) f.node = scope.node;
    if (scope.pod !== undefined) f.pod = scope.pod;
    let rows = await readEntities(await this.files(w), f, w);
    if (scope.labelSelector) {
      const match = labelSelector(scope.labelSelector);
      const pods = await readPodLabels(await this.archive.files({ kind: 'pods', ...this.scope }));
      const ok = new Set(pods.filter((p) => match(p.labels)).map((p) => `${p.namespace}/${p.pod}`));
      rows = rows.filter((r) => ok.has(`${r.namespace}/${r.pod}`));
    }
    const seen = new Set<string>();
    const refs: EntityRef[] = [];
    for (const r of rows) {
      const key = keyOfParts(partsOf(r));
      if (seen.has(key)) continue;
      seen.add(key);
      refs.push({ key, type: r.type as EntityType, name: nameOf(r), ...(r.namespace ? { namespace: r.namespace } : {}), ...(r.node ? { node: r.node } : {}), ...(r.pod ? { pod: r.pod } : {}) });
    }
    return refs;
  }

  /** Changes whenever the archive's catalog is written. */
  version(): string {
    return this.archive.version();
  }

  /** The resolution the data in scope was recorded at (the finest, if several recordings), ms. */
  async resolutionMs(): Promise<number> {
    const mine = await this.recordingsInScope();
    return mine.length ? Math.min(...mine.map((r) => r.resolutionMs)) : 60_000;
  }

  /** Each recording in scope with samples, and its window: what an answer outside them names. */
  async recordedWindows(): Promise<{ name: string; start: number; end: number }[]> {
    return (await this.recordingsInScope()).map((r) => ({ name: r.name, start: r.tsMin!, end: r.tsMax! }));
  }

  private recordings?: { version: string; recs: Promise<RecordingStats[]> };

  /**
   * The recordings in scope that hold data, read once until the catalog changes: `top --at` asked
   * for them twice (its window, then the resolution), and serve asks on every request; each read is
   * a catalog session (~15-25 ms).
   */
  private async recordingsInScope(): Promise<RecordingStats[]> {
    const version = this.archive.version();
    if (this.recordings?.version !== version) {
      const recs = this.archive.catalog(true, (con) => selectRecordings(con));
      this.recordings = { version, recs };
      // a failed read is not kept: the next call tries again
      recs.catch(() => { if (this.recordings?.recs === recs) this.recordings = undefined; });
    }
    const recs = await this.recordings.recs;
    return recs.filter((r) => (!this.scope.recording || r.name === this.scope.recording) && (!this.scope.cluster || r.cluster === this.scope.cluster) && r.tsMin !== undefined);
  }

  /** The newest batch timestamp in scope, if anything was recorded. */
  async newest(): Promise<number | undefined> {
    const files = await this.archive.snapshots({ kind: 'samples', ...this.scope });
    return files.length ? Math.max(...files.map((s) => s.tsMax)) : undefined;
  }

  async podsByUid(uids: readonly string[]): Promise<Map<string, { namespace: string; pod: string }>> {
    return readPodsByUid(await this.files({}), uids);
  }

  async nodeObjects(at: number) {
    return readNodeObjects(await this.archive.files({ kind: 'nodes', ...this.scope, end: at }), at);
  }

  async metricNames(key: string, w: Window): Promise<string[]> {
    return readMetricNames(await this.files(w), this.common([key]), w);
  }

  /** The series of a window with their samples, labelled as in its batches, handed over once the window is read. */
  async recordedSamples(f: SampleFilter, w: { start: number; end: number }, onSeries: (s: RecordedSamples) => void): Promise<void> {
    await readRecordedSamples(await this.recordedFiles(w, f), { ...f, ...this.recordingFilter() }, w, onSeries);
  }

  /** The distinct values of some sample columns in a window, a row of them at a time. */
  async recordedDistinct(f: SampleFilter, w: { start: number; end: number }, columns: readonly SampleColumn[]): Promise<(string | null)[][]> {
    // the sample files alone: the distinct values need no pod or node objects
    return readDistinct(await this.files(w, metricsOf(f)), { ...f, ...this.recordingFilter() }, w, columns);
  }

  /** The distinct series of a window, labelled as in its batches. */
  async recordedSeries(f: SampleFilter, w: { start: number; end: number }, onSeries: (s: RecordedSeries) => void): Promise<void> {
    await readRecordedSeries(await this.recordedFiles(w, f), { ...f, ...this.recordingFilter() }, w, onSeries);
  }

  /**
   * The entities, metrics and filesystems of a window, each once, labelled as in its batches. The
   * compacted files' series indexes answer for those files when the filter is one they know, and the
   * parts of the other files this history read before for those (ScannedParts). Made for a server:
   * after a first ask, the files' parts go on being read in the background for the next.
   */
  async recordedParts(f: SampleFilter, w: { start: number; end: number }): Promise<RecordedParts> {
    const files = await this.recordedFiles(w, f);
    const filter = { ...f, ...this.recordingFilter() };
    if (!indexAnswers(filter)) return readRecordedParts(files, filter, w);
    const within = { ...this.scope, start: w.start, end: w.end };
    const samples = await this.archive.snapshots({ kind: 'samples', ...within, ...(f.metric !== undefined ? { metric: f.metric } : {}) });
    const { scan, indexes } = coveredBy(samples, await this.archive.snapshots({ kind: 'series', ...within }));
    const abs = (s: { file: string }) => path.join(this.archive.dir, s.file);
    // a file wholly inside the window is read whole: its parts are kept for the next ask
    const whole = scan.filter((s) => s.tsMin >= Math.floor(w.start) && s.tsMax <= Math.floor(w.end));
    const list = whole.map((s) => ({ path: abs(s), id: `${s.file}|${s.rows}`, rows: s.rows }));
    const known = whole.length ? await this.scanned.of(list, filter) : undefined;
    if (whole.length && !known) {
      // most of them not read yet: the rows answer, and the files' parts are read after
      const answer = readRecordedParts({ ...files, samples: scan.map(abs) }, filter, w, indexes.map(abs));
      const warm = () => this.scanned.warm(list, filter);
      answer.then(warm, warm);
      return answer;
    }
    const edges = scan.filter((s) => !whole.includes(s));
    return readRecordedParts({ ...files, samples: edges.map(abs) }, filter, w, indexes.map(abs), known);
  }

  private readonly scanned = new ScannedParts();
  /** the pods and nodes of the last asks' windows: a dashboard's panels ask over one window */
  private readonly objects = new RecordedObjects();

  /** The oldest and newest batch in scope, if anything was recorded. */
  async span(): Promise<{ start: number; end: number } | undefined> {
    const files = await this.archive.snapshots({ kind: 'samples', ...this.scope });
    return files.length ? { start: Math.min(...files.map((s) => s.tsMin)), end: Math.max(...files.map((s) => s.tsMax)) } : undefined;
  }

  private recordingFilter(): SampleFilter {
    return this.scope.recording ? { recording: this.scope.recording } : {};
  }

  /** The window's sample files of the filter's metrics (all with none), and its pod and node files. */
  private async recordedFiles(w: { start: number; end: number }, f: SampleFilter): Promise<RecordedFiles> {
    return {
      samples: await this.files(w, metricsOf(f)),
      pods: await this.archive.files({ kind: 'pods', ...this.scope, end: w.end }),
      nodes: await this.archive.files({ kind: 'nodes', ...this.scope, end: w.end }),
      objects: this.objects,
    };
  }

  /** The sample files of the window; with metrics, a compacted day's other metrics' files are left out. */
  private async files(w: Window, metric?: string | readonly string[]): Promise<string[]> {
    return this.archive.files({
      kind: 'samples', ...this.scope, ...(w.start !== undefined ? { start: w.start } : {}), ...(w.end !== undefined ? { end: w.end } : {}),
      ...(metric !== undefined ? { metric } : {}),
    });
  }

  /** The column filter all keys share, so a collection is one scan and not one per member. */
  private common(keys: readonly string[]): SampleFilter {
    const parts = keys.map((k) => parseKey(k)).filter((p): p is KeyParts => !!p);
    const f: SampleFilter = this.scope.recording ? { recording: this.scope.recording } : {};
    if (!parts.length) return f;
    const same = <K extends keyof KeyParts>(k: K) => parts.every((p) => p[k] === parts[0]![k]);
    f.type = parts[0]!.type;
    if (!same('type')) delete f.type;
    for (const k of ['node', 'namespace', 'pod', 'container'] as const) {
      if (same(k) && parts[0]![k] !== undefined) f[k] = parts[0]![k];
    }
    // a pod list: read only its pods, not every pod of the namespace
    if (!same('pod') && parts.every((p) => p.pod !== undefined)) f.pods = [...new Set(parts.map((p) => p.pod!))];
    return f;
  }
}

/**
 * Splits rows into one series per requested key and resource id, in the order of `keys`; a key
 * without rows still gets an empty series, as Heapster answered unknown entities.
 */
function groupByKey<R extends EntityRow & { resource_id: string | null }, S extends { key: string; name: string; labels?: Record<string, string> }>(
  keys: readonly string[], rows: readonly R[], add: (s: S, r: R) => void, empty: () => Omit<S, 'key' | 'name' | 'labels'>,
): S[] {
  const out = new Map<string, S>();
  const wanted = new Set(keys);
  for (const r of rows) {
    const key = keyOfParts(partsOf(r));
    if (!wanted.has(key)) continue;
    const id = `${key}\u0000${r.resource_id ?? ''}`;
    let s = out.get(id);
    if (!s) out.set(id, (s = { key, name: nameOf(r), ...(r.resource_id !== null ? { labels: { resource_id: r.resource_id } } : {}), ...empty() } as S));
    add(s, r);
  }
  const byKey = new Map<string, S[]>();
  for (const s of out.values()) {
    const list = byKey.get(s.key);
    if (list) list.push(s);
    else byKey.set(s.key, [s]);
  }
  return keys.flatMap((key) => byKey.get(key) ?? [{ key, name: nameOf(toRow(parseKey(key) ?? { type: 'cluster' })), ...empty() } as S]);
}

function resourceFilter(labels: LabelFilter): string | null | undefined {
  if (labels === undefined) return null;
  if (labels === 'all') return undefined;
  return labels.resource_id ?? labels.accelerator_id ?? '';
}

function partsOf(r: EntityRow): KeyParts {
  return { type: r.type as KeyParts['type'], ...(r.node ? { node: r.node } : {}), ...(r.namespace ? { namespace: r.namespace } : {}), ...(r.pod ? { pod: r.pod } : {}), ...(r.container ? { container: r.container } : {}) };
}

function toRow(p: KeyParts): EntityRow {
  return { type: p.type, node: p.node ?? null, namespace: p.namespace ?? null, pod: p.pod ?? null, container: p.container ?? null };
}

function nameOf(r: EntityRow): string {
  switch (r.type) {
    case 'cluster': return 'cluster';
    case 'node': return r.node ?? '';
    case 'ns': return r.namespace ?? '';
    case 'pod': return r.pod ?? '';
    default: return r.container ?? '';
  }
}

/** The metric or metrics a filter names, by which the catalog leaves out other metrics' files. */
const metricsOf = (f: SampleFilter): string | readonly string[] | undefined => f.metric ?? f.metrics;

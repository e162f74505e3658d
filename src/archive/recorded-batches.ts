import {
  clusterKey, joinLabels, L, namespaceKey, newMetricSet, nodeKey, podContainerKey, podKey, sysContainerKey, type Batch, type EntityType, type MetricSet,
} from '../model/index.js';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { fileList, memoryLimitBytes } from './duck.js';
import { columnsOf, parquetSource, readArchive, whereClause, type SampleFilter } from './read-samples.js';
import { ObjectVersions } from './object-versions.js';
import { indexSources } from './series-index.js';
import { inSlice, tickSlices } from './tick-slices.js';

export interface RecordedFiles {
  samples: readonly string[];
  pods: readonly string[];
  nodes: readonly string[];
  /** a long-lived reader's (serve's) pods and nodes of its last reads, for the next; else read each time */
  objects?: RecordedObjects;
}

interface PodMeta { uid: string; labels: string; images: Map<string, string> }
interface NodeMeta { hostname: string; labels: string }

/**
 * A recorded window as the batches the recorder had, oldest first and one at a time, with the
 * labels Heapster gave each set rebuilt from the pod and node objects kept beside the samples
 * (their newest version at the window's end): what a sink is sent afterwards, or again. What the
 * archive does not keep (a namespace's uid, a node's host id) is left empty, as Heapster left
 * labels it did not know. An entity's sets share one labels object from batch to batch (made once a
 * read, not once a tick, and a reader can tell a series by it), and the labeled values of one
 * filesystem one labels object: readers must not change them. Within a tick, sets and values come in
 * the order of their entity and metric, so an export writes the same bytes every time.
 */
export async function readRecordedBatches(files: RecordedFiles, f: SampleFilter, range: { start: number; end: number },
  onBatch: (b: Batch) => Promise<void> | void, sliceRows = readSliceRows()): Promise<number> {
  if (!files.samples.length) return 0;
  const nodes = await nodeMeta(files, range.end);
  let count = 0;
  let batch: Batch | undefined;
  const done = async () => {
    if (!batch) return;
    const b = batch;
    batch = undefined;
    count++;
    await onBatch(b);
  };
  await readArchive(files.samples, async (con, src) => {
    const where = whereClause(f, range);
    // the window's entities, metrics and filesystems numbered once, so a slice is one scan of its rows
    const { entities, metrics, resources } = await seriesTables(con, partsOf(`SELECT * FROM ${src} WHERE ${where}`));
    const pods = await podMeta(con, files, range.end, entities);
    const sets = entities.map((e) => ({ key: keyOf(e.type, e.node, e.namespace, e.pod, e.container), type: e.type,
      labels: labelsOf(e.type, e.node, e.namespace, e.pod, e.container, e.pod_uid, pods, nodes) }));
    const points = resources.map((id) => ({ [L.resourceId]: id }));
    // a slice of ticks at a time, each sorted in one piece, so that neither a day of a large cluster
    // sits in memory whole nor the sort of an hour spills: an hour of 1,000 nodes at 15 s is 648 M
    // rows. Rows are streamed a DuckDB chunk at a time: read all at once as JavaScript values, one
    // tick of 1,000 nodes (2.7 M rows) took 4.5 GB to become a batch, and three 10 GB
    for (const slice of await tickSlices(con, src, where, sliceRows)) {
      const picked = `SELECT * FROM ${src} WHERE ${where} AND ${inSlice(slice)}`;
      // rows as numbers: the entity, metric and filesystem of each are ids into the tables above.
      // Decoding their strings a row at a time was three quarters of reading a 1,000-node tick
      const result = await con.stream(`${numberedRows(picked)} ORDER BY ts, e, m, r`);
      let set: MetricSet | undefined;
      let last = -1;
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const [tsCol, eCol, mCol, rCol, vCol] = [0, 1, 2, 3, 4].map((c) => chunk.getColumnVector(c)) as unknown as [Num, Num, Num, Num, Num];
        // rowCount asks DuckDB each time: read in the loop's test, it was a tenth of the read
        const rows = chunk.rowCount;
        for (let i = 0; i < rows; i++) {
          const ts = tsCol.getItem(i)!;
          if (batch && batch.timestamp !== ts) await done();
          if (!batch) {
            batch = { timestamp: ts, sets: new Map() };
            last = -1;
          }
          const e = eCol.getItem(i)!;
          if (e !== last) {
            const s = sets[e]!;
            set = batch.sets.get(s.key);
            if (!set) batch.sets.set(s.key, (set = newMetricSet(s.key, s.type, s.labels)));
            last = e;
          }
          const r = rCol.getItem(i)!;
          const value = vCol.getItem(i) ?? 0;
          if (r < 0) set!.values.set(metrics[mCol.getItem(i)!]!, value);
          else set!.labeled.add(metrics[mCol.getItem(i)!]!, points[r]!, value);
        }
      }
    }
  });
  await done();
  return count;
}

/** One recorded series: a metric of an entity (and filesystem), labelled as in its batches. */
export interface RecordedSeries {
  metric: string;
  labels: Record<string, string>;
  /** a labeled value's resource id; null for a plain value */
  resourceId: string | null;
}

/**
 * The distinct series a window holds, labelled as readRecordedBatches labels their sets, without
 * reading their values into batches: what a series or label listing needs. Handed over one at a
 * time: a 1,000-node cluster has 2.7 M, which as one array of labelled objects ran a server out of heap.
 * An entity's series share one labels object.
 */
export async function readRecordedSeries(files: RecordedFiles, f: SampleFilter, range: { start: number; end: number },
  onSeries: (s: RecordedSeries) => void): Promise<void> {
  if (!files.samples.length) return;
  const nodes = await nodeMeta(files, range.end);
  await readArchive(files.samples, async (con, src) => {
    const where = whereClause(f, range);
    const picked = await pickOnce(con, src, where, pickRows(readSliceRows())) ?? `SELECT * FROM ${src} WHERE ${where}`;
    const { labels, metrics, resources } = await labelledTables(con, partsOf(picked), files, range.end, nodes);
    const result = await con.stream(`SELECT DISTINCT e, m, r FROM (${numberedRows(picked)})`);
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const [eCol, mCol, rCol] = [0, 1, 2].map((c) => chunk.getColumnVector(c)) as unknown as [Num, Num, Num];
      const rows = chunk.rowCount;
      for (let i = 0; i < rows; i++) {
        const r = rCol.getItem(i)!;
        onSeries({ metric: metrics[mCol.getItem(i)!]!, labels: labels[eCol.getItem(i)!]!, resourceId: r < 0 ? null : resources[r]! });
      }
    }
  });
}

/** A recorded series with its samples: times (ms) and values, in time order. */
export interface RecordedSamples extends RecordedSeries {
  ts: number[];
  vs: number[];
}

/**
 * The series of a window with their samples, labelled as readRecordedBatches labels their sets,
 * read series by series rather than as batches: what a PromQL selector needs. Read back as batches,
 * 3 h of one metric of 100 nodes' pods (0.5 M samples) took 2.4-2.9 s, most of it making a metric
 * set per entity and tick for one value each. Series come in the order of their entity, metric and
 * filesystem; each is handed over once the window is read (its samples may span several slices).
 */
export async function readRecordedSamples(files: RecordedFiles, f: SampleFilter, range: { start: number; end: number },
  onSeries: (s: RecordedSamples) => void, sliceRows = readSliceRows()): Promise<void> {
  if (!files.samples.length) return;
  const nodes = await nodeMeta(files, range.end);
  await readArchive(files.samples, async (con, src) => {
    const where = whereClause(f, range);
    const one = await pickOnce(con, src, where, pickRows(sliceRows));
    const picked = one ?? `SELECT * FROM ${src} WHERE ${where}`;
    // else a slice of ticks at a time, as readRecordedBatches reads, so that no sort spills; a series
    // goes on in the next slice, which is later in time
    const slices = one ? [undefined] : await tickSlices(con, src, where, sliceRows);
    const { labels, metrics, resources } = await labelledTables(con, partsOf(picked), files, range.end, nodes);
    const series = new Map<number, RecordedSamples>();
    for (const slice of slices) {
      const result = await con.stream(`${numberedRows(slice ? `${picked} AND ${inSlice(slice)}` : picked)} ORDER BY e, m, r, ts`);
      let s: RecordedSamples | undefined;
      let last = NaN;
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const [tsCol, eCol, mCol, rCol, vCol] = [0, 1, 2, 3, 4].map((c) => chunk.getColumnVector(c)) as unknown as [Num, Num, Num, Num, Num];
        const rows = chunk.rowCount;
        for (let i = 0; i < rows; i++) {
          const e = eCol.getItem(i)!, m = mCol.getItem(i)!, r = rCol.getItem(i)!;
          const key = (e * metrics.length + m) * (resources.length + 1) + r + 1;
          if (key !== last) {
            s = series.get(key);
            if (!s) series.set(key, (s = { metric: metrics[m]!, labels: labels[e]!, resourceId: r < 0 ? null : resources[r]!, ts: [], vs: [] }));
            last = key;
          }
          s!.ts.push(tsCol.getItem(i)!);
          s!.vs.push(vCol.getItem(i) ?? 0);
        }
      }
    }
    for (const s of series.values()) onSeries(s);
  });
}

/**
 * The rows `where` picks, as the connection's table `pick`, when there are at most `most` of them
 * (pickRows; a panel's window: 3 h of 100 nodes' pods is 0.5 M rows of a metric): a SELECT of them, else
 * undefined and no table. A read's parts and rows then come from that table: the files hold every
 * metric's rows, filtered again at each of a read's four or five scans, which were most of its time.
 */
async function pickOnce(con: DuckDBConnection, src: string, where: string, most: number): Promise<string | undefined> {
  // counted first: a LIMIT keeps the files' order, and took longer than the count. Without that order
  // it would not, but preserve_insertion_order is the instance's, shared with every other read and
  // write of the process
  if (Number((await con.runAndReadAll(`SELECT count(*) FROM ${src} WHERE ${where}`)).getRows()[0]![0]) > most) return undefined;
  await con.run(`CREATE OR REPLACE TEMP TABLE pick AS SELECT ts, ${ENTITY_COLUMNS}, metric, resource_id, value FROM ${src} WHERE ${where}`);
  return 'SELECT * FROM pick';
}

/** What a window's series are made of, each once: its entities' labels (as in its batches), metrics and filesystems. */
export interface RecordedParts {
  labels: Record<string, string>[];
  metrics: string[];
  resources: string[];
}

/**
 * A window's entities, metrics and filesystems without its series: every label a series of the
 * window has is one of an entity's, its name or its filesystem, so a listing of every label and value
 * needs only these (26 k entities where 3 h of 100 nodes has 770 k series). `indexes`: the series
 * indexes of compacted files left out of `files.samples` (series-index.ts); `f` then filters by
 * recording and metric only, which the caller has applied to the indexes' choice and their metrics.
 */
export async function readRecordedParts(files: RecordedFiles, f: SampleFilter, range: { start: number; end: number },
  indexes: readonly string[] = [], known?: RawParts): Promise<RecordedParts> {
  const knows = !!known && (known.entities.length > 0 || known.metrics.length > 0);
  if (!files.samples.length && !indexes.length && !knows) return { labels: [], metrics: [], resources: [] };
  const nodes = await nodeMeta(files, range.end);
  return readArchive([...files.samples, ...indexes], async (con) => {
    const sources: PartSources[] = [];
    if (files.samples.length) sources.push(partsOf(`SELECT * FROM ${parquetSource(files.samples)} WHERE ${whereClause(f, range)}`));
    if (indexes.length) sources.push(indexSources(indexes, range, f.metrics ?? (f.metric !== undefined ? [f.metric] : undefined)));
    if (knows) sources.push(await knownSources(con, known!));
    const parts = {
      entities: sources.map((x) => x.entities).join(' UNION ALL '), metrics: sources.map((x) => x.metrics).join(' UNION ALL '),
      resources: sources.map((x) => x.resources).join(' UNION ALL '),
    };
    return labelledTables(con, parts, files, range.end, nodes);
  });
}

/** The distinct entities, metrics and filesystems of some sample files, not yet labelled: what a reader may keep of files that never change. */
export interface RawParts {
  entities: readonly RecordedEntity[];
  metrics: readonly string[];
  resources: readonly string[];
}

/** RawParts of several files, and which of them each file has: ids into the arrays, one set of three per file. */
export interface FileParts extends RawParts {
  files: { entities: Int32Array; metrics: Int32Array; resources: Int32Array }[];
}

/**
 * The parts of each of these sample files' rows that `f` picks, whatever their times, in one scan
 * per kind of part (three, as seriesTables reads). Each file's are sent as numbers: as strings, a
 * file's entities each repeated for sixty files were most of the read.
 */
export async function readFileParts(files: readonly string[], f: SampleFilter): Promise<FileParts> {
  const out: FileParts = { entities: [], metrics: [], resources: [], files: files.map(() => ({ entities: new Int32Array(0), metrics: new Int32Array(0), resources: new Int32Array(0) })) };
  if (!files.length) return out;
  return readArchive(files, async (con) => {
    // file_index: the file's place in the list, where a file name per row made the read half again as long
    const picked = `SELECT *, file_index::INTEGER AS fi FROM read_parquet(${fileList(files)}, union_by_name = true) WHERE ${whereClause(f, {})}`;
    // each file's distinct parts first, in a scan each; the window's then come from those, not the rows
    await con.run(`CREATE OR REPLACE TEMP TABLE fe AS SELECT DISTINCT fi, ${ENTITY_COLUMNS} FROM (${picked})`);
    await con.run(`CREATE OR REPLACE TEMP TABLE fm AS SELECT DISTINCT fi, metric FROM (${picked})`);
    await con.run(`CREATE OR REPLACE TEMP TABLE fr AS SELECT DISTINCT fi, resource_id FROM (${picked}) WHERE resource_id IS NOT NULL`);
    const { entities, metrics, resources } = await seriesTables(con, {
      entities: `SELECT ${ENTITY_COLUMNS} FROM fe`, metrics: 'SELECT metric FROM fm', resources: 'SELECT resource_id FROM fr',
    });
    Object.assign(out, { entities, metrics, resources });
    const perFile = async (part: keyof FileParts['files'][number], select: string) => {
      const lists: number[][] = files.map(() => []);
      const result = await con.stream(select);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const [fiCol, idCol] = [0, 1].map((c) => chunk.getColumnVector(c)) as unknown as [Num, Num];
        const rows = chunk.rowCount;
        for (let r = 0; r < rows; r++) lists[fiCol.getItem(r)!]!.push(idCol.getItem(r)!);
      }
      lists.forEach((ids, i) => (out.files[i]![part] = Int32Array.from(ids)));
    };
    // ent, met and res: seriesTables' numbered tables of those parts
    const same = ENTITY_COLUMNS.split(', ').map((c) => `s.${c} IS NOT DISTINCT FROM e.${c}`).join(' AND ');
    await perFile('entities', `SELECT s.fi, e.id FROM fe s JOIN ent e ON ${same}`);
    await perFile('metrics', 'SELECT s.fi, m.id FROM fm s JOIN met m ON s.metric = m.metric');
    await perFile('resources', 'SELECT s.fi, r.id FROM fr s JOIN res r ON s.resource_id = r.resource_id');
    return out;
  });
}

/** Parts already known, as the connection's tables `known_ent`, `known_met` and `known_res`, and SELECTs of them. */
async function knownSources(con: DuckDBConnection, known: RawParts): Promise<PartSources> {
  const cols = ENTITY_COLUMNS.split(', ');
  const fill = async (table: string, columns: string[], rows: readonly (readonly (string | null)[])[]) => {
    await con.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.map((c) => `${c} VARCHAR`).join(', ')})`);
    const a = await con.createAppender(table);
    for (const row of rows) {
      for (const v of row) if (v === null) a.appendNull(); else a.appendVarchar(v);
      a.endRow();
    }
    a.closeSync();
  };
  await fill('known_ent', cols, known.entities.map((e) => [e.type, e.node, e.namespace, e.pod, e.container, e.pod_uid]));
  await fill('known_met', ['metric'], known.metrics.map((m) => [m]));
  await fill('known_res', ['resource_id'], known.resources.map((r) => [r]));
  return { entities: `SELECT ${ENTITY_COLUMNS} FROM known_ent`, metrics: 'SELECT metric FROM known_met', resources: 'SELECT resource_id FROM known_res' };
}

/** SELECTs of a window's entity, metric and filesystem columns: seriesTables takes the distinct of each. */
interface PartSources { entities: string; metrics: string; resources: string }

const ENTITY_COLUMNS = 'type, node, namespace, pod, container, pod_uid';

/** The parts of the rows `picked` selects. */
function partsOf(picked: string): PartSources {
  return { entities: `SELECT ${ENTITY_COLUMNS} FROM (${picked})`, metrics: `SELECT metric FROM (${picked})`, resources: `SELECT resource_id FROM (${picked})` };
}

function keyOf(type: EntityType, node: string | null, ns: string | null, pod: string | null, container: string | null): string {
  switch (type) {
    case 'cluster': return clusterKey();
    case 'node': return nodeKey(node ?? '');
    case 'ns': return namespaceKey(ns ?? '');
    case 'pod': return podKey(ns ?? '', pod ?? '');
    case 'pod_container': return podContainerKey(ns ?? '', pod ?? '', container ?? '');
    case 'sys_container': return sysContainerKey(node ?? '', container ?? '');
  }
}

function labelsOf(type: EntityType, node: string | null, ns: string | null, pod: string | null, container: string | null, uid: string | null,
  pods: Map<string, PodMeta>, nodes: Map<string, NodeMeta>): Record<string, string> {
  const l: Record<string, string> = { [L.type]: type };
  if (node !== null) {
    const n = nodes.get(node);
    Object.assign(l, { [L.nodename]: node, [L.hostname]: n?.hostname || node, [L.hostId]: '' });
    if (type === 'node') l[L.labels] = n?.labels ?? '';
  }
  if (ns !== null) Object.assign(l, { [L.namespaceName]: ns, [L.namespaceId]: '' });
  if (pod !== null) {
    const p = pods.get(`${ns}/${pod}`);
    Object.assign(l, { [L.podName]: pod, [L.podId]: uid ?? p?.uid ?? '', [L.labels]: p?.labels ?? '' });
  }
  if (container !== null) {
    l[L.containerName] = container;
    if (type === 'pod_container') l[L.containerBaseImage] = pods.get(`${ns}/${pod}`)?.images.get(container) ?? '';
  }
  return l;
}

/**
 * The newest version at `at` of each pod of the window's `entities` (the connection's table `ent`,
 * seriesTables'): not of every pod the files hold, which over a day of 100 nodes was 28 k pods to
 * read into objects for the 3 k of a ten-minute window, 0.4 s of every `serve --prometheus` query.
 */
async function podMeta(con: DuckDBConnection, { pods: files, objects }: RecordedFiles, at: number, entities: readonly RecordedEntity[]): Promise<Map<string, PodMeta>> {
  // a window of nodes alone reads no pod: the semi-join still read the pod files whole (30 ms a query)
  if (!files.length || !entities.some((e) => e.pod !== null)) return new Map();
  const names = new Set<string>();
  for (const e of entities) if (e.pod !== null) names.add(`${e.namespace}/${e.pod}`);
  const read = async () => {
    const out = new Map<string, PodMeta>();
    const r = await con.runAndReadAll(`SELECT p.namespace, p.pod, p.uid, CAST(p.labels AS VARCHAR) AS labels, CAST(p.containers AS VARCHAR) AS containers
      FROM read_parquet(${fileList(files)}, union_by_name = true) p SEMI JOIN (SELECT DISTINCT namespace, pod FROM ent WHERE pod IS NOT NULL) e
        ON p.namespace = e.namespace AND p.pod = e.pod
      WHERE p.ts <= make_timestamp(${Math.floor(at)}::BIGINT * 1000) QUALIFY row_number() OVER (PARTITION BY p.namespace, p.pod ORDER BY p.ts DESC) = 1`);
    for (const o of r.getRowObjects()) {
      const containers = JSON.parse(String(o.containers ?? '[]')) as { name: string; image: string }[];
      out.set(`${o.namespace}/${o.pod}`, {
        uid: String(o.uid ?? ''), labels: joinLabels(JSON.parse(String(o.labels ?? '{}'))), images: new Map(containers.map((c) => [c.name, c.image])),
      });
    }
    return out;
  };
  return objects ? objects.pods.get(files, at, names, read) : read();
}

async function nodeMeta({ nodes: files, objects }: RecordedFiles, at: number): Promise<Map<string, NodeMeta>> {
  if (!files.length) return new Map();
  const read = async () => {
    const out = new Map<string, NodeMeta>();
    await readArchive(files, async (con, from) => {
      const r = await con.runAndReadAll(`SELECT node, hostname, CAST(labels AS VARCHAR) AS labels FROM ${from}
        WHERE ts <= make_timestamp(${Math.floor(at)}::BIGINT * 1000) QUALIFY row_number() OVER (PARTITION BY node ORDER BY ts DESC) = 1`);
      for (const o of r.getRowObjects()) out.set(String(o.node), { hostname: String(o.hostname ?? ''), labels: joinLabels(JSON.parse(String(o.labels ?? '{}'))) });
    });
    return out;
  };
  return objects ? objects.nodes.all(files, at, read) : read();
}

/**
 * The pods and nodes a long-lived reader's last reads found, for its next reads of the same files at
 * the same time (ObjectVersions): `serve`'s, whose dashboards ask many queries of one window. A
 * command that reads once, or a recorder replaying for a sink (its files change every tick), keeps
 * none: at 1,000 nodes a window's 30,000 pods would stay in its memory for nothing.
 */
export class RecordedObjects {
  readonly pods = new ObjectVersions<PodMeta>();
  readonly nodes = new ObjectVersions<NodeMeta>();
}

/**
 * Rows a read sorts in one piece, from DuckDB's memory cap: 32 M at 512MB, beyond which the sort
 * spills. A slice costs a scan of every file it touches, and a day's files skip by time only what is
 * outside the slice's six hours (TIME_BUCKET_MS): the last hour of the 100-node bench day, whose files
 * then held the day in one piece, read in 22.7 s an hour at a time, 25.1 s in slices of 32 M rows and
 * 48.8 s in slices of 4 M. An hour of 1,000 nodes at 60 s (161 M rows, 8-tick files) sorted at once
 * spilled 4.4 GB and took 118 s; in slices of 32 M rows, 0.6 GB and 93 s.
 */
function readSliceRows(): number {
  return Math.max(1, Math.floor(memoryLimitBytes() / SORT_BYTES_PER_ROW));
}

const SORT_BYTES_PER_ROW = 16;

/**
 * Rows pickOnce may hold: half of what a slice's sort may use. DuckDB keeps a picked row's strings
 * uncompressed, ~170 bytes a row of its ten columns (2.96 M rows took 487 MB), so at 512MB a
 * window of up to 1.3 M rows is picked; a larger one is scanned as before.
 */
function pickRows(sliceRows: number): number {
  return Math.floor((sliceRows * SORT_BYTES_PER_ROW) / 2 / PICK_BYTES_PER_ROW);
}

const PICK_BYTES_PER_ROW = 200;

/** A numeric column of a DuckDB chunk. */
interface Num { getItem(i: number): number | null }

export interface RecordedEntity { type: EntityType; node: string | null; namespace: string | null; pod: string | null; container: string | null; pod_uid: string | null }

/** seriesTables, each entity labelled as readRecordedBatches labels its sets, with its pods as they were at `at`. */
async function labelledTables(con: DuckDBConnection, picked: PartSources, files: RecordedFiles, at: number, nodes: Map<string, NodeMeta>): Promise<RecordedParts> {
  const { entities, metrics, resources } = await seriesTables(con, picked);
  const pods = await podMeta(con, files, at, entities);
  return { labels: entities.map((e) => labelsOf(e.type, e.node, e.namespace, e.pod, e.container, e.pod_uid, pods, nodes)), metrics, resources };
}

/**
 * The rows `picked` selects as numbers: time (ms), entity, metric, filesystem (-1 for a plain value)
 * and value, the ids those of seriesTables' tables.
 */
function numberedRows(picked: string): string {
  return `SELECT epoch_ms(s.ts)::DOUBLE AS ts, e.id AS e, m.id AS m, coalesce(r.id, -1) AS r, s.value::DOUBLE AS v
    FROM (${picked}) s
    JOIN ent e ON s.type = e.type AND s.node IS NOT DISTINCT FROM e.node AND s.namespace IS NOT DISTINCT FROM e.namespace
      AND s.pod IS NOT DISTINCT FROM e.pod AND s.container IS NOT DISTINCT FROM e.container AND s.pod_uid IS NOT DISTINCT FROM e.pod_uid
    JOIN met m ON s.metric = m.metric
    LEFT JOIN res r ON s.resource_id = r.resource_id`;
}

/**
 * The distinct entities, metrics and filesystems of a window, each numbered in sorted order, kept as
 * the connection's temporary tables `ent`, `met` and `res` for a join.
 */
async function seriesTables(con: DuckDBConnection, picked: PartSources): Promise<{ entities: RecordedEntity[]; metrics: string[]; resources: string[] }> {
  const cols = ENTITY_COLUMNS.split(', ');
  const numbered = async (table: string, columns: string[], from: string, where = 'true') => {
    const list = columns.join(', ');
    await con.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT (row_number() OVER (ORDER BY ${list}) - 1)::INTEGER AS id, ${list}
      FROM (SELECT DISTINCT ${list} FROM ${from} WHERE ${where})`);
    return columnsOf(await con.runAndReadAll(`SELECT ${list} FROM ${table} ORDER BY id`));
  };
  const s = (v: DuckDBValue | undefined) => (v === null || v === undefined ? null : String(v));
  const e = await numbered('ent', cols, `(${picked.entities})`);
  const entities = (e.type ?? []).map((t, i) => ({
    type: String(t) as EntityType, node: s(e.node![i]), namespace: s(e.namespace![i]), pod: s(e.pod![i]), container: s(e.container![i]), pod_uid: s(e.pod_uid![i]),
  }));
  // metrics and filesystems in a scan each: the metrics' reads one sorted, dictionary-encoded column,
  // and the filesystems' skips the row groups without one (their null counts). Over the 20-node
  // bench day, 76 and 290 ms, against 510 for one scan of both columns
  const metrics = (await numbered('met', ['metric'], `(${picked.metrics})`)).metric!.map(String);
  const resources = (await numbered('res', ['resource_id'], `(${picked.resources})`, 'resource_id IS NOT NULL')).resource_id!.map(String);
  return { entities, metrics, resources };
}

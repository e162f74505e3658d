import {
  clusterKey, joinLabels, L, namespaceKey, newMetricSet, nodeKey, podContainerKey, podKey, sysContainerKey, type Batch, type EntityType, type MetricSet,
} from '../model/index.js';
import { readArchive, whereClause, type SampleFilter } from './read-samples.js';

export interface RecordedFiles {
  samples: readonly string[];
  pods: readonly string[];
  nodes: readonly string[];
}

interface PodMeta { uid: string; labels: string; images: Map<string, string> }
interface NodeMeta { hostname: string; labels: string }

/**
 * A recorded window as the batches the recorder had, oldest first and one at a time, with the
 * labels Heapster gave each set rebuilt from the pod and node objects kept beside the samples
 * (their newest version at the window's end): what a sink is sent afterwards, or again. What the
 * archive does not keep (a namespace's uid, a node's host id) is left empty, as Heapster left
 * labels it did not know. An entity's sets share one labels object from batch to batch (made once a
 * read, not once a tick, and a reader can tell a series by it): readers must not change them.
 */
export async function readRecordedBatches(files: RecordedFiles, f: SampleFilter, range: { start: number; end: number },
  onBatch: (b: Batch) => Promise<void> | void, chunkMs = 3_600_000): Promise<number> {
  if (!files.samples.length) return 0;
  const pods = await podMeta(files.pods, range.end);
  const nodes = await nodeMeta(files.nodes, range.end);
  const labels = new Map<string, Record<string, string>>();
  const labelsFor = (type: EntityType, node: string | null, ns: string | null, pod: string | null, container: string | null, uid: string | null) => {
    const sig = `${type}\u0000${node}\u0000${ns}\u0000${pod}\u0000${container}\u0000${uid}`;
    let l = labels.get(sig);
    if (!l) labels.set(sig, (l = labelsOf(type, node, ns, pod, container, uid, pods, nodes)));
    return l;
  };
  let count = 0;
  let batch: Batch | undefined;
  const done = async () => {
    if (!batch) return;
    const b = batch;
    batch = undefined;
    count++;
    await onBatch(b);
  };
  for (let from = range.start; from <= range.end; from += chunkMs) {
    const to = Math.min(range.end, from + chunkMs - 1);
    // one chunk of ticks at a time, so a day of a large cluster never sits in memory whole, and its
    // rows streamed a DuckDB chunk at a time: read all at once as JavaScript values, one tick of
    // 1,000 nodes (2.7 M rows) took 4.5 GB to become a batch, and three 10 GB
    await readArchive(files.samples, async (con, src) => {
      const result = await con.stream(`SELECT epoch_ms(ts) AS ts, type, node, namespace, pod, container, pod_uid, metric, resource_id, value
        FROM ${src} WHERE ${whereClause(f, { start: from, end: to })} ORDER BY ts`);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const [tsCol, typeCol, nodeCol, nsCol, podCol, containerCol, uidCol, metricCol, idCol, valueCol] = chunk.getColumns() as unknown[][];
        const s = (col: unknown[], i: number) => (col[i] === null ? null : String(col[i]));
        for (let i = 0; i < chunk.rowCount; i++) {
          const ts = Number(tsCol![i]);
          if (batch && batch.timestamp !== ts) await done();
          batch ??= { timestamp: ts, sets: new Map() };
          const type = String(typeCol![i]) as EntityType;
          const node = s(nodeCol!, i), ns = s(nsCol!, i), pod = s(podCol!, i), container = s(containerCol!, i);
          const key = keyOf(type, node, ns, pod, container);
          let set = batch.sets.get(key);
          if (!set) batch.sets.set(key, (set = newMetricSet(key, type, labelsFor(type, node, ns, pod, container, s(uidCol!, i)))));
          const id = s(idCol!, i);
          const value = Number(valueCol![i]);
          if (id === null) set.values.set(String(metricCol![i]), value);
          else set.labeled.add(String(metricCol![i]), { [L.resourceId]: id }, value);
        }
      }
    });
  }
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
 * reading their values into batches: what a series or label listing needs.
 */
export async function readRecordedSeries(files: RecordedFiles, f: SampleFilter, range: { start: number; end: number }): Promise<RecordedSeries[]> {
  if (!files.samples.length) return [];
  const pods = await podMeta(files.pods, range.end);
  const nodes = await nodeMeta(files.nodes, range.end);
  const rows = await readArchive(files.samples, async (con, src) => (await con.runAndReadAll(
    `SELECT DISTINCT type, node, namespace, pod, container, pod_uid, metric, resource_id FROM ${src} WHERE ${whereClause(f, range)}`)).getRowObjects());
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    metric: String(r.metric),
    labels: labelsOf(String(r.type) as EntityType, s(r.node), s(r.namespace), s(r.pod), s(r.container), s(r.pod_uid), pods, nodes),
    resourceId: s(r.resource_id),
  }));
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

async function podMeta(files: readonly string[], at: number): Promise<Map<string, PodMeta>> {
  const out = new Map<string, PodMeta>();
  if (!files.length) return out;
  await readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT namespace, pod, uid, CAST(labels AS VARCHAR) AS labels, CAST(containers AS VARCHAR) AS containers FROM ${from}
      WHERE ts <= make_timestamp(${Math.floor(at)}::BIGINT * 1000) QUALIFY row_number() OVER (PARTITION BY namespace, pod ORDER BY ts DESC) = 1`);
    for (const o of r.getRowObjects()) {
      const containers = JSON.parse(String(o.containers ?? '[]')) as { name: string; image: string }[];
      out.set(`${o.namespace}/${o.pod}`, {
        uid: String(o.uid ?? ''), labels: joinLabels(JSON.parse(String(o.labels ?? '{}'))), images: new Map(containers.map((c) => [c.name, c.image])),
      });
    }
  });
  return out;
}

async function nodeMeta(files: readonly string[], at: number): Promise<Map<string, NodeMeta>> {
  const out = new Map<string, NodeMeta>();
  if (!files.length) return out;
  await readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT node, hostname, CAST(labels AS VARCHAR) AS labels FROM ${from}
      WHERE ts <= make_timestamp(${Math.floor(at)}::BIGINT * 1000) QUALIFY row_number() OVER (PARTITION BY node ORDER BY ts DESC) = 1`);
    for (const o of r.getRowObjects()) out.set(String(o.node), { hostname: String(o.hostname ?? ''), labels: joinLabels(JSON.parse(String(o.labels ?? '{}'))) });
  });
  return out;
}


import {
  clusterKey, namespaceKey, nodeKey, podContainerKey, podKey, sysContainerKey, usageError, type PluginError,
  type EntityType, type MetricDescriptor,
} from '../model/index.js';
import type { BucketSeries, EntityRef, EntityScope, History, LabelFilter, Series, Window } from './history.js';
import type { Aggregation } from './aggregations.js';
import { resolveMetric } from './resolve-metric.js';
import { closest, isNear } from './suggest.js';
import { describeTarget, targetLevel, type Target } from './target.js';

export interface QueryRequest {
  target: Target;
  /** a metric name or alias; absent or `metrics` lists the metric names of an entity */
  metric?: string;
  /** Heapster's `labels=k:v` for labeled metrics */
  labels?: Record<string, string>;
  window: Window;
  /** narrows pod collections by pod labels */
  labelSelector?: string;
  /** Heapster's historical aggregations over buckets of `bucketMs` (0: one bucket for the window) */
  aggregations?: Aggregation[];
  bucketMs?: number;
}

/**
 * What renderers need of the target comes with it: `about` names it for headings and messages, and
 * `level` is the entity level its series are of (renderers see query's types only).
 */
interface Answered { target: Target; about: string; level: EntityType }

export type QueryResult =
  /** `keys`: the members' metric set keys, beside their names, for a collection's listing */
  | Answered & { kind: 'names'; what: string; names: string[]; keys?: string[] }
  | Answered & { kind: 'series'; metric: MetricDescriptor; many: boolean; series: Series[] }
  | Answered & { kind: 'buckets'; metric: MetricDescriptor; many: boolean; series: BucketSeries[]; aggregations: Aggregation[]; bucketMs: number };

interface Collection { type: EntityType; scope: EntityScope; what: string }

/** Answers a query from any History: listings, one entity's series, or a series for every member. */
export async function runQuery(h: History, req: QueryRequest): Promise<QueryResult> {
  const { target, window } = req;
  const coll = collectionOf(target);
  if (coll && req.labelSelector) coll.scope.labelSelector = req.labelSelector;
  // an empty answer then says which pods were asked for: none may match the selector
  const selected = coll?.scope.labelSelector ? ` with labels ${coll.scope.labelSelector}` : '';
  const answered: Answered = { target, about: `${describeTarget(target)}${selected}`, level: targetLevel(target) };
  if (req.metric === undefined || req.metric === 'metrics') {
    if (coll) {
      if (req.metric === 'metrics') throw usageError(`${describeTarget(target)} is a list`, 'name one member to list its metrics');
      const members = await h.entities(coll.type, coll.scope, window);
      return { ...answered, kind: 'names', what: coll.what, names: members.map((m) => m.name), keys: members.map((m) => m.key) };
    }
    const key = keyOf(target, target.kind === 'pod-list' ? target.pods[0] : undefined);
    await mustExist(h, target, window);
    return { ...answered, kind: 'names', what: 'metrics', names: await h.metricNames(key, window) };
  }
  const metric = resolveMetric(req.metric);
  requireLevel(target, metric);
  if (req.labels && !metric.labeled) {
    throw usageError(`--labels applies to labeled metrics (filesystem/*, accelerator/*), not ${metric.name}`);
  }
  const labels = metric.labeled ? (req.labels ?? 'all') : undefined;
  const fetch = async (keys: string[], many: boolean): Promise<QueryResult> => {
    if (!req.aggregations) return { ...answered, kind: 'series', metric, many, series: await h.series(keys, metric.name, labels, window) };
    if (!h.buckets) throw usageError('aggregations need recorded data', 'drop --live, or drop --agg');
    const bucketMs = req.bucketMs ?? 0;
    const series = await h.buckets(keys, metric.name, labels, window, bucketMs, req.aggregations);
    return { ...answered, kind: 'buckets', metric, many, series, aggregations: req.aggregations, bucketMs };
  };
  if (coll) {
    const members = await h.entities(coll.type, coll.scope, window);
    return fetch(members.map((m) => m.key), true);
  }
  if (target.kind === 'pod-list') {
    const r = await fetch(target.pods.map((p) => podKey(target.namespace, p)), true);
    if (r.kind !== 'names') r.series.forEach((s, i) => (s.name ||= target.pods[i] ?? ''));
    return r;
  }
  const r = await fetch([keyOf(target)], false);
  // data is proof enough that the entity exists: the check, which reads every metric's files of the
  // window, runs only to explain an empty answer (a third of an archived query's time, issue 18)
  if (isEmptyResult(r)) await mustExist(h, target, window);
  return r;
}

/** Whether an answer holds nothing: no names, or no point (or bucket) in any series. */
export function isEmptyResult(r: QueryResult): boolean {
  if (r.kind === 'names') return r.names.length === 0;
  if (r.kind === 'series') return r.series.every((x) => x.points.length === 0);
  return r.series.every((x) => x.buckets.length === 0);
}

export type { LabelFilter };

function collectionOf(t: Target): Collection | undefined {
  switch (t.kind) {
    case 'nodes': return { type: 'node', scope: {}, what: 'nodes' };
    case 'namespaces': return { type: 'ns', scope: {}, what: 'namespaces' };
    case 'pods': return { type: 'pod', scope: t.namespace === undefined ? {} : { namespace: t.namespace }, what: 'pods' };
    case 'containers': return { type: 'pod_container', scope: { namespace: t.namespace, pod: t.pod }, what: 'containers' };
    case 'freecontainers': return { type: 'sys_container', scope: { node: t.node }, what: 'system containers' };
    default: return undefined;
  }
}

export function keyOf(t: Target, pod?: string): string {
  switch (t.kind) {
    case 'cluster': return clusterKey();
    case 'node': return nodeKey(t.node);
    case 'namespace': return namespaceKey(t.namespace);
    case 'pod': return podKey(t.namespace, t.pod);
    case 'container': return podContainerKey(t.namespace, t.pod, t.container);
    case 'freecontainer': return sysContainerKey(t.node, t.container);
    case 'pod-list': return podKey(t.namespace, pod ?? '');
    default: throw usageError(`${describeTarget(t)} is a list`, 'name one member');
  }
}

const LEVEL_NAMES: Record<EntityType, string> = {
  cluster: 'the cluster', node: 'nodes', ns: 'namespaces', pod: 'pods', pod_container: 'containers', sys_container: 'system containers',
};
const LEVEL_TARGETS: Record<EntityType, string> = {
  cluster: 'cluster', node: 'nodes', ns: 'namespaces', pod: 'pods -A', pod_container: 'ns/NS/pods/POD/containers', sys_container: 'nodes/NODE/freecontainers',
};

/**
 * A metric Heapster does not keep at the target's level (cpu/node_utilization of the cluster, a
 * namespace's network/rx_rate) is a question the model cannot answer: a usage error with the reason
 * and where the metric is kept, not an empty answer.
 */
export function requireLevel(target: Target, metric: MetricDescriptor): void {
  const level = targetLevel(target);
  if (metric.levels.includes(level)) return;
  const levels = metric.levels.map((l) => LEVEL_NAMES[l]);
  const where = levels.length > 1 ? `${levels.slice(0, -1).join(', ')} and ${levels.at(-1)}` : levels[0];
  throw usageError(`Heapster keeps ${metric.name} for ${where} only, not for ${LEVEL_NAMES[level]}`, `ask \`kubectl heapster query ${LEVEL_TARGETS[metric.levels[0]!]} ${metric.name}\``);
}

/** An entity missing from the data is a usage error that names the closest ones that exist. */
export async function mustExist(h: History, t: Target, window: Window): Promise<void> {
  const probe = existence(t);
  if (!probe) return;
  const members: EntityRef[] = await h.entities(probe.type, probe.scope, window);
  // nothing at all in the window is the window's doing, which the caller names with what was recorded
  if (!members.length) return;
  const err = missingError(t, members.map((m) => m.name));
  if (err) throw err;
}

/**
 * The usage error for a single-entity target that is not among `names` (the names of its kind
 * where it would be: the pods of its namespace, the nodes, ...), naming the closest; undefined when
 * it is there, or for a target that is not one entity.
 */
export function missingError(t: Target, names: readonly string[]): PluginError | undefined {
  const probe = existence(t);
  if (!probe || names.includes(probe.name)) return undefined;
  const top = closest(probe.name, names);
  const near = top.filter((n) => isNear(probe.name, n));
  const what = `no ${probe.noun} "${probe.name}" in the data${probe.where}`;
  if (near.length) return usageError(what, `did you mean ${near.join(', ')}?`);
  if (!names.length) return usageError(what, `there are no ${probe.noun}s${probe.where}`);
  return usageError(what, `the closest are ${top.join(', ')}, none of them near; \`kubectl heapster query ${probe.list}\` with the same flags lists all ${names.length}`);
}

/** What must exist for a single-entity target, and the collection that lists its siblings. */
function existence(t: Target): { type: EntityType; scope: EntityScope; name: string; noun: string; where: string; list: string } | undefined {
  switch (t.kind) {
    case 'node': return { type: 'node', scope: {}, name: t.node, noun: 'node', where: '', list: 'nodes' };
    case 'namespace': return { type: 'ns', scope: {}, name: t.namespace, noun: 'namespace', where: '', list: 'namespaces' };
    case 'pod': return { type: 'pod', scope: { namespace: t.namespace }, name: t.pod, noun: 'pod', where: ` of namespace ${t.namespace}`, list: `ns/${t.namespace}/pods` };
    case 'container': return { type: 'pod_container', scope: { namespace: t.namespace, pod: t.pod }, name: t.container, noun: 'container', where: ` of pod ${t.namespace}/${t.pod}`, list: `ns/${t.namespace}/pods/${t.pod}/containers` };
    case 'freecontainer': return { type: 'sys_container', scope: { node: t.node }, name: t.container, noun: 'system container', where: ` on node ${t.node}`, list: `nodes/${t.node}/freecontainers` };
    default: return undefined;
  }
}

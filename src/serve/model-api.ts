import { canonicalMetricName, describeMetric, keyOf, type Aggregation, type ArchiveHistory, type EntityType, type LabelFilter, type Window } from '../query/index.js';
import { toAggregationResult, toMetricResult } from '../render/index.js';
import { aggregationsParam, bucketParam, HttpError, labelsParam, timeParam } from './heapster-params.js';
import { match, route, type Params, type Route } from './router.js';

export interface ApiAnswer {
  status: number;
  body: unknown;
  /** Heapster printed pod-list answers on one line */
  compact?: boolean;
}

interface Ctx {
  h: ArchiveHistory;
  q: URLSearchParams;
  p: Params;
  historical: boolean;
  now: number;
}
type Handler = (c: Ctx) => Promise<ApiAnswer>;

const ok = (body: unknown, compact = false): ApiAnswer => ({ status: 200, body, compact });

/** Model and historical routes share handlers; the historical ones need `start` and answer 500 for no data. */
function window(c: Ctx): Window {
  const start = timeParam(c.q, 'start');
  const end = timeParam(c.q, 'end') ?? c.now;
  if (c.historical && !start) throw new HttpError(400, 'no start time (or a start time of zero) provided');
  return { ...(start !== undefined ? { start } : {}), end };
}

async function newestWindow(c: Ctx): Promise<Window | undefined> {
  const newest = await c.h.newest();
  return newest === undefined ? undefined : { start: newest, end: newest };
}

async function names(c: Ctx, type: EntityType, scope: { namespace?: string; node?: string; pod?: string }): Promise<ApiAnswer> {
  const w = c.historical ? {} : await newestWindow(c);
  if (!w) return ok([]);
  return ok([...new Set((await c.h.entities(type, scope, w)).map((e) => e.name))]);
}

async function metricNames(c: Ctx, key: string): Promise<ApiAnswer> {
  const w = c.historical ? {} : await newestWindow(c);
  return ok(w ? await c.h.metricNames(key, w) : []);
}

async function metric(c: Ctx, keys: string[], list: boolean): Promise<ApiAnswer> {
  const w = window(c);
  const labels = labelsParam(c.q);
  const name = canonicalMetricName(c.p.metric!);
  const filter: LabelFilter = labels ?? undefined;
  const series = describeMetric(name) ? await c.h.series(keys, name, filter, w) : keys.map((key) => ({ key, name: '', points: [] }));
  const d = describeMetric(name) ?? { name, valueType: 'int64' as const };
  const byKey = keys.map((k) => series.find((s) => s.key === k && s.points.length) ?? series.find((s) => s.key === k));
  if (c.historical && byKey.every((s) => !s || !s.points.length)) {
    throw new HttpError(500, `No results for metric ${JSON.stringify(name)} describing ${JSON.stringify(keys.join(','))}`);
  }
  const results = byKey.map((s) => toMetricResult(s, d as Parameters<typeof toMetricResult>[1]));
  return list ? ok({ items: results }, true) : ok(results[0]);
}

async function aggregated(c: Ctx, keys: string[], list: boolean): Promise<ApiAnswer> {
  const w = window(c);
  const bucketMs = bucketParam(c.q);
  const aggs: Aggregation[] = aggregationsParam(c.p.aggregations!);
  const labels = labelsParam(c.q);
  const name = canonicalMetricName(c.p.metric!);
  if (!describeMetric(name)) throw new HttpError(500, `No results for metric ${JSON.stringify(name)} describing ${JSON.stringify(keys.join(','))}`);
  const series = await c.h.buckets(keys, name, labels ?? undefined, w, bucketMs, aggs);
  const results = keys.map((k) => toAggregationResult(series.find((s) => s.key === k && s.buckets.length), aggs, bucketMs));
  return list ? ok({ items: results }, true) : ok(results[0]);
}

async function podKeysByUid(c: Ctx, uids: string[], container?: string): Promise<string[]> {
  const found = await c.h.podsByUid(uids);
  return uids.map((u) => {
    const p = found.get(u);
    if (!p) return `pod-id:${u}`;
    return keyOf(container ? { kind: 'container', namespace: p.namespace, pod: p.pod, container } : { kind: 'pod', namespace: p.namespace, pod: p.pod });
  });
}

const NS = 'namespaces/{namespace-name}';
const POD = `${NS}/pods/{pod-name}`;
const CONT = `${POD}/containers/{container-name}`;
const FREE = 'nodes/{node-name}/freecontainers/{container-name}';

/** Every entity that has metric routes, with how its key is built. */
const ENTITIES: [string, (p: Params) => string][] = [
  ['', () => keyOf({ kind: 'cluster' })],
  ['nodes/{node-name}/', (p) => keyOf({ kind: 'node', node: p['node-name']! })],
  [`${NS}/`, (p) => keyOf({ kind: 'namespace', namespace: p['namespace-name']! })],
  [`${POD}/`, (p) => keyOf({ kind: 'pod', namespace: p['namespace-name']!, pod: p['pod-name']! })],
  [`${CONT}/`, (p) => keyOf({ kind: 'container', namespace: p['namespace-name']!, pod: p['pod-name']!, container: p['container-name']! })],
  [`${FREE}/`, (p) => keyOf({ kind: 'freecontainer', node: p['node-name']!, container: p['container-name']! })],
];

/** A pod-list route's pods, as keys in the order given. */
const podListKeys = (p: Params): string[] => p['pod-list']!.split(',').map((pod) => keyOf({ kind: 'pod', namespace: p['namespace-name']!, pod }));

function routes(historical: boolean): Route<Handler>[] {
  const r: Route<Handler>[] = [
    route('nodes', (c) => names(c, 'node', {})),
    route('namespaces', (c) => names(c, 'ns', {})),
    route(`${NS}/pods`, (c) => names(c, 'pod', { namespace: c.p['namespace-name']! })),
    route(`${POD}/containers`, (c) => names(c, 'pod_container', { namespace: c.p['namespace-name']!, pod: c.p['pod-name']! })),
    route('nodes/{node-name}/freecontainers', (c) => names(c, 'sys_container', { node: c.p['node-name']! })),
    route(`${NS}/pod-list/{pod-list}/metrics/{metric:*}`, (c) => metric(c, podListKeys(c.p), true)),
  ];
  for (const [prefix, key] of ENTITIES) {
    r.push(route(`${prefix}metrics`, (c) => metricNames(c, key(c.p))));
    r.push(route(`${prefix}metrics/{metric:*}`, (c) => metric(c, [key(c.p)], false)));
  }
  if (!historical) {
    r.push(route('debug/allkeys', async (c) => {
      const w = await newestWindow(c);
      if (!w) return ok([]);
      const types: EntityType[] = ['cluster', 'node', 'ns', 'pod', 'pod_container', 'sys_container'];
      return ok((await Promise.all(types.map((t) => c.h.entities(t, {}, w)))).flat().map((e) => e.key));
    }));
    return r;
  }
  r.push(
    route('pod-id/{pod-id}/metrics/{metric:*}', async (c) => metric(c, await podKeysByUid(c, [c.p['pod-id']!]), false)),
    route('pod-id/{pod-id}/containers/{container-name}/metrics/{metric:*}', async (c) => metric(c, await podKeysByUid(c, [c.p['pod-id']!], c.p['container-name']), false)),
    route('pod-id-list/{pod-id-list}/metrics/{metric:*}', async (c) => metric(c, await podKeysByUid(c, c.p['pod-id-list']!.split(',')), true)),
    route(`${NS}/pod-list/{pod-list}/metrics-aggregated/{aggregations}/{metric:*}`, (c) => aggregated(c, podListKeys(c.p), true)),
    route('pod-id/{pod-id}/metrics-aggregated/{aggregations}/{metric:*}', async (c) => aggregated(c, await podKeysByUid(c, [c.p['pod-id']!]), false)),
    route('pod-id/{pod-id}/containers/{container-name}/metrics-aggregated/{aggregations}/{metric:*}', async (c) => aggregated(c, await podKeysByUid(c, [c.p['pod-id']!], c.p['container-name']), false)),
    route('pod-id-list/{pod-id-list}/metrics-aggregated/{aggregations}/{metric:*}', async (c) => aggregated(c, await podKeysByUid(c, c.p['pod-id-list']!.split(',')), true)),
  );
  for (const [prefix, key] of ENTITIES) r.push(route(`${prefix}metrics-aggregated/{aggregations}/{metric:*}`, (c) => aggregated(c, [key(c.p)], false)));
  return r;
}

const MODEL = routes(false);
const HISTORICAL = routes(true);

/** Answers a path under /api/v1/model or /api/v1/historical, or undefined when no route matches. */
export async function answerModel(h: ArchiveHistory, path: string, q: URLSearchParams, historical: boolean, now: number): Promise<ApiAnswer | undefined> {
  const m = match(historical ? HISTORICAL : MODEL, path);
  if (!m) return undefined;
  return m.handler({ h, q, p: m.params, historical, now });
}

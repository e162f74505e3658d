import { podKey, usageError, workloadOf, type PodInfo } from '../model/index.js';
import { fieldSelector } from './field-selector.js';
import { labelSelector } from './label-selector.js';
import type { TopRequest, TopRow, TopValues } from './top-types.js';

/** Sums that stay unknown when one part is: a request or limit one container lacks. */
const NULLABLE = ['cpuRequest', 'cpuLimit', 'memRequest', 'memLimit'] as const;
const SUMMED = ['cpu', 'memory', 'rx', 'tx', 'ephemeral', 'restarts'] as const;

/** Adds `b` into `a`: usage summed, a request or limit null as soon as one part has none. */
export function addValues(a: TopValues, b: TopValues): void {
  for (const k of SUMMED) if (b[k] !== undefined) a[k] = (a[k] ?? 0) + b[k]!;
  for (const k of NULLABLE) {
    if (b[k] === undefined) continue;
    a[k] = a[k] === null || b[k] === null ? null : (a[k] ?? 0) + b[k]!;
  }
}

/** A request or limit as the spec gives it: Heapster writes 0 for none, which no ratio may use. */
export const specAmount = (v: number | undefined): number | null | undefined => (v === undefined ? undefined : v > 0 ? v : null);

/**
 * The pod rows of a request rolled up to its level: a namespace's or workload's row sums its pods'
 * (PODS counts them). `owners` tells each pod's workload; pods it does not know are their own.
 */
export function rollUp(pods: readonly TopRow[], req: TopRequest, owners: (p: TopRow) => { kind: string; name: string }): TopRow[] {
  const groups = new Map<string, TopRow>();
  for (const p of pods) {
    const o = req.level === 'owners' ? owners(p) : undefined;
    if (o && req.ownerKind && o.kind !== req.ownerKind) continue;
    const key = o ? `${p.namespace}\u0000${o.kind}\u0000${o.name}` : p.namespace ?? '';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name: o ? o.name : p.namespace ?? '', ...(o ? { namespace: p.namespace, kind: o.kind } : {}), values: { pods: 0 } }));
    addValues(g.values, p.values);
    g.values.pods! += 1;
  }
  return [...groups.values()];
}

/** The workload of a pod from its object, for rows built from live pods. */
export function ownerFromPods(pods: ReadonlyMap<string, PodInfo>): (p: TopRow) => { kind: string; name: string } {
  return (p) => {
    const info = pods.get(podKey(p.namespace ?? '', p.name));
    return info ? workloadOf(info) : { kind: 'Pod', name: p.name };
  };
}

/**
 * The rows a request shows, from the rows of its base level (nodes, containers, or pods for the
 * rest): the namespace, NAME, `-l` and `--field-selector` keep base rows (pods before they are
 * rolled up, as kubectl selects pods), then namespaces and workloads sum their pods.
 */
export function selectRows(base: readonly TopRow[], req: TopRequest, labelsOf: (r: TopRow) => Record<string, string> | undefined,
  owners: (p: TopRow) => { kind: string; name: string }): TopRow[] {
  const kind = req.level === 'nodes' ? 'nodes' : 'pods';
  const grouped = req.level === 'namespaces' || req.level === 'owners';
  if (req.fieldSelector && grouped) throw usageError(`--field-selector selects pods, not ${req.level}`, 'use it with top pods, top containers or top nodes');
  const fields = fieldSelector(req.fieldSelector, kind);
  const labels = req.labelSelector ? labelSelector(req.labelSelector) : undefined;
  const keep = (r: TopRow) => {
    const pod = req.level === 'containers' ? r.pod! : r.name;
    if (!grouped && req.name !== undefined && pod !== req.name) return false;
    if (labels && !labels(labelsOf(r) ?? {})) return false;
    if (req.level === 'nodes') return fields({ 'metadata.name': r.name });
    if (req.namespace !== undefined && r.namespace !== req.namespace) return false;
    return fields({ 'metadata.name': pod, 'metadata.namespace': r.namespace, 'spec.nodeName': r.node });
  };
  const kept = base.filter(keep);
  if (!grouped) return kept;
  const rows = rollUp(kept, req, owners);
  return req.name === undefined ? rows : rows.filter((r) => r.name === req.name);
}

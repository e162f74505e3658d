import { readNodeObjects, readPodObjects, readTop, topMetrics, type Archive, type PodObjectRow, type TopGroup, type TopSqlRow } from '../archive/index.js';
import { workloadOf } from '../model/index.js';
import type { ArchiveScope } from './archive-history.js';
import { labelSelector } from './label-selector.js';
import { selectRows } from './top-rows.js';
import type { TopAggregation, TopRequest, TopRow, TopValues } from './top-types.js';

export interface TopWindow {
  start: number;
  end: number;
  agg: TopAggregation;
  /** how many points a row's trend has at most */
  slices: number;
  /** the recording's interval: a trend's points are at least this far apart */
  resolutionMs?: number;
}

const GROUP: Record<TopRequest['level'], TopGroup> = { nodes: 'node', pods: 'pod', containers: 'pod_container', namespaces: 'ns', owners: 'owner' };
const USAGE: Record<string, keyof TopValues> = {
  'cpu/usage_rate': 'cpu', 'memory/working_set': 'memory', 'network/rx_rate': 'rx', 'network/tx_rate': 'tx',
  'ephemeral_storage/usage': 'ephemeral', 'cpu/node_allocatable': 'cpuAllocatable', 'memory/node_allocatable': 'memAllocatable',
};
const SPEC: Record<string, 'cpuRequest' | 'cpuLimit' | 'memRequest' | 'memLimit'> = {
  'cpu/request': 'cpuRequest', 'cpu/limit': 'cpuLimit', 'memory/request': 'memRequest', 'memory/limit': 'memLimit',
};

/**
 * `top` over a recorded window: each cell the window's aggregate, each row a trend, and rows
 * whose newest point is older than the window's newest batch marked gone (a pod that died, or a
 * node that stopped answering). Pods are chosen by their objects as recorded: `-l` matches the
 * labels they had, and workloads come from their owners.
 */
export async function topFromArchive(archive: Archive, scope: ArchiveScope, req: TopRequest, w: TopWindow): Promise<TopRow[]> {
  // only the files of the metrics shown: a day's other metrics were most of what a day's top read
  const files = await archive.files({ kind: 'samples', ...scope, start: w.start, end: w.end, metric: topMetrics(GROUP[req.level], req.wide) });
  const grouped = req.level === 'namespaces' || req.level === 'owners';
  const needPods = grouped || (req.level !== 'nodes' && !!(req.labelSelector));
  const pods = needPods ? await readPodObjects(await archive.files({ kind: 'pods', ...scope, end: w.end }), w.end) : [];
  let members: { namespace: string; pod: string; kind: string; name: string }[] | undefined;
  if (req.level === 'owners' || (grouped && req.labelSelector)) {
    const match = req.labelSelector ? labelSelector(req.labelSelector) : () => true;
    members = pods.filter((p) => (req.namespace === undefined || p.namespace === req.namespace) && match(p.labels)).map((p) => ({ namespace: p.namespace, pod: p.pod, ...workloadOf(podInfo(p)) }))
      .filter((m) => !req.ownerKind || m.kind === req.ownerKind);
  }
  // points closer than a tick left some empty, shown as gaps: a minute at 5 s drew 12 ticks on 24 points
  const slices = w.resolutionMs ? Math.max(1, Math.min(w.slices, Math.floor((w.end - w.start) / w.resolutionMs))) : w.slices;
  const rows = await readTop(files, {
    group: GROUP[req.level], start: w.start, end: w.end, agg: w.agg, slices, ...scope, wide: req.wide ?? true,
    ...(req.namespace !== undefined ? { namespace: req.namespace } : {}), ...(members ? { members } : {}),
  });
  // every row has usage in the window: readTop's rows are those of its usage aggregates
  const newest = rows.reduce((n, r) => Math.max(n, r.last), 0);
  const base = rows.map((r) => rowOf(r, slices));
  for (const row of base) row.gone = row.lastSeen! < newest;
  if (grouped) return req.name === undefined ? base : base.filter((r) => r.name === req.name);
  const labels = req.level === 'nodes' && req.labelSelector ? await nodeLabels(archive, scope, w.end) : undefined;
  const podLabels = new Map(pods.map((p) => [`${p.namespace}/${p.pod}`, p.labels]));
  const labelsOf = (r: TopRow) => (req.level === 'nodes' ? labels?.get(r.name) : podLabels.get(`${r.namespace}/${req.level === 'containers' ? r.pod : r.name}`));
  return selectRows(base, req, labelsOf, () => ({ kind: 'Pod', name: '' }));
}

function rowOf(r: TopSqlRow, slices: number): TopRow {
  const row = named(r);
  for (const [metric, v] of Object.entries(r.usage)) row.values[USAGE[metric]!] = v as never;
  for (const [metric, v] of Object.entries(r.spec)) {
    if (metric === 'restart_count') {
      row.values.restarts = v!.value;
      row.restartsInWindow = v!.rise;
    } else row.values[SPEC[metric]!] = v!.unset ? null : v!.value;
  }
  if (r.pods !== null) row.values.pods = r.pods;
  row.firstSeen = r.first;
  row.lastSeen = r.last;
  const cpu = r.trend['cpu/usage_rate'], memory = r.trend['memory/working_set'];
  // one point is no trend (`top --at`, a window a tick wide): its line went from the first place to the last
  if ((cpu || memory) && slices > 1) row.trend = { cpu: cpu ?? new Array(slices).fill(null), memory: memory ?? new Array(slices).fill(null) };
  return row;
}

function named(r: TopSqlRow): TopRow {
  if (r.owner_kind !== null) return { name: r.owner_name ?? '', namespace: r.namespace ?? '', kind: r.owner_kind, values: {} };
  if (r.container !== null) return { name: r.container, pod: r.pod ?? '', namespace: r.namespace ?? '', node: r.node ?? '', values: {} };
  if (r.pod !== null) return { name: r.pod, namespace: r.namespace ?? '', node: r.node ?? '', values: {} };
  if (r.namespace !== null) return { name: r.namespace, values: {} };
  return { name: r.node ?? '', values: {} };
}

const podInfo = (p: PodObjectRow) => ({ name: p.pod, ownerKind: p.ownerKind, ownerName: p.ownerName, labels: p.labels });

async function nodeLabels(archive: Archive, scope: ArchiveScope, at: number): Promise<Map<string, Record<string, string>>> {
  const nodes = await readNodeObjects(await archive.files({ kind: 'nodes', ...scope, end: at }), at);
  return new Map(nodes.map((n) => [n.node, n.labels]));
}

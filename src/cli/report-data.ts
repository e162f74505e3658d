import { selectGaps, selectRecordings, readPodObjects, type Archive } from '../archive/index.js';
import { podKey } from '../model/index.js';
import {
  ArchiveHistory, runQuery, topFromArchive, type ArchiveScope, type Series, type Target, type TopRow,
} from '../query/index.js';
import { goTime, type ReportChart, type ReportData, type ReportEvent } from '../render/index.js';

export interface ReportRequest {
  start: number;
  end: number;
  namespace?: string;
  /** pods in each top list; pods charted per list is at most 5 */
  top: number;
  /** the flags that name the same data to `query`: --recording, --archive */
  cliScope: string;
  version: string;
}

// Heapster keeps the working set for nodes, pods and containers, and only usage for namespaces and the cluster
const CPU = 'cpu/usage_rate', MEM = 'memory/working_set', USAGE = 'memory/usage';

/**
 * Everything the report shows, read through the same code `query` and `top` answer with, so the
 * page and the CLI agree to the last digit.
 */
export async function buildReport(archive: Archive, scope: ArchiveScope, req: ReportRequest): Promise<ReportData> {
  const history = new ArchiveHistory(archive, scope);
  const window = { start: req.start, end: req.end };
  const span = `--start ${goTime(req.start)} --end ${goTime(req.end)}${req.cliScope}`;
  const seriesOf = async (target: Target, metric: string): Promise<Series[]> => {
    const r = await runQuery(history, { target, metric, window });
    return r.kind === 'series' ? r.series : [];
  };
  const chart = async (title: string, targetText: string, target: Target, metric: string, quantity: ReportChart['quantity'], extra: Partial<ReportChart> = {}): Promise<ReportChart> => {
    const series = await seriesOf(target, metric);
    // a single entity's series (the cluster, a namespace) has no member name: the chart names it
    for (const s of series) s.name ||= targetText;
    return { title, target: targetText, metric, quantity, series, command: `kubectl heapster query ${targetText} ${metric} ${span}`, ...extra };
  };

  const ns = req.namespace;
  const whole: Target = ns !== undefined ? { kind: 'namespace', namespace: ns } : { kind: 'cluster' };
  const wholeText = ns !== undefined ? `namespaces/${ns}` : 'cluster';
  const clusterCharts = [
    await chart(`CPU of the ${ns !== undefined ? `namespace ${ns}` : 'cluster'}`, wholeText, whole, CPU, 'millicores'),
    await chart(`Memory usage of the ${ns !== undefined ? `namespace ${ns}` : 'cluster'}`, wholeText, whole, USAGE, 'bytes'),
  ];
  const nsCharts = ns !== undefined ? [] : [
    await chart('CPU by namespace', 'namespaces', { kind: 'namespaces' }, CPU, 'millicores'),
    await chart('Memory usage by namespace', 'namespaces', { kind: 'namespaces' }, USAGE, 'bytes'),
  ];

  const topWindow = { start: req.start, end: req.end, agg: 'max' as const, slices: 24, resolutionMs: await history.resolutionMs() };
  const pods = await topFromArchive(archive, scope, { level: 'pods', ...(ns !== undefined ? { namespace: ns } : {}) }, topWindow);
  const by = (k: 'memory' | 'cpu') => [...pods].filter((r) => r.values[k] !== undefined).sort((a, b) => b.values[k]! - a.values[k]! || a.name.localeCompare(b.name)).slice(0, req.top);
  const topMemory = by('memory'), topCpu = by('cpu');
  const podChart = (r: TopRow, metric: string, series: Series | undefined): ReportChart => {
    const memory = metric === MEM;
    const refs = ([['request', memory ? r.values.memRequest : r.values.cpuRequest], ['limit', memory ? r.values.memLimit : r.values.cpuLimit]] as const)
      .filter(([, v]) => typeof v === 'number').map(([label, value]) => ({ label, value: value as number }));
    const text = `namespaces/${r.namespace}/pods/${r.name}`;
    return {
      title: `${memory ? 'Memory (working set)' : 'CPU'} of ${r.namespace}/${r.name}`, target: text, metric, quantity: memory ? 'bytes' : 'millicores',
      series: series ? [{ ...series, name: series.name || `${r.namespace}/${r.name}` }] : [], refs,
      command: `kubectl heapster query ${text} ${metric} ${span}`, height: 180, width: 440,
    };
  };
  // the charted pods' series in one read per metric, not one scan of the window per pod
  const podCharts: ReportChart[] = [];
  for (const [rows, metric] of [[topMemory.slice(0, 5), MEM], [topCpu.slice(0, 5), CPU]] as const) {
    const series = await history.series(rows.map((r) => podKey(r.namespace!, r.name)), metric, undefined, window);
    rows.forEach((r, i) => podCharts.push(podChart(r, metric, series[i])));
  }

  const nodes = await topFromArchive(archive, scope, { level: 'nodes' }, topWindow);
  const nodeCharts = [
    await chart('CPU utilization of each node (share of allocatable)', 'nodes', { kind: 'nodes' }, 'cpu/node_utilization', 'fraction', { combine: 'max' }),
    await chart('Memory utilization of each node (share of allocatable)', 'nodes', { kind: 'nodes' }, 'memory/node_utilization', 'fraction', { combine: 'max' }),
  ];

  const objects = await readPodObjects(await archive.files({ kind: 'pods', ...scope, end: req.end }), req.end);
  const { recordings, gaps } = await archive.catalog(true, async (con) => {
    const recs = (await selectRecordings(con)).filter((r) => (!scope.recording || r.name === scope.recording) && (!scope.cluster || r.cluster === scope.cluster)
      && r.tsMin !== undefined && r.tsMin <= req.end && r.tsMax! >= req.start);
    const gaps = (await Promise.all(recs.map((r) => selectGaps(con, r.name)))).flat().filter((g) => g.ts >= req.start && g.ts <= req.end).sort((a, b) => a.ts - b.ts);
    return { recordings: recs, gaps };
  });
  // a pod is new when it appears after recording began, not merely after the window asked for
  const since = Math.max(req.start, Math.min(...recordings.map((r) => r.tsMin!)));
  const events = podEvents(pods, objects, req, since);
  return {
    cluster: [...new Set(recordings.map((r) => r.cluster))].join(', ') || 'unknown', window, ...(ns !== undefined ? { namespace: ns } : {}),
    generatedAt: Date.now(), version: req.version,
    recordings: recordings.map((r) => ({ name: r.name, start: r.tsMin!, end: r.tsMax!, resolutionMs: r.resolutionMs, nodes: r.nodes })),
    charts: { cluster: clusterCharts, namespaces: nsCharts, pods: podCharts, nodes: nodeCharts },
    topMemory, topCpu, nodes: nodes.sort((a, b) => a.name.localeCompare(b.name)), events, gaps,
  };
}

/** Pods that restarted, were OOM-killed, died or started during the window, worst first. */
function podEvents(rows: readonly TopRow[], objects: Awaited<ReturnType<typeof readPodObjects>>, req: ReportRequest, since: number): ReportEvent[] {
  const obj = new Map(objects.map((o) => [`${o.namespace}/${o.pod}`, o]));
  const events: ReportEvent[] = [];
  for (const r of rows) {
    const o = obj.get(`${r.namespace}/${r.name}`);
    const oomKilled = (o?.terminations ?? []).filter((t) => t.reason === 'OOMKilled' && t.at >= req.start && t.at <= req.end).map((t) => ({ container: t.container, at: t.at }));
    const started = r.firstSeen !== undefined && r.firstSeen > since ? r.firstSeen : undefined;
    const restarts = r.restartsInWindow ?? 0;
    if (!restarts && !oomKilled.length && !r.gone && started === undefined) continue;
    events.push({
      namespace: r.namespace ?? '', pod: r.name, ...(r.node ? { node: r.node } : {}), restarts, oomKilled,
      ...(r.gone && r.lastSeen !== undefined ? { gone: r.lastSeen } : {}), ...(started !== undefined ? { started } : {}),
    });
  }
  const weight = (e: ReportEvent) => e.oomKilled.length * 100 + e.restarts * 10 + (e.gone !== undefined ? 5 : 0);
  return events.sort((a, b) => weight(b) - weight(a) || a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod));
}


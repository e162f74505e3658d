/** The rows `top` shows: nodes, pods, containers, namespaces or workloads (pods rolled up to their owner). */
export type TopLevel = 'nodes' | 'pods' | 'containers' | 'namespaces' | 'owners';

/** How a window's points become one cell; `last` is the newest point. */
export const TOP_AGGREGATIONS = ['max', 'p95', 'avg', 'min', 'last'] as const;
export type TopAggregation = (typeof TOP_AGGREGATIONS)[number];

/**
 * A row's numbers. cpu in millicores, memory (the working set, as kubectl top shows it) and
 * ephemeral storage in bytes, rx/tx in bytes per second. A request or limit is `null` when a
 * container of the row has none: a ratio over part of a sum would look like a real one.
 */
export interface TopValues {
  cpu?: number;
  memory?: number;
  rx?: number;
  tx?: number;
  ephemeral?: number;
  restarts?: number;
  cpuRequest?: number | null;
  cpuLimit?: number | null;
  memRequest?: number | null;
  memLimit?: number | null;
  cpuAllocatable?: number;
  memAllocatable?: number;
  pods?: number;
}

export interface TopRow {
  name: string;
  namespace?: string;
  /** containers: their pod */
  pod?: string;
  /** pods and containers: where they ran */
  node?: string;
  /** workloads: Deployment, StatefulSet, ... */
  kind?: string;
  values: TopValues;
  /** the window's shape, oldest first, one point per slice (null: nothing recorded in it) */
  trend?: { cpu: (number | null)[]; memory: (number | null)[] };
  /** ms: the row's first and newest point in the window */
  firstSeen?: number;
  lastSeen?: number;
  /** not in the window's newest batch: it died, or its node stopped answering, before the end */
  gone?: boolean;
  /** restarts during the window (the count's rise), for history */
  restartsInWindow?: number;
}

export interface TopRequest {
  level: TopLevel;
  /** owners: only this kind (Deployment, ...); undefined: every kind */
  ownerKind?: string;
  /** undefined: every namespace */
  namespace?: string;
  /** one row by name (a node, pod, namespace or workload) */
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * false: the answer is for the plain table, which shows no network rates or ephemeral storage,
   * so a recorded window need not read them (a third of what `top pods` over a day read)
   */
  wide?: boolean;
}

export interface TopAnswer {
  level: TopLevel;
  rows: TopRow[];
  /** where the numbers came from */
  source: 'kubelet' | 'metrics-api' | 'archive';
  /** live: the batch's time; history: the window asked for and the aggregation */
  timestamp?: number;
  window?: { start: number; end: number };
  agg?: TopAggregation;
}

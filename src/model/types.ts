import { LabeledValues, MetricValues } from './metric-values.js';

/** Heapster's entity levels; the namespace level is `ns`, as Heapster spells it. */
export const ENTITY_TYPES = ['cluster', 'node', 'ns', 'pod', 'pod_container', 'sys_container'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** A metric value that carries labels of its own (filesystems: `resource_id`). */
export interface LabeledValue {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * One entity's metrics in one batch. Values are plain numbers: int64 metrics hold integers
 * (node cpu/usage above 2^53 loses its low bits, which no rate can notice).
 */
export interface MetricSet {
  key: string;
  type: EntityType;
  labels: Record<string, string>;
  values: MetricValues;
  labeled: LabeledValues;
  /** kubelet stats time used for rates, ms since epoch; 0 when unknown. */
  scrapeTime: number;
  /** the entity's start time, ms since epoch; 0 when unknown. A change means a restart. */
  startTime: number;
  /** a container's pod key, so aggregation needs no key building per container */
  parent?: string;
}

/** All metric sets of one resolution tick; `timestamp` is aligned to the resolution, ms, UTC. */
export interface Batch {
  timestamp: number;
  sets: Map<string, MetricSet>;
}

/** What the API objects tell about a container of a pod spec. */
export interface ContainerSpec {
  name: string;
  image: string;
  /** resource name → amount: cpu in millicores, everything else in base units. Shared: never mutate. */
  requests: Readonly<Record<string, number>>;
  limits: Readonly<Record<string, number>>;
  restartCount?: number;
  /** how the container last ended, when it restarted: `OOMKilled`, `Error`, `Completed`... */
  lastTermination?: Termination;
}

export interface Termination {
  reason: string;
  exitCode: number;
  /** ms; 0 when the API server did not say */
  at: number;
}

/** A pod as the API server describes it, reduced to what the model and the archive keep. */
export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  namespaceUid?: string;
  labels: Record<string, string>;
  containers: ContainerSpec[];
  phase: string;
  qosClass: string;
  ownerKind?: string;
  ownerName?: string;
  startTime?: number;
}

/** A node as the API server describes it. Capacity and allocatable: cpu in millicores, rest in base units. */
export interface NodeInfo {
  name: string;
  hostname: string;
  hostId: string;
  labels: Record<string, string>;
  capacity: Readonly<Record<string, number>>;
  allocatable: Readonly<Record<string, number>>;
  ready: boolean;
  kubeletVersion: string;
}

/** About how many plain and labeled values a set of each level ends with (a pod's volumes vary). */
const EXPECTED: Record<EntityType, readonly [number, number]> = {
  cluster: [6, 0], node: [40, 5], ns: [6, 0], pod: [28, 10], pod_container: [20, 10], sys_container: [12, 0],
};

export function newMetricSet(key: string, type: EntityType, labels: Record<string, string>, parent?: string): MetricSet {
  const [plain, labeled] = EXPECTED[type];
  const set: MetricSet = { key, type, labels, values: new MetricValues(plain), labeled: new LabeledValues(labeled), scrapeTime: 0, startTime: 0 };
  if (parent !== undefined) set.parent = parent;
  return set;
}

import type { EntityType } from './types.js';

/** Units as Heapster's descriptors print them; `count` prints as nothing in Heapster. */
export type HeapsterUnit = 'bytes' | 'ms' | 'ns' | 'millicores' | 'count';
/** What a number really measures, for formatting (Heapster declares CPU rates as `count`). */
export type Quantity =
  | 'bytes'
  | 'ms'
  | 'ns'
  | 'millicores'
  | 'count'
  | 'bytes/s'
  | 'per-second'
  | 'fraction';

export interface MetricDescriptor {
  name: string;
  unit: HeapsterUnit;
  quantity: Quantity;
  kind: 'cumulative' | 'gauge';
  valueType: 'int64' | 'float';
  labeled: boolean;
  levels: readonly EntityType[];
  description: string;
}

const N = 'node', SC = 'sys_container', P = 'pod', PC = 'pod_container', NS = 'ns', C = 'cluster';
const ALL_RAW = [N, SC, P, PC] as const;

function d(
  name: string,
  unit: HeapsterUnit,
  quantity: Quantity,
  kind: 'cumulative' | 'gauge',
  valueType: 'int64' | 'float',
  levels: readonly EntityType[],
  description: string,
  labeled = false,
): MetricDescriptor {
  return { name, unit, quantity, kind, valueType, labeled, levels, description };
}

/** Reference §2.1 and §2.2: the metrics the Summary API and the API objects can give. */
export const METRICS: readonly MetricDescriptor[] = [
  d('uptime', 'ms', 'ms', 'cumulative', 'int64', ALL_RAW, 'Number of milliseconds since the container was started'),
  d('cpu/usage', 'ns', 'ns', 'cumulative', 'int64', ALL_RAW, 'Cumulative CPU usage on all cores'),
  d('cpu/usage_rate', 'count', 'millicores', 'gauge', 'int64', [N, SC, P, PC, NS, C], 'CPU usage on all cores in millicores'),
  d('cpu/request', 'millicores', 'millicores', 'gauge', 'int64', [N, P, PC, NS, C], 'CPU request (the guaranteed amount of resources) in millicores'),
  d('cpu/limit', 'millicores', 'millicores', 'gauge', 'int64', [N, P, PC, NS, C], 'CPU hard limit in millicores'),
  d('cpu/node_capacity', 'millicores', 'millicores', 'gauge', 'float', [N], 'CPU capacity of a node'),
  d('cpu/node_allocatable', 'millicores', 'millicores', 'gauge', 'float', [N], 'CPU allocatable of a node'),
  d('cpu/node_utilization', 'count', 'fraction', 'gauge', 'float', [N], 'CPU utilization as a share of node allocatable'),
  d('cpu/node_reservation', 'count', 'fraction', 'gauge', 'float', [N], 'Share of CPU that is reserved on the node allocatable'),
  d('memory/usage', 'bytes', 'bytes', 'gauge', 'int64', [N, SC, P, PC, NS, C], 'Total memory usage'),
  d('memory/working_set', 'bytes', 'bytes', 'gauge', 'int64', ALL_RAW, 'Total working set usage. Working set is the memory being used and not easily dropped by the kernel'),
  d('memory/rss', 'bytes', 'bytes', 'gauge', 'int64', ALL_RAW, 'RSS memory usage'),
  d('memory/page_faults', 'count', 'count', 'cumulative', 'int64', ALL_RAW, 'Number of page faults'),
  d('memory/major_page_faults', 'count', 'count', 'cumulative', 'int64', ALL_RAW, 'Number of major page faults'),
  d('memory/page_faults_rate', 'count', 'per-second', 'gauge', 'float', ALL_RAW, 'Number of page faults per second'),
  d('memory/major_page_faults_rate', 'count', 'per-second', 'gauge', 'float', ALL_RAW, 'Number of major page faults per second'),
  d('memory/request', 'bytes', 'bytes', 'gauge', 'int64', [N, P, PC, NS, C], 'Memory request (the guaranteed amount of resources) in bytes'),
  d('memory/limit', 'bytes', 'bytes', 'gauge', 'int64', [N, P, PC, NS, C], 'Memory hard limit in bytes'),
  d('memory/node_capacity', 'bytes', 'bytes', 'gauge', 'float', [N], 'Memory capacity of a node'),
  d('memory/node_allocatable', 'bytes', 'bytes', 'gauge', 'float', [N], 'Memory allocatable of a node'),
  d('memory/node_utilization', 'count', 'fraction', 'gauge', 'float', [N], 'Memory utilization as a share of memory allocatable'),
  d('memory/node_reservation', 'count', 'fraction', 'gauge', 'float', [N], 'Share of memory that is reserved on the node allocatable'),
  d('network/rx', 'bytes', 'bytes', 'cumulative', 'int64', [N, P], 'Cumulative number of bytes received over the network'),
  d('network/rx_errors', 'count', 'count', 'cumulative', 'int64', [N, P], 'Cumulative number of errors while receiving over the network'),
  d('network/tx', 'bytes', 'bytes', 'cumulative', 'int64', [N, P], 'Cumulative number of bytes sent over the network'),
  d('network/tx_errors', 'count', 'count', 'cumulative', 'int64', [N, P], 'Cumulative number of errors while sending over the network'),
  d('network/rx_rate', 'count', 'bytes/s', 'gauge', 'float', [N, P], 'Number of bytes received over the network per second'),
  d('network/rx_errors_rate', 'count', 'per-second', 'gauge', 'float', [N, P], 'Number of errors while receiving over the network per second'),
  d('network/tx_rate', 'count', 'bytes/s', 'gauge', 'float', [N, P], 'Number of bytes sent over the network per second'),
  d('network/tx_errors_rate', 'count', 'per-second', 'gauge', 'float', [N, P], 'Number of errors while sending over the network per second'),
  d('ephemeral_storage/usage', 'bytes', 'bytes', 'gauge', 'int64', ALL_RAW, 'Ephemeral storage usage'),
  d('ephemeral_storage/request', 'bytes', 'bytes', 'gauge', 'int64', [N, P, PC], 'Ephemeral storage request (the guaranteed amount of resources) in bytes'),
  d('ephemeral_storage/limit', 'bytes', 'bytes', 'gauge', 'int64', [N, P, PC], 'Ephemeral storage hard limit in bytes'),
  d('ephemeral_storage/node_capacity', 'bytes', 'bytes', 'gauge', 'float', [N], 'Ephemeral storage capacity of a node'),
  d('ephemeral_storage/node_allocatable', 'bytes', 'bytes', 'gauge', 'float', [N], 'Ephemeral storage allocatable of a node'),
  d('ephemeral_storage/node_utilization', 'count', 'fraction', 'gauge', 'float', [N], 'Ephemeral storage utilization as a share of allocatable'),
  d('ephemeral_storage/node_reservation', 'count', 'fraction', 'gauge', 'float', [N], 'Share of ephemeral storage that is reserved on the node allocatable'),
  d('filesystem/usage', 'bytes', 'bytes', 'gauge', 'int64', ALL_RAW, 'Total number of bytes consumed on a filesystem', true),
  d('filesystem/limit', 'bytes', 'bytes', 'gauge', 'int64', ALL_RAW, 'The total size of filesystem in bytes', true),
  d('filesystem/available', 'bytes', 'bytes', 'gauge', 'int64', ALL_RAW, 'The number of available bytes remaining in a the filesystem', true),
  d('filesystem/inodes', 'bytes', 'count', 'gauge', 'int64', ALL_RAW, 'The number of available inodes in a the filesystem', true),
  d('filesystem/inodes_free', 'bytes', 'count', 'gauge', 'int64', ALL_RAW, 'The number of free inodes remaining in a the filesystem', true),
  d('accelerator/memory_total', 'bytes', 'bytes', 'gauge', 'int64', [SC, PC], 'Memory capacity of an accelerator', true),
  d('accelerator/memory_used', 'bytes', 'bytes', 'gauge', 'int64', [SC, PC], 'Memory used of an accelerator', true),
  d('accelerator/duty_cycle', 'count', 'count', 'gauge', 'int64', [SC, PC], 'Percent of time over the past sample period during which the accelerator was actively processing', true),
  d('restart_count', 'count', 'count', 'gauge', 'int64', [P, PC], 'Number of container restarts'),
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/** Heapster's deprecated names, still accepted on every metric route. */
export const METRIC_ALIASES: Readonly<Record<string, string>> = {
  'cpu-usage': 'cpu/usage_rate',
  'cpu-limit': 'cpu/limit',
  'memory-limit': 'memory/limit',
  'memory-usage': 'memory/usage',
  'memory-working': 'memory/working_set',
};

/**
 * The descriptor for a metric name, resolving aliases. Extended-resource requests
 * (`nvidia.com/gpu/request`) and `custom/*` metrics are described on the fly.
 */
export function describeMetric(name: string): MetricDescriptor | undefined {
  const known = BY_NAME.get(METRIC_ALIASES[name] ?? name);
  if (known) return known;
  if (name.startsWith('custom/')) return d(name, 'count', 'count', 'gauge', 'float', [SC, P, PC], 'Custom metric');
  if (name.endsWith('/request') && name.length > '/request'.length) {
    return d(name, 'count', 'count', 'gauge', 'int64', [P, PC], 'Extended resource request');
  }
  return undefined;
}

export function canonicalMetricName(name: string): string {
  return METRIC_ALIASES[name] ?? name;
}

/** Cumulative metrics whose derivative Heapster computes, and the rate's name. */
export const RATE_OF: Readonly<Record<string, string>> = {
  'cpu/usage': 'cpu/usage_rate',
  'memory/page_faults': 'memory/page_faults_rate',
  'memory/major_page_faults': 'memory/major_page_faults_rate',
  'network/rx': 'network/rx_rate',
  'network/rx_errors': 'network/rx_errors_rate',
  'network/tx': 'network/tx_rate',
  'network/tx_errors': 'network/tx_errors_rate',
};

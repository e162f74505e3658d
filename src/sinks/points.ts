import { describeMetric, type Batch, type MetricSet } from '../model/index.js';

/** One value of a batch as Heapster saw it, with its set's labels: what remote write's reference mapping (promSeries) walks. */
export interface Point {
  name: string;
  value: number;
  /** as the catalogue types it: integers are written as integers */
  float: boolean;
  kind: 'cumulative' | 'gauge';
  set: MetricSet;
  /** a labeled value's own labels (`resource_id`, ...); absent for a plain value */
  labels?: Record<string, string>;
}

/** The points of a batch in Heapster's order: per set, the plain values, then the labeled ones. */
export function* pointsOf(batch: Batch): IterableIterator<Point> {
  for (const set of batch.sets.values()) yield* pointsOfSet(set);
}

/** One set's points: the plain values, then the labeled ones. */
export function* pointsOfSet(set: MetricSet): IterableIterator<Point> {
  for (const [name, value] of set.values) yield point(name, value, set);
  for (const lv of set.labeled) yield { ...point(lv.name, lv.value, set), labels: lv.labels };
}

function point(name: string, value: number, set: MetricSet): Point {
  const d = describeMetric(name);
  return { name, value, float: d ? d.valueType === 'float' : !Number.isInteger(value), kind: d?.kind === 'cumulative' ? 'cumulative' : 'gauge', set };
}

/** The cumulative metrics Heapster turns into rates: what `disable_counter_metrics` leaves out. */
export const COUNTER_METRICS: ReadonlySet<string> = new Set([
  'cpu/usage', 'memory/page_faults', 'memory/major_page_faults', 'network/rx', 'network/rx_errors', 'network/tx', 'network/tx_errors',
  'disk/io_read_bytes', 'disk/io_write_bytes',
]);

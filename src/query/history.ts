import type { Aggregation, BucketRow, EntityRow } from '../archive/index.js';
import type { EntityType } from '../model/index.js';

export interface Point {
  timestamp: number;
  value: number;
}

export interface Series {
  key: string;
  /** the member's display name (pod name, node name, ...) */
  name: string;
  /** set on labeled metrics (filesystem/*): the point labels */
  labels?: Record<string, string>;
  points: Point[];
}

/** Inclusive at both ends, ms; an absent end means "until the newest data". */
export interface Window {
  start?: number;
  end?: number;
}

export interface EntityRef {
  key: string;
  type: EntityType;
  name: string;
  namespace?: string;
  node?: string;
  pod?: string;
}

export interface EntityScope {
  namespace?: string;
  node?: string;
  pod?: string;
  /** a kubectl label selector on pod labels (pods and their containers) */
  labelSelector?: string;
}

/** `undefined`: plain values only; a record: labeled values with exactly that label set; `all`: every label set. */
export type LabelFilter = Record<string, string> | 'all' | undefined;

/**
 * Where query answers come from: a live batch held in memory, or the archive. Listings reflect the
 * newest batch inside the window, as Heapster's model did.
 */
/** One bucket's aggregations, as the archive computes them. */
export type BucketValues = Omit<BucketRow, keyof EntityRow | 'resource_id'>;

export interface BucketSeries {
  key: string;
  name: string;
  labels?: Record<string, string>;
  buckets: BucketValues[];
}

export interface History {
  series(keys: readonly string[], metric: string, labels: LabelFilter, window: Window): Promise<Series[]>;
  /** Heapster's historical aggregations; only recorded data has them */
  buckets?(keys: readonly string[], metric: string, labels: LabelFilter, window: Window, bucketMs: number, aggregations?: readonly Aggregation[]): Promise<BucketSeries[]>;
  entities(type: EntityType, scope: EntityScope, window: Window): Promise<EntityRef[]>;
  metricNames(key: string, window: Window): Promise<string[]>;
}

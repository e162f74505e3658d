export { parseTarget, describeTarget, targetLevel, TARGET_FORMS, NODE as NODE_WORDS, NS as NS_WORDS, POD as POD_WORDS, type Target, type TargetContext } from './target.js';
export type { History, Point, Series, Window, EntityRef, EntityScope, LabelFilter, BucketSeries, BucketValues } from './history.js';
export { BatchHistory, entityName } from './batch-history.js';
export { runQuery, isEmptyResult, keyOf, missingError, mustExist, requireLevel, type QueryRequest, type QueryResult } from './run-query.js';
export { resolveMetric } from './resolve-metric.js';
export { closest, editDistance, isNear } from './suggest.js';
export { durationMs, parseDuration, parseTime, parseWindow, parseLabels, type WindowFlags } from './time.js';
export { labelSelector, splitJoinedLabels } from './label-selector.js';
export { ArchiveHistory, type ArchiveScope } from './archive-history.js';
export { parseAggregations, type Aggregation } from './aggregations.js';
// What the callers of queries (serve) need of the model: the catalogue, entity types and usage
// errors, from the layer they stand on, as design.md's import table has it.
export { METRICS, describeMetric, canonicalMetricName, usageError, PluginError, promMetadata, promName, type EntityType } from '../model/index.js';
export { fieldSelector } from './field-selector.js';
export { TOP_AGGREGATIONS, type TopAggregation, type TopAnswer, type TopLevel, type TopRequest, type TopRow, type TopValues } from './top-types.js';
export { topFromBatch } from './top-live.js';
export { topFromArchive, type TopWindow } from './top-archive.js';
export { resolveWorkload, type OwnedPod } from './resolve-workload.js';
export { parsePromql, parsePromDuration, PromqlError, SUPPORTED as PROMQL_SUPPORTED, type Matcher } from './promql-parse.js';
export { instantQuery, rangeQuery, LOOKBACK_MS, type PromResult } from './promql-eval.js';
export { allLabelValues, columnLabelValues, compareLabels, eachSeriesLabels } from './prom-source.js';

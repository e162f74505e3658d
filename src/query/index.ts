export { parseTarget, describeTarget, TARGET_FORMS, type Target, type TargetContext } from './target.js';
export type { History, Point, Series, Window, EntityRef, EntityScope, LabelFilter } from './history.js';
export { BatchHistory, entityName } from './batch-history.js';
export { runQuery, keyOf, type QueryRequest, type QueryResult } from './run-query.js';
export { resolveMetric } from './resolve-metric.js';
export { closest, editDistance } from './suggest.js';
export { durationMs, parseDuration, parseTime, parseWindow, parseLabels, type WindowFlags } from './time.js';
export { labelSelector, splitJoinedLabels } from './label-selector.js';

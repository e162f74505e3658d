export { formatValue, formatBytes, formatDuration } from './units.js';
export { goTime, GO_ZERO_TIME } from './go-time.js';
export { toMetricResult, type MetricResult, type MetricPoint } from './heapster-json.js';
export { renderResult, type RenderOptions } from './render-result.js';
export { plainTable } from './plain-table.js';
export { OUTPUT_FORMATS, type Output, type OutputFormat } from './output.js';
export { renderChart } from './chart.js';
export { renderBuckets, toAggregationResult } from './render-buckets.js';
export { renderTop, TOP_FORMATS, type TopFormat, type TopRenderOptions } from './top-table.js';

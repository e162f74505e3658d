export { pointsOf, COUNTER_METRICS, type Point } from './points.js';
export { influxLines, type InfluxOptions } from './influx-line.js';
export { graphiteLines } from './graphite-line.js';
export { openTsdbPoints } from './opentsdb-json.js';
export { kafkaMessages } from './kafka-json.js';
export { promSeries, promName, writeRequestBody, type PromSeries, type PromMetadata } from './remote-write.js';

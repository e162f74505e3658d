export { pointsOf, COUNTER_METRICS, type Point } from './points.js';
export { influxLines, type InfluxOptions } from './influx-line.js';
export { graphiteLines } from './graphite-line.js';
export { openTsdbPoints } from './opentsdb-json.js';
export { kafkaMessages } from './kafka-json.js';
export { promSeries, promName, writeRequestBody, type PromSeries, type PromMetadata } from './remote-write.js';
export { parseSinkSpec, redact, SINK_NAMES, type SinkCredentials, type SinkSpec } from './sink-spec.js';
export { makeSink } from './make-sink.js';
export { SinkError, type Sink } from './sink.js';

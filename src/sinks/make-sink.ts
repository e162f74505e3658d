import { GraphiteSink } from './graphite-sink.js';
import { InfluxSink } from './influx-sink.js';
import { OpenTsdbSink } from './opentsdb-sink.js';
import { PrometheusSink } from './prometheus-sink.js';
import type { SinkSpec } from './sink-spec.js';
import type { Sink } from './sink.js';

export function makeSink(spec: SinkSpec): Sink {
  switch (spec.name) {
    case 'influxdb': return new InfluxSink(spec);
    case 'prometheus': return new PrometheusSink(spec);
    case 'graphite': return new GraphiteSink(spec);
    default: return new OpenTsdbSink(spec);
  }
}

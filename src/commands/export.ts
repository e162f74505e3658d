import { Args, Flags } from '@oclif/core';
import { EXPORT_FORMATS, exportFormatFor, exportSamples, type SampleFilter } from '../archive/index.js';
import { archiveFlag, openArchive, recordingFlags, resolveScope, windowFlags } from '../cli/archive-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags, scopeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { usageError } from '../model/index.js';
import { ArchiveHistory, describeTarget, mustExist, parseTarget, parseWindow, resolveMetric, type Target } from '../query/index.js';
import { recordedText, windowText } from '../cli/recorded-windows.js';
import { BATCH_FORMATS, exportBatches, type BatchFormat } from '../cli/export-batches.js';
import { prose } from '../cli/prose.js';

// -n and -A place pod targets; a label selector it would have taken and ignored, exporting every pod
const { selector: _selector, ...exportScope } = scopeFlags;

export default class Export extends BaseCommand {
  static override summary = 'Export recorded samples for pandas, Polars, DuckDB or Spark: Parquet, CSV, JSON lines or Arrow IPC.';
  static override description = prose(`Without TARGET everything in the window is exported. A namespace or pod target exports it with
everything inside it; a node target everything that ran on it. Rows are long (one per timestamp, entity,
metric, resource_id) unless --wide pivots the metrics into columns. Parquet timestamps are UTC with
microseconds and strings are dictionary-encoded: the files open without options. Units travel with the
data: Parquet and Arrow files carry a "units" metadata entry (metric to unit), and long CSV and JSON
lines a unit column. The format comes from the output's ending (.parquet, .csv, .jsonl, .arrow) unless
--format says it. An existing file is never replaced without --force, and the file appears under its
name only once it is complete. --partition writes a Hive folder to which each export adds its own
uniquely named files.
--format influx, openmetrics, kafka-json and elasticsearch-bulk write the recorded batches as Heapster's
InfluxDB, Kafka and Elasticsearch sinks sent them (database k8s, cluster_name default, index heapster),
or as OpenMetrics in the Prometheus names remote write uses, for each system's own loader.`);

  static override examples = [
    'kubectl heapster export --output incident.parquet --recording incident-4711',
    'kubectl heapster export --partition --output ./incident-data/   # a Hive folder: cluster=ID/date=YYYY-MM-DD/export-UUID.parquet',
    'kubectl heapster export namespaces/web cpu/usage_rate --since 2h --output web-cpu.csv',
    'kubectl heapster export ns/web --format jsonl --output - | jq .value',
    'kubectl heapster export ns/web --wide --output web.arrow',
    'kubectl heapster export --recording incident-4711 --format openmetrics --output incident.om && promtool tsdb create-blocks-from openmetrics incident.om ./data',
    'kubectl heapster export --recording incident-4711 --format influx --output incident.lp && influx -import -path incident.lp -precision ns',
    'kubectl heapster export --recording incident-4711 --format kafka-json --output - | kafka-console-producer --topic heapster-metrics --bootstrap-server kafka:9092',
    "kubectl heapster export --recording incident-4711 --format elasticsearch-bulk --output bulk.ndjson && curl -H 'Content-Type: application/x-ndjson' --data-binary @bulk.ndjson es:9200/_bulk",
  ];

  static override args = {
    target: Args.string({ description: 'what to export (as in query); default everything' }),
    metric: Args.string({ description: 'only this metric' }),
  };

  static override flags = {
    ...kubeFlags, ...exportScope, ...archiveFlag, ...windowFlags, ...recordingFlags,
    format: Flags.string({ options: [...EXPORT_FORMATS, ...BATCH_FORMATS], description: "file format (default: the output's ending); influx, openmetrics, kafka-json and elasticsearch-bulk write what Heapster's sinks or Prometheus take" }),
    output: Flags.string({ required: true, description: 'the file to write; - for standard output (csv, jsonl); a folder with --partition' }),
    partition: Flags.boolean({ description: 'write a Hive-partitioned Parquet folder (cluster=/date=), adding files to it' }),
    force: Flags.boolean({ description: 'replace an existing --output file' }),
    wide: Flags.boolean({ description: 'one column per metric instead of one row per sample' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Export);
    this.setVerbosity(flags.v);
    const kube = toKubeFlags(flags);
    const window = parseWindow(flags, Date.now());
    const batchFormat = BATCH_FORMATS.find((f) => f === flags.format);
    if (batchFormat && (flags.wide || flags.partition)) throw usageError(`--format ${batchFormat} writes one file of its own schema`, 'drop --wide and --partition');
    const format = batchFormat ?? exportFormatFor(flags.output, flags.format, flags.partition);
    const target = args.target ? parseTarget(args.target, { namespace: flags.namespace ?? 'default', allNamespaces: flags['all-namespaces'] }) : undefined;
    const archive = await openArchive(flags.archive);
    const scope = await resolveScope(archive, flags, kube);
    const filter: SampleFilter = target ? filterOf(target) : {};
    if (args.metric) filter.metric = resolveMetric(args.metric).name;
    if (scope.recording) filter.recording = scope.recording;
    // a target that is not in the data is named with its nearest, as query names it
    const history = new ArchiveHistory(archive, scope);
    if (target) await mustExist(history, target, window);
    let n: number;
    if (batchFormat) n = await exportBatches(archive, scope, filter, window, { format: batchFormat, dest: flags.output, force: flags.force });
    else {
      const files = await archive.files({ kind: 'samples', ...scope, ...window, ...(filter.metric ? { metric: filter.metric } : {}) });
      n = files.length ? await exportSamples(files, filter, window, { format: format as Exclude<typeof format, BatchFormat>, dest: flags.output, wide: flags.wide, partition: flags.partition, force: flags.force }) : 0;
    }
    if (n === 0) throw usageError(`nothing to export: no samples of ${target ? describeTarget(target) : 'anything'}${filter.metric ? ` ${filter.metric}` : ''} in ${windowText(window)}`, await recordedText(history));
    // standard output carries the data: the count goes to stderr
    (flags.output === '-' ? process.stderr : process.stdout).write(`wrote ${n} ${flags.wide ? 'rows' : 'samples'} to ${flags.output === '-' ? 'standard output' : flags.output}\n`);
  }
}

function filterOf(t: Target): SampleFilter {
  switch (t.kind) {
    case 'cluster': return { type: 'cluster' };
    case 'node': return { node: t.node };
    case 'namespace': return { namespace: t.namespace };
    case 'pod': return { namespace: t.namespace, pod: t.pod };
    case 'container': return { type: 'pod_container', namespace: t.namespace, pod: t.pod, container: t.container };
    case 'freecontainer': return { type: 'sys_container', node: t.node, container: t.container };
    case 'nodes': return { type: 'node' };
    case 'namespaces': return { type: 'ns' };
    case 'pods': return { type: 'pod', ...(t.namespace ? { namespace: t.namespace } : {}) };
    case 'containers': return { type: 'pod_container', namespace: t.namespace, pod: t.pod };
    case 'freecontainers': return { type: 'sys_container', node: t.node };
    case 'pod-list': throw usageError('export takes no pod-list', 'export the namespace, or one pod at a time');
  }
}

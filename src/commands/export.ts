import { Args, Flags } from '@oclif/core';
import { EXPORT_FORMATS, exportSamples, type ExportFormat, type SampleFilter } from '../archive/index.js';
import { archiveFlag, openArchive, recordingFlags, resolveScope, windowFlags } from '../cli/archive-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags, scopeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { usageError } from '../model/index.js';
import { parseTarget, parseWindow, resolveMetric, type Target } from '../query/index.js';
import { prose } from '../cli/prose.js';

export default class Export extends BaseCommand {
  static override summary = 'Export recorded samples for pandas, Polars, DuckDB or Spark: Parquet, CSV, JSON lines or Arrow IPC.';
  static override description = prose(`Without TARGET everything in the window is exported. A namespace or pod target exports it with
everything inside it; a node target everything that ran on it. Rows are long (one per timestamp, entity,
metric, resource_id) unless --wide pivots the metrics into columns. Parquet timestamps are UTC with
microseconds and strings are dictionary-encoded: the files open without options.`);

  static override examples = [
    'kubectl heapster export --format parquet --output incident.parquet --recording incident-4711',
    'kubectl heapster export --format parquet --output ./incident-data/   # a Hive folder: cluster=ID/date=YYYY-MM-DD/',
    'kubectl heapster export namespaces/web cpu/usage_rate --since 2h --format csv --output web-cpu.csv',
    'kubectl heapster export ns/web --wide --format arrow --output web.arrow',
  ];

  static override args = {
    target: Args.string({ description: 'what to export (as in query); default everything' }),
    metric: Args.string({ description: 'only this metric' }),
  };

  static override flags = {
    ...kubeFlags, ...scopeFlags, ...archiveFlag, ...windowFlags, ...recordingFlags,
    format: Flags.string({ options: [...EXPORT_FORMATS], default: 'parquet', description: 'file format' }),
    output: Flags.string({ required: true, description: 'the file to write (a folder for partitioned Parquet)' }),
    wide: Flags.boolean({ description: 'one column per metric instead of one row per sample' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Export);
    this.verbosity = flags.v;
    const kube = toKubeFlags(flags);
    const window = parseWindow(flags, Date.now());
    const archive = await openArchive(flags.archive);
    const scope = await resolveScope(archive, flags, kube);
    const filter: SampleFilter = args.target ? filterOf(parseTarget(args.target, { namespace: flags.namespace ?? 'default', allNamespaces: flags['all-namespaces'] })) : {};
    if (args.metric) filter.metric = resolveMetric(args.metric).name;
    if (scope.recording) filter.recording = scope.recording;
    const files = await archive.files({ kind: 'samples', ...scope, ...window, ...(filter.metric ? { metric: filter.metric } : {}) });
    const n = await exportSamples(files, filter, window, { format: flags.format as ExportFormat, dest: flags.output, wide: flags.wide });
    process.stdout.write(`wrote ${n} ${flags.wide ? 'rows' : 'samples'} to ${flags.output}\n`);
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

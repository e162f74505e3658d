import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags, scopeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { archiveFlag, archiveReadFlags, openArchive, recordingFlags, resolveScope, windowFlags } from '../cli/archive-flags.js';
import { readPodObjects } from '../archive/index.js';
import { loadKubeConfig } from '../cluster/load-kubeconfig.js';
import { usageError } from '../model/index.js';
import {
  ArchiveHistory, parseAggregations, resolveWorkload, requireLevel, parseDuration, parseLabels, parseTarget, parseWindow, resolveMetric, runQuery, isEmptyResult, type History, type Window,
} from '../query/index.js';
import { OUTPUT_FORMATS, renderResult, type OutputFormat } from '../render/index.js';
import { prose } from '../cli/prose.js';
import { recordedText, windowText } from '../cli/recorded-windows.js';

export default class Query extends BaseCommand {
  static override summary = 'Show Heapster metrics of the cluster, a node, namespace, pod or container.';
  static override description = prose(`TARGET is one of: cluster, nodes/NODE, namespaces/NS, namespaces/NS/pods/POD,
namespaces/NS/pods/POD/containers/C, nodes/NODE/freecontainers/C, namespaces/NS/pod-list/P1,P2,
or kubectl's short forms ns/NS, no/NODE, po/POD (with -n). Without --live the archive written by
\`kubectl heapster record\` answers, over --start/--end/--since (inclusive at both ends). A collection (namespaces, nodes,
pods, namespaces/NS/pods, .../containers, nodes/NODE/freecontainers) lists its members, or with a
METRIC shows it for every member. METRIC is a Heapster name (memory/usage) or a deprecated alias
(memory-usage); "metrics" lists an entity's metric names.

Live rates (--live): cpu/usage_rate comes from the kubelet's own usageNanoCores in a single
scrape, as metrics-server up to v0.4 did. Every other *_rate metric, and cpu/usage_rate when
--rate-interval is given, is Heapster's rate: two scrapes --rate-interval apart (default 15s,
the kubelet's stats period), the counter difference over the kubelet's own timestamps.`);

  static override examples = [
    'kubectl heapster query namespaces/spark-cluster memory/usage --start 2017-10-16T09:14:00Z --end 2017-10-16T09:16:00Z -o json',
    'kubectl heapster query namespaces/web/pod-list/a,b cpu/usage_rate --since 6h --agg p95 --bucket 1h',
    'kubectl heapster query ns/web memory/usage --since 2h -o chart',
    'kubectl heapster query namespaces/spark-cluster memory/usage --live',
    'kubectl heapster query nodes --live',
    'kubectl heapster query pods -n web cpu/usage_rate --live',
    'kubectl heapster query po/frontend-7d9f -n web memory-usage --live -o json',
    'kubectl heapster query nodes/node-01 network/rx_rate --live --rate-interval 20s',
    'kubectl heapster query nodes/node-01 filesystem/usage --labels resource_id:/ --live -o json',
  ];

  static override args = {
    target: Args.string({ description: 'what to query (see DESCRIPTION)', required: true }),
    metric: Args.string({ description: 'a Heapster metric name or alias, or "metrics"' }),
  };

  static override flags = {
    ...kubeFlags,
    ...scopeFlags,
    ...archiveFlag,
    ...windowFlags,
    ...recordingFlags,
    live: Flags.boolean({ description: 'scrape the cluster now instead of reading the archive' }),
    agg: Flags.string({ description: 'aggregations per bucket: average,max,min,median,count,p50,p95,p99 (or 50-perc, 95-perc, 99-perc)' }),
    bucket: Flags.string({ description: 'bucket size for --agg, aligned to the epoch (e.g. 5m, 1h); default one bucket for the window' }),
    output: Flags.string({ char: 'o', description: 'output format', options: [...OUTPUT_FORMATS], default: 'table' }),
    labels: Flags.string({ description: 'Heapster point labels for labeled metrics, e.g. resource_id:/' }),
    'rate-interval': Flags.string({ description: 'take two scrapes this far apart for counter rates (e.g. 15s)' }),
    concurrency: Flags.integer({ description: 'nodes scraped at once (0: fitted to the cluster size)', default: 0, min: 0 }),
    'node-timeout': Flags.string({ description: 'how long one kubelet may take to answer', default: '10s' }),
    'node-selector': Flags.string({ description: 'only scrape nodes with these labels' }),
    'no-headers': Flags.boolean({ description: "don't print table headers" }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Query);
    this.setVerbosity(flags.v);
    const kube = toKubeFlags(flags);
    const nodeTimeoutMs = parseDuration(flags['node-timeout'], '--node-timeout');
    const labels = flags.labels !== undefined ? parseLabels(flags.labels) : undefined;
    const aggregations = flags.agg !== undefined ? parseAggregations(flags.agg) : undefined;
    const bucketMs = flags.bucket !== undefined ? parseDuration(flags.bucket, '--bucket', { zero: true }) : undefined;
    if (bucketMs !== undefined && !aggregations) throw usageError('--bucket goes with --agg', 'add --agg average (or max, p95, ...)');
    const now = Date.now();
    const window: Window = parseWindow(flags, now);
    if (!flags.live) {
      const archive = await openArchive(flags.archive, true);
      const scope = await resolveScope(archive, flags, kube);
      const namespace = flags.namespace ?? (flags.context || flags.kubeconfig ? (await loadKubeConfig(kube)).namespace : 'default');
      const parsed = parseTarget(args.target, { namespace, allNamespaces: flags['all-namespaces'] });
      const target = parsed.kind === 'pod-list' && parsed.workload
        ? resolveWorkload(parsed, (await readPodObjects(await archive.files({ kind: 'pods', ...scope }), window.end ?? now)).map((p) => ({ ...p, name: p.pod })))
        : parsed;
      const history = new ArchiveHistory(archive, scope);
      const result = await runQuery(history, { target, metric: args.metric, labels, window, labelSelector: flags.selector, ...(aggregations ? { aggregations, bucketMs: bucketMs ?? 0 } : {}) });
      // nothing in the window is a question the archive cannot answer: say what it does hold
      if (isEmptyResult(result)) throw usageError(`nothing recorded for ${result.about}${result.kind === 'names' ? '' : ` ${result.metric.name}`} in ${windowText(window)}`, await recordedText(history));
      return renderResult(result, flags.output as OutputFormat, process.stdout, { noHeaders: flags['no-headers'] });
    }
    // a window, a recording or an archive named beside --live would be ignored: the answer would not be the one asked for
    const reading = archiveReadFlags(flags);
    if (reading.length) throw usageError(`--live scrapes the cluster now, and ${reading.join(', ')} ${reading.length > 1 ? 'are' : 'is'} for reading the archive`, `drop ${reading.join(' and ')}, or drop --live to read the archive`);
    // before the scrape: a second of scraping, node warnings, then a usage error, read as if the scrape had failed
    if (aggregations) throw usageError('aggregations need recorded data', 'drop --live, or drop --agg');
    // an unknown metric too, with its suggestions, before anything is scraped
    const metric = args.metric && args.metric !== 'metrics' ? resolveMetric(args.metric) : undefined;
    const isRate = !!metric && metric.name.endsWith('_rate');
    const rateIntervalMs = flags['rate-interval'] !== undefined
      ? parseDuration(flags['rate-interval'], '--rate-interval')
      : isRate && metric.name !== 'cpu/usage_rate' ? 15_000 : 0;
    const config = await loadKubeConfig(kube);
    const parsed = parseTarget(args.target, { namespace: flags.namespace ?? config.namespace, allNamespaces: flags['all-namespaces'] });
    // a metric the model does not keep at the target's level is refused before anything is scraped
    if (metric) requireLevel(parsed, metric);
    // loaded here: the client's HTTPS, TLS and zlib cost an archived query ~20 ms of its start-up
    const { liveHistory, unmovedText } = await import('../cli/live-history.js');
    const live = await liveHistory({
      config, target: parsed, metric: metric?.name, rateIntervalMs, concurrency: flags.concurrency, nodeTimeoutMs,
      requestTimeoutMs: kube.requestTimeoutMs ?? 0, nodeSelector: flags['node-selector'],
      // a cpu or memory metric needs no filesystem, volume or network stats from the kubelets
      cpuAndMemoryOnly: !!metric && /^(cpu|memory)\//.test(metric.name),
      onWait: (ms) => process.stderr.isTTY && process.stderr.write(`scraping twice, ${ms / 1000}s apart, for counter rates...\n`),
      // what metrics.k8s.io serves: a pod's or node's cpu rate and working set
      ...(metric && (metric.name === 'memory/working_set' || (metric.name === 'cpu/usage_rate' && rateIntervalMs === 0)) && !['cluster', 'namespace', 'namespaces'].includes(parsed.kind)
        ? { onFallback: (line: string) => process.stderr.write(`note: ${line}\n`) } : {}),
    });
    if (live.failures.length) {
      const total = live.failures.length + live.nodesOk;
      const list = live.failures.map((f) => `${f.node} (${f.reason}: ${f.message})`).join(', ');
      process.stderr.write(`warning: ${live.failures.length} of ${total} nodes did not answer: ${list}\n`);
    }
    const target = resolveWorkload(parsed, live.objects.pods.values());
    const result = await runQuery(live.history, { target, metric: args.metric, labels, window: {}, labelSelector: flags.selector });
    if (isRate && live.unmoved.sets > 0) {
      // Heapster's rule gives no rate for stats that did not move: say so, not just "no samples"
      const { why, interval } = unmovedText(live.unmoved, rateIntervalMs);
      if (isEmptyResult(result)) throw usageError(`no ${metric.name} for ${result.about}: ${why}`, `give --rate-interval ${interval} or more`);
      process.stderr.write(`note: ${why}, and have no ${metric.name}; --rate-interval ${interval} or more gives it\n`);
    }
    renderResult(result, flags.output as OutputFormat, process.stdout, { noHeaders: flags['no-headers'] });
  }
}

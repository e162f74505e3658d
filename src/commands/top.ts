import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags, scopeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { archiveFlag, archiveReadFlags, openArchive, recordingFlags, resolveScope, windowFlags } from '../cli/archive-flags.js';
import { prose } from '../cli/prose.js';
import { historyTop, liveTop } from '../cli/top-answer.js';
import { topResource, TOP_RESOURCES } from '../cli/top-resource.js';
import { watchFrames } from '../cli/watch-screen.js';
import { loadKubeConfig } from '../cluster/load-kubeconfig.js';
import { parseDuration, TOP_AGGREGATIONS, usageError, type TopAggregation, type TopAnswer, type TopRequest } from '../query/index.js';
import { checkSortBy, renderTop, TOP_FORMATS, type TopFormat, type TopRenderOptions } from '../render/index.js';

export default class Top extends BaseCommand {
  static override summary = 'kubectl top with history: nodes, pods, containers, namespaces and workloads, live or over any recorded window.';
  static override description = prose(`RESOURCE is one of ${TOP_RESOURCES.join(', ')} (kubectl's short forms too: no, po, ns,
deploy, sts, ds). Live by default: one scrape of only the nodes needed, cpu from the kubelet's own
rate and MEMORY the working set, as kubectl top shows them; when nodes/proxy is forbidden and
metrics.k8s.io is served, its cpu and memory instead. Beyond kubectl top: cpu and memory as % of
request and of limit (- when a container has none), restarts, and with -o wide network rates,
ephemeral storage and the node.

With --since, --start/--end, --at, --recording, or --archive alone (all it holds) the archive
answers: each cell is --agg over the window (max by default), a trend column shows the window's
shape, and rows that appeared or died in the window say when (SEEN).`);

  static override examples = [
    'kubectl heapster top pods -A --sort-by=memory',
    'kubectl heapster top pods -n web --containers',
    'kubectl heapster top nodes -o wide',
    'kubectl heapster top deployments -n web',
    'kubectl heapster top pods -A --since 1h --sort-by=memory',
    'kubectl heapster top pods -n web --recording incident-4711 --agg p95',
    'kubectl heapster top namespaces --at 2026-12-04T09:30:00Z',
    'kubectl heapster top pods -n web --watch',
  ];

  static override args = {
    resource: Args.string({ description: 'nodes, pods, containers, namespaces, deployments, statefulsets, daemonsets, jobs', required: true }),
    name: Args.string({ description: 'one node, pod, namespace or workload' }),
  };

  static override flags = {
    ...kubeFlags,
    ...scopeFlags,
    ...archiveFlag,
    ...windowFlags,
    ...recordingFlags,
    at: Flags.string({ description: 'the recorded batch at or before this time (RFC 3339, -2h, or a local time)' }),
    agg: Flags.string({ description: `how a window becomes one cell: ${TOP_AGGREGATIONS.join(', ')}`, default: 'max' }),
    'field-selector': Flags.string({ description: 'select pods (metadata.name, metadata.namespace, spec.nodeName) or nodes (metadata.name)' }),
    containers: Flags.boolean({ description: 'one row per container (top pods)' }),
    by: Flags.string({ description: 'roll pods up: owner (their Deployment, StatefulSet, DaemonSet, Job)' }),
    'sort-by': Flags.string({ description: 'sort by a column, largest first: cpu, memory, restarts, cpu%lim, mem%lim, ...' }),
    'no-headers': Flags.boolean({ description: "don't print headers" }),
    sum: Flags.boolean({ description: 'print the sum of the resource usage' }),
    output: Flags.string({ char: 'o', description: 'output format', options: [...TOP_FORMATS], default: 'table' }),
    watch: Flags.boolean({ char: 'w', description: 'refresh in place every --interval (live only)' }),
    interval: Flags.string({ description: 'how often --watch refreshes', default: '15s' }),
    'rate-interval': Flags.string({ description: 'live -o wide: two scrapes this far apart for network rates', default: '15s' }),
    concurrency: Flags.integer({ description: 'nodes scraped at once (0: fitted to the cluster size)', default: 0, min: 0 }),
    'node-timeout': Flags.string({ description: 'how long one kubelet may take to answer', default: '10s' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Top);
    this.setVerbosity(flags.v);
    const kube = toKubeFlags(flags);
    const resource = topResource(args.resource, { containers: flags.containers, by: flags.by });
    if (!(TOP_AGGREGATIONS as readonly string[]).includes(flags.agg)) throw usageError(`--agg ${flags.agg} is not one of ${TOP_AGGREGATIONS.join(', ')}`, 'use --agg max (or p95, avg, min, last)');
    // --archive or --cluster-id alone ask for recorded data too, as --recording does: read live, the
    // archive named was ignored and a machine with only the archive got "no kubeconfig found"
    const reading = archiveReadFlags(flags);
    const history = reading.length > 0;
    if (history && flags.watch) throw usageError('--watch refreshes the live view', `drop --watch to read the archive, or drop ${reading.join(' and ')} to watch live`);
    const format = flags.output as TopFormat;
    const nodeTimeoutMs = parseDuration(flags['node-timeout'], '--node-timeout');
    const everyMs = parseDuration(flags.interval, '--interval');
    const rateIntervalMs = format === 'wide' ? parseDuration(flags['rate-interval'], '--rate-interval') : 0;
    const scoped = resource.level !== 'nodes' && resource.level !== 'namespaces';
    const opts: TopRenderOptions = {
      noHeaders: flags['no-headers'], allNamespaces: flags['all-namespaces'] && scoped, sum: flags.sum,
      colour: !!process.stdout.isTTY && !process.env.NO_COLOR && (format === 'table' || format === 'wide'),
      ...(flags['sort-by'] !== undefined ? { sortBy: flags['sort-by'] } : {}), trend: /^cpu/i.test(flags['sort-by'] ?? '') ? 'cpu' : 'memory',
    };
    // before a kubeconfig is read, a scrape made or a window read
    checkSortBy(resource.level, history ? 'archive' : 'kubelet', format, opts);
    const config = !history || flags.context || flags.kubeconfig ? await loadKubeConfig(kube) : undefined;
    // pods are of one namespace unless -A, as kubectl top's; namespaces and nodes are all unless -n names one
    const namespace = flags['all-namespaces'] ? undefined : scoped ? flags.namespace ?? config?.namespace ?? 'default' : resource.level === 'namespaces' ? flags.namespace : undefined;
    const req: TopRequest = {
      ...resource, ...(namespace !== undefined ? { namespace } : {}), ...(args.name !== undefined ? { name: args.name } : {}),
      ...(flags.selector !== undefined ? { labelSelector: flags.selector } : {}), ...(flags['field-selector'] !== undefined ? { fieldSelector: flags['field-selector'] } : {}),
      // the plain table shows no network rates or ephemeral storage, and sorts only by what it shows
      ...(format === 'table' ? { wide: false } : {}),
    };
    const say = (line: string) => void process.stderr.write(`${line}\n`);
    const render = (a: TopAnswer) => {
      let text = '';
      renderTop(a, format, { write: (s: string) => (text += s) }, opts);
      return text;
    };
    if (history) {
      const archive = await openArchive(flags.archive);
      const scope = await resolveScope(archive, flags, kube);
      const answer = await historyTop(archive, scope, req, { ...flags, agg: flags.agg as TopAggregation, slices: 24 });
      return void process.stdout.write(render(answer));
    }
    const base = { config: config!, concurrency: flags.concurrency, nodeTimeoutMs, requestTimeoutMs: kube.requestTimeoutMs ?? 0, rateIntervalMs, say };
    if (!flags.watch) return void process.stdout.write(render(await liveTop(req, base)));
    // loaded here, as liveTop loads it: the client's HTTPS, TLS and zlib are no archived top's
    const { LiveSession } = await import('../cli/live-history.js');
    const session = await LiveSession.open(config!, flags.concurrency, base.requestTimeoutMs);
    const live = () => liveTop(req, { ...base, session });
    try {
      await watchFrames(async () => {
        const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const head = format === 'table' || format === 'wide' ? `Every ${flags.interval}: kubectl heapster top ${this.argv.filter((a) => a !== '--watch' && a !== '-w').join(' ')}    ${stamp}\n\n` : '';
        try {
          return head + render(await live());
        } catch (e) {
          // a refresh that fails says why and the next one tries again; a usage error ends the watch
          if ((e as { code?: string }).code === 'usage') throw e;
          return `${head}error: ${(e as Error).message}\n`;
        }
      }, everyMs);
    } finally {
      session.close();
    }
  }
}

import { Flags } from '@oclif/core';
import { Archive, archiveDir, checkName, TickWriter } from '../archive/index.js';
import { archiveFlag, archiveNotice, recordingFlags, resolveScope } from '../cli/archive-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { listenError } from '../cli/listen-error.js';
import { kubeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../cluster/index.js';
import { usageError } from '../model/index.js';
import { ArchiveHistory, parseDuration, parseTime, type ArchiveScope } from '../query/index.js';
import { abortableSleep, runRecorder } from '../record/index.js';
import { goTime } from '../render/index.js';
import { startServer } from '../serve/index.js';
import { prose } from '../cli/prose.js';
import { recordedText } from '../cli/recorded-windows.js';
import { shellWord } from '../cli/shell-word.js';
import { liveSinkFlags, openSinks, replayFrom, sinkAccounts, sinkSummaryLine } from '../cli/sink-flags.js';
import { SinkQueue } from '../sinks/index.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export default class Serve extends BaseCommand {
  static override summary = "Serve Heapster's REST API (model, historical, metric-export) and the Resource Metrics API from the archive.";
  static override description = prose(`Old scripts, dashboards and autoscalers written against Heapster's /api/v1/model and
/api/v1/historical routes work again, answered from recorded data. The Resource Metrics API
(/apis/metrics.k8s.io/v1beta1) lets the real kubectl show any recorded minute:
  kubectl --server http://127.0.0.1:8082 top pods -A
With --live the same process also records the current cluster, like a running Heapster.
Binds to loopback; any other address needs --token or --client-ca-file (TLS alone is not authentication).`);

  static override examples = [
    'kubectl heapster serve',
    'kubectl heapster serve --recording incident-4711 --at 2026-11-26T14:05:00Z',
    'kubectl heapster serve --live --resolution 30s',
    'kubectl heapster serve --prometheus --recording incident-4711   # Grafana: a Prometheus data source at http://127.0.0.1:8082',
    'kubectl heapster serve --live --sink influxdb:http://influx.example:8086?db=k8s   # a running Heapster, --sink and all',
    'kubectl heapster serve --address 0.0.0.0 --token "$(cat token)" --tls-cert-file tls.crt --tls-private-key-file tls.key',
  ];

  static override flags = {
    ...kubeFlags, ...archiveFlag, ...recordingFlags,
    address: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'port to listen on (0: any free port)', default: 8082, min: 0, max: 65535 }),
    token: Flags.string({ description: 'require Authorization: Bearer TOKEN' }),
    'tls-cert-file': Flags.string({ description: 'serve HTTPS with this certificate' }),
    'tls-private-key-file': Flags.string({ description: 'the key of --tls-cert-file' }),
    'client-ca-file': Flags.string({ description: 'require client certificates signed by this CA' }),
    at: Flags.string({ description: 'the minute kubectl top shows (default: the newest batch)' }),
    live: Flags.boolean({ description: 'also record the current cluster in this process' }),
    prometheus: Flags.boolean({ description: "also answer Prometheus's HTTP API (/api/v1/query, query_range, series, labels): Grafana's Prometheus data source charts the archive" }),
    resolution: Flags.string({ description: 'with --live: time between scrapes', default: '60s' }),
    ...liveSinkFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    this.setVerbosity(flags.v);
    const kube = toKubeFlags(flags);
    const tls = !!flags['tls-cert-file'];
    if (tls !== !!flags['tls-private-key-file']) throw usageError('--tls-cert-file and --tls-private-key-file go together', 'pass both');
    if (flags['client-ca-file'] && !tls) throw usageError('--client-ca-file needs TLS', 'pass --tls-cert-file and --tls-private-key-file');
    // TLS alone encrypts but lets anyone in: only a token or a client CA says who may read
    if (!LOOPBACK.has(flags.address) && !flags.token && !flags['client-ca-file']) {
      throw usageError(`refusing to serve cluster data on ${flags.address} without authentication`, 'pass --token, or --client-ca-file with TLS, or keep --address 127.0.0.1');
    }
    if (flags.sink?.length && !flags.live) throw usageError('--sink sends what is recorded, and serve records only with --live', 'add --live, or send a recording with `kubectl heapster sink push`');
    const drainMs = parseDuration(flags['sink-drain'], '--sink-drain', { zero: true });
    const at = flags.at !== undefined ? parseTime(flags.at, '--at', Date.now()) : undefined;
    // a sink that refuses is found before an archive is made, the server listens or a recording begins
    const sinks = flags.sink?.length ? await openSinks(flags.sink, flags['sink-credentials']) : [];
    const archive = await Archive.open(archiveDir(flags.archive), !!flags.live, { notice: archiveNotice });
    const stop = new AbortController();
    const resolutionMs = parseDuration(flags.resolution, '--resolution');
    const config = flags.live ? await loadKubeConfig(kube) : undefined;
    // listening first: a port in use must not leave an empty live recording behind
    const scope: ArchiveScope = config ? { cluster: clusterIdentity(config) } : await resolveScope(archive, flags, kube);
    const history = new ArchiveHistory(archive, scope);
    if (at !== undefined && !config) {
      // a minute nothing was recorded at would serve an empty cluster to kubectl top, silently
      const windows = await history.recordedWindows();
      if (!windows.some((r) => r.start <= at && at <= r.end + 60_000)) throw usageError(`--at ${flags.at} is outside every recorded window`, await recordedText(history));
    }
    // under --live, the first batch is the boundary after the start, scraped a quarter resolution later
    const firstBatch = Math.floor(Date.now() / resolutionMs) * resolutionMs + resolutionMs + Math.min(5000, resolutionMs / 4);
    const server = await startServer({
      history, address: flags.address, port: flags.port, token: flags.token,
      tlsCertFile: flags['tls-cert-file'], tlsKeyFile: flags['tls-private-key-file'], clientCaFile: flags['client-ca-file'], at, prometheus: flags.prometheus, version: this.config.version,
      ...(config ? { live: { resolutionMs, firstBatchBy: () => firstBatch } } : {}),
      ...(flags.v >= 2 ? { log: (l: string) => process.stderr.write(`${goTime(Date.now())} ${l}\n`) } : {}),
    }).catch((e: unknown) => {
      for (const s of sinks) s.close();
      return Promise.reject(listenError(e, flags.address, flags.port));
    });
    let finish: (() => Promise<void>) | undefined;
    let recording: string | undefined;
    if (config) {
      const client = await ApiClient.create(config).catch(async (e: unknown) => {
        await server.close();
        for (const s of sinks) s.close();
        throw e;
      });
      const name = recording = checkName(`serve-${goTime(Date.now()).replace(/[-:]/g, '').replace('T', '-').replace(/\..*|Z/g, '')}`, 'recording');
      const writer = await TickWriter.start(archive, { name, cluster: clusterIdentity(config), context: config.contextName, server: config.server, resolutionMs, startedAt: Date.now(), status: 'recording', nodes: 0, ticks: 0 });
      const queues = sinks.map((sink) => new SinkQueue(sink, { bound: flags['sink-queue'], replay: replayFrom(archive, name) }));
      if (queues.length) writer.reportSinks(() => sinkAccounts(queues));
      const live = runRecorder({
        client, archive, writer, resolutionMs, scope: {}, concurrency: 0, nodeTimeoutMs: 10_000, requestTimeoutMs: 30_000,
        now: Date.now, sleep: abortableSleep, signal: stop.signal,
        onBatch: (b) => queues.forEach((q) => q.offer(b)),
      }).catch((e) => process.stderr.write(`error: recording stopped: ${(e as Error).message}\n`));
      finish = async () => {
        await live;
        client.close();
        const sent = await Promise.all(queues.map((q) => q.drain(drainMs)));
        await writer.finish('done');
        const where = `--recording ${name}${flags.archive ? ` --archive ${shellWord(archive.dir)}` : ''}`;
        for (const [i, q] of queues.entries()) process.stdout.write(`${sinkSummaryLine(q.sink.shown, sent[i]!, where)}\n`);
      };
    }
    process.stdout.write(`serving Heapster's API from ${archive.dir} at ${server.url}${recording ? ` (recording live as "${recording}"${sinks.length ? `, sent to ${sinks.map((s) => s.shown).join(', ')}` : ''})` : ''}\n` +
      `  try: curl ${server.url}/api/v1/model/namespaces\n  or:  kubectl --server ${server.url} top pods -A\n` +
      (flags.prometheus ? `  and: curl -G ${server.url}/api/v1/query --data-urlencode 'query=sum by (namespace_name) (heapster_memory_usage{type="ns"})'\n` +
        `  in Grafana: a Prometheus data source with URL ${server.url}\n` : ''));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    stop.abort();
    await server.close();
    await finish?.();
    // what was recorded stays in the archive: say how to read it after the server is gone
    if (recording) process.stdout.write(`stopped; the live recording is kept: kubectl heapster query namespaces --recording ${recording}${flags.archive ? ` --archive ${shellWord(archive.dir)}` : ''}\n`);
  }
}

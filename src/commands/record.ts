import { Flags } from '@oclif/core';
import { Archive, archiveDir, checkName, keepMemoryBetweenTicks, memoryLimit, selectRecordings, TickWriter } from '../archive/index.js';
import { archiveFlag, archiveNotice } from '../cli/archive-flags.js';
import { BaseCommand } from '../cli/base-command.js';
import { kubeFlags, scopeFlags, toKubeFlags } from '../cli/kube-flags.js';
import { progressPrinter } from '../cli/progress.js';
import { liveSinkFlags, openSinks, replayFrom, sinkAccounts, sinkProgress, sinkSummaryLine } from '../cli/sink-flags.js';
import { checkRecordScope } from '../cli/record-scope.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../cluster/index.js';
import { PluginError, usageError } from '../model/index.js';
import { labelSelector, parseDuration, parseTime } from '../query/index.js';
import { abortableSleep, runRecorder } from '../record/index.js';
import { formatBytes, goTime } from '../render/index.js';
import { SinkQueue } from '../sinks/index.js';
import { prose } from '../cli/prose.js';
import { shellWord } from '../cli/shell-word.js';
import { errorLine } from '../cli/system-error.js';

/** cAdvisor's housekeeping period, which kubelet stats move at (metrics-server advises 15 s at least) */
const KUBELET_PERIOD_MS = 10_000;

export default class Record extends BaseCommand {
  static override summary = 'Record the cluster into the local archive: Heapster-model batches as Parquet snapshots.';
  static override description = prose(`Scrapes every --resolution (ticks aligned to it, as Heapster did: the batch scraped after boundary B
is stamped B), runs the model and appends each batch to the archive until --for or --until passes, or
Ctrl-C. Ctrl-C (SIGINT/SIGTERM) finishes the batch in hand, writes it and exits 0; a second Ctrl-C stops
at once; even kill -9 loses at most that batch. Every boundary is a batch or a gap: a node that has not
answered before the next boundary is a gap of that tick, and an API server that goes away is retried with
backoff. Pod and node objects are kept beside the samples, so pods that died during the incident can
still be explained.`);

  static override examples = [
    'kubectl heapster record --for 30m',
    'kubectl heapster record --name incident-4711 --resolution 15s -n payments',
    'kubectl heapster record --until 18:00 --node-selector node-pool=gpu',
  ];

  static override flags = {
    ...kubeFlags,
    ...scopeFlags,
    ...archiveFlag,
    resolution: Flags.string({ description: 'time between scrapes (at least 1s)', default: '60s' }),
    for: Flags.string({ description: 'stop after this long (e.g. 30m)' }),
    until: Flags.string({ description: 'stop at this time (RFC 3339 or local)' }),
    name: Flags.string({ description: 'the recording name (default: context and start time)' }),
    'node-selector': Flags.string({ description: 'only scrape nodes with these labels' }),
    concurrency: Flags.integer({ description: 'nodes scraped at once (0: fitted to the cluster size)', default: 0, min: 0 }),
    'node-timeout': Flags.string({ description: 'how long one kubelet may take to answer', default: '10s' }),
    ...liveSinkFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Record);
    this.setVerbosity(flags.v);
    const now = Date.now;
    const kube = toKubeFlags(flags);
    const resolutionMs = parseDuration(flags.resolution, '--resolution');
    if (resolutionMs < 1000) throw usageError(`--resolution ${flags.resolution} is below 1s`, 'use 1s or more (Heapster used 60s)');
    // before DuckDB loads: at 1 s, taking each tick's memory back from the system was a sixth of the CPU
    keepMemoryBetweenTicks(resolutionMs);
    if (flags.for !== undefined && flags.until !== undefined) throw usageError('--for and --until both set the end', 'use one of them');
    const until = flags.for !== undefined ? now() + parseDuration(flags.for, '--for') : flags.until !== undefined ? parseTime(flags.until, '--until', now()) : undefined;
    if (until !== undefined && flags.until !== undefined && until <= now()) throw usageError(`--until ${flags.until} is in the past`, 'give a later time');
    const nodeTimeoutMs = parseDuration(flags['node-timeout'], '--node-timeout');
    const podMatches = flags.selector ? labelSelector(flags.selector) : undefined;
    const config = await loadKubeConfig(kube);
    const started = now();
    const name = checkName(flags.name ?? `${config.contextName}-${goTime(started).replace(/[-:]/g, '').replace('T', '-').replace('Z', '')}`.replace(/[^a-zA-Z0-9._-]/g, '-'), 'the recording name');
    const drainMs = parseDuration(flags['sink-drain'], '--sink-drain', { zero: true });
    // a sink that refuses (credentials, database, no receiver) is found before anything is recorded
    const sinks = flags.sink?.length ? await openSinks(flags.sink, flags['sink-credentials']) : [];
    const client = await ApiClient.create(config, { maxSockets: flags.concurrency || 64 });
    const namespace = flags.namespace && !flags['all-namespaces'] ? flags.namespace : undefined;
    let archive: Archive;
    try {
      // what would record nothing is refused before an archive is made for it
      await checkRecordScope(client, { namespace, selector: flags.selector, podMatches, nodeSelector: flags['node-selector'] }, kube.requestTimeoutMs || 30_000);
      archive = await Archive.open(archiveDir(flags.archive), true, { notice: archiveNotice });
      const existing = await archive.catalog(true, (con) => selectRecordings(con, name));
      if (existing.length > 0) throw usageError(`a recording "${name}" already exists`, 'pick another --name');
    } catch (e) {
      client.close();
      for (const s of sinks) s.close();
      throw e;
    }
    const queues = sinks.map((sink) => new SinkQueue(sink, { bound: flags['sink-queue'], replay: replayFrom(archive, name) }));
    const writer = await TickWriter.start(archive, {
      name, cluster: clusterIdentity(config), context: config.contextName, server: config.server,
      resolutionMs, startedAt: started, status: 'recording', nodes: 0, ticks: 0,
    });
    if (queues.length) writer.reportSinks(() => sinkAccounts(queues));
    const stop = new AbortController();
    // the first Ctrl-C is answered at once; a second one stops now, as a kill would: every batch
    // already written stays, and the next command finds the recording ended
    const onSignal = () => {
      if (!stop.signal.aborted) {
        stop.abort();
        process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}finishing the batch in hand; Ctrl-C again to stop now\n`);
        return;
      }
      process.stderr.write('stopped; the batch in hand was not written\n');
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // a reader that went away (`record | head`) stops the recording as Ctrl-C does: the write's
    // EPIPE had killed it mid-tick, its recording left marked as running
    const onPipeError = (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      stop.abort();
    };
    process.stdout.on('error', onPipeError);
    process.stderr.on('error', onPipeError);
    process.stderr.write(`recording "${name}" into ${archive.dir} every ${flags.resolution}${until ? ` until ${goTime(until)}` : ''}; Ctrl-C to stop\n`);
    if (resolutionMs < KUBELET_PERIOD_MS) {
      process.stderr.write(`note: kubelets refresh their stats about every 10-15 s; at ${flags.resolution} many ticks repeat the last values, and their rates are those of the last tick the stats moved (Heapster had none)\n`);
    }
    let status: 'done' | 'interrupted' | 'failed' = 'done';
    let failure: string | undefined;
    try {
      const sum = await runRecorder({
        client, archive, writer, resolutionMs, until, nodeSelector: flags['node-selector'],
        scope: { ...(namespace ? { namespace } : {}), ...(podMatches ? { podMatches } : {}) },
        concurrency: flags.concurrency, nodeTimeoutMs, requestTimeoutMs: kube.requestTimeoutMs || 30_000,
        now, sleep: abortableSleep, signal: stop.signal, onTick: progressPrinter(process.stderr, started, now, () => sinkProgress(queues)),
        onBatch: (b) => queues.forEach((q) => q.offer(b)),
        onCompactionError: (e) => process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}warning: the hourly compaction stopped: ${errorLine(e, memoryLimit())}; the files stay as they were, all readable, and \`kubectl heapster archive compact${flags.archive ? ` --archive ${shellWord(archive.dir)}` : ''}\` merges them later\n`),
        onBehind: (ms, missed) => process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}warning: the recorder fell ${Math.round(ms / 1000)}s behind --resolution ${flags.resolution} (${missed} boundaries kept as gaps); a slower --resolution or fewer nodes (--node-selector) keeps up\n`),
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      const window = sum.first !== undefined ? `${goTime(sum.first)} to ${goTime(sum.last!)}` : 'no batch written';
      // the archive named as it was given: without it, the hints would read the default archive
      const where = `--recording ${name}${flags.archive ? ` --archive ${shellWord(archive.dir)}` : ''}`;
      const sent = await Promise.all(queues.map((q) => q.drain(drainMs)));
      process.stdout.write([
        `recording "${name}": ${sum.ticks} ticks, ${window}`,
        ...queues.map((q, i) => `  ${sinkSummaryLine(q.sink.shown, sent[i]!, where)}`),
        `  ${sum.rows} samples in ${sum.files} files (${formatBytes(sum.bytes)}), ${sum.gaps} gaps${sum.lastError ? ` (last: ${sum.lastError})` : ''}`,
        `query it: kubectl heapster query namespaces ${where}`,
        `          kubectl heapster query cluster memory/usage ${where} -o chart`,
      ].join('\n') + '\n');
    } catch (e) {
      // credentials or TLS that stay refused end the recording as failed, the reason kept with it
      status = e instanceof PluginError && ['unauthorized', 'forbidden', 'tls'].includes(e.code) ? 'failed' : 'interrupted';
      failure = e instanceof PluginError ? e.line : (e as Error).message;
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      client.close();
      // after a failure the sinks stop at once; what they did not send is in the archive for sink push
      if (status !== 'done') await Promise.all(queues.map((q) => q.drain(0)));
      try {
        await writer.finish(status, failure);
      } catch (e) {
        // a disk that filled up fails the ending too: the error in hand is the one to tell, and the
        // next command finds the recording's process gone and ends it
        if (failure === undefined) throw e;
      }
    }
  }
}

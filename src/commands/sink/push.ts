import { Flags } from '@oclif/core';
import { readRecordedBatches, selectRecordings } from '../../archive/index.js';
import { archiveFlag, openArchive, requireRecording } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { prose } from '../../cli/prose.js';
import { openSinks, sendWithRetry, sinkFlags } from '../../cli/sink-flags.js';
import { PluginError, usageError } from '../../model/index.js';
import { parseWindow } from '../../query/index.js';
import { SinkError } from '../../sinks/index.js';

export default class SinkPush extends BaseCommand {
  static override summary = 'Send a recording (or a window of it) to InfluxDB, Prometheus, Graphite or OpenTSDB, as Heapster\'s sinks wrote it.';
  static override description = prose(`The batches are read back from the archive in time order, with the labels Heapster gave them
(rebuilt from the pod and node objects recorded beside the samples), and sent to every --sink. Each
sink is probed first: unreachable servers, refused credentials and databases that cannot be made are
one line before anything is sent. A batch the server cannot take now (down, busy, 5xx) is tried again
with a doubling wait; one it refuses (4xx) stops the push, saying how far it got.`);

  static override examples = [
    'kubectl heapster sink push --recording incident-4711 --sink influxdb:http://influx.example:8086?db=k8s',
    'kubectl heapster sink push --recording incident-4711 --sink prometheus:http://prometheus:9090/api/v1/write --sink-credentials creds.yaml',
    'kubectl heapster sink push --recording incident-4711 --start 2026-12-04T09:00:00Z --end 2026-12-04T10:00:00Z --sink graphite:tcp://carbon:2003',
  ];

  static override flags = {
    ...archiveFlag,
    recording: Flags.string({ required: true, description: 'the recording to send (`archive ls` lists them)' }),
    start: Flags.string({ description: 'send from this time (default: the recording\'s start)' }),
    end: Flags.string({ description: 'send up to this time, inclusive (default: its end)' }),
    ...sinkFlags,
    retries: Flags.integer({ description: 'tries per batch while a sink is down or busy', default: 6, min: 1 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SinkPush);
    if (!flags.sink?.length) throw usageError('sink push needs at least one --sink', 'e.g. --sink influxdb:http://127.0.0.1:8086?db=k8s');
    const w = parseWindow(flags, Date.now());
    const archive = await openArchive(flags.archive);
    const recs = await archive.catalog(true, (con) => selectRecordings(con));
    requireRecording(archive, flags.recording, recs.map((r) => r.name));
    const rec = recs.find((r) => r.name === flags.recording)!;
    if (rec.tsMin === undefined) throw usageError(`the recording "${rec.name}" holds no batch yet`, 'pick one that `archive ls` shows with samples');
    const range = { start: Math.max(w.start ?? rec.tsMin, rec.tsMin), end: Math.min(w.end ?? rec.tsMax!, rec.tsMax!) };
    if (range.start > range.end) throw usageError(`the window holds nothing of "${rec.name}"`, `it runs from ${new Date(rec.tsMin).toISOString()} to ${new Date(rec.tsMax!).toISOString()}`);
    const sinks = await openSinks(flags.sink, flags['sink-credentials']);
    const scope = { recording: rec.name, start: range.start, end: range.end };
    const files = {
      samples: await archive.files({ kind: 'samples', ...scope }),
      pods: await archive.files({ kind: 'pods', recording: rec.name, end: range.end }),
      nodes: await archive.files({ kind: 'nodes', recording: rec.name, end: range.end }),
    };
    const sent = sinks.map(() => ({ batches: 0, samples: 0 }));
    const t0 = Date.now();
    const tty = process.stderr.isTTY;
    try {
      const total = Math.floor((range.end - range.start) / rec.resolutionMs) + 1;
      await readRecordedBatches(files, { recording: rec.name }, range, async (batch) => {
        for (const [i, sink] of sinks.entries()) {
          try {
            sent[i]!.samples += await sendWithRetry(sink, () => sink.send(batch), flags.retries);
          } catch (e) {
            const why = e instanceof SinkError ? e.message : (e as Error).message;
            throw new PluginError('http', `sink ${sink.shown} did not take the batch of ${new Date(batch.timestamp).toISOString()}: ${why}`,
              `${sent[i]!.batches} batches before it were sent; push again with --start ${new Date(batch.timestamp).toISOString()} once it is fixed`);
          }
          sent[i]!.batches++;
        }
        if (tty) process.stderr.write(`\rsent ${sent[0]!.batches} of about ${total} batches`);
      });
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
      for (const s of sinks) s.close();
    }
    const secs = (Date.now() - t0) / 1000;
    for (const [i, s] of sinks.entries()) {
      const { batches, samples } = sent[i]!;
      process.stdout.write(`${s.shown}: ${batches} batches, ${samples} samples in ${secs.toFixed(1)} s (${Math.round(samples / Math.max(secs, 0.001))} samples/s)\n`);
    }
  }
}

import { Flags } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { readRecordedBatches, type Archive, type SinkRecord } from '../archive/index.js';
import { goTime } from '../render/index.js';
import { usageError, type Batch } from '../model/index.js';
import { makeSink, parseSinkSpec, SinkError, type Sink, type SinkCredentials, type SinkQueue, type SinkStats } from '../sinks/index.js';

export const sinkFlags = {
  sink: Flags.string({ multiple: true, description: 'send every batch here too: influxdb:URL?db=k8s, prometheus:URL (remote write), graphite:tcp://HOST:PORT, opentsdb:URL; repeatable' }),
  'sink-credentials': Flags.string({ description: 'a YAML file of sink options kept off the command line: {influxdb: {user: u, pw: p}}' }),
};

/** What a command that records (record, serve --live) adds: how much each sink holds, and how long it may finish. */
export const liveSinkFlags = {
  ...sinkFlags,
  'sink-queue': Flags.integer({ description: 'batches each sink holds in memory, fewer if they pass 2 M samples in all; past it, a slow sink reads them back from the archive', default: 10, min: 1 }),
  'sink-drain': Flags.string({ description: 'at the end, how long sinks may take to send what they hold', default: '30s' }),
};

/**
 * The sinks a command was given, probed before anything is sent: a server that refuses the
 * credentials or the database is found here, with one line, before a recording begins.
 */
export async function openSinks(specs: readonly string[], credentialsFile: string | undefined): Promise<Sink[]> {
  const creds = credentialsFile ? readCredentials(credentialsFile) : {};
  const sinks = specs.map((s) => makeSink(parseSinkSpec(s, creds)));
  try {
    for (const s of sinks) await s.probe();
  } catch (e) {
    for (const s of sinks) s.close();
    throw e;
  }
  return sinks;
}

function readCredentials(file: string): SinkCredentials {
  let doc: unknown;
  try {
    doc = load(readFileSync(file, 'utf8'));
  } catch (e) {
    // the file's contents are secrets: its name and the parser's reason only, never a line of it
    throw usageError(`--sink-credentials ${file} cannot be read: ${(e as Error).message.split('\n')[0]!.replace(/ \(\d+:\d+\)$/, '').slice(0, 80)}`, 'give a YAML mapping: {influxdb: {user: u, pw: p}}');
  }
  const ok = doc && typeof doc === 'object' && Object.values(doc).every((v) => v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number'));
  if (!ok) throw usageError(`--sink-credentials ${file} is not a mapping of sink to options`, 'give a YAML mapping: {influxdb: {user: u, pw: p}, "prometheus:mimir:8080": {bearer_token: t}}');
  return Object.fromEntries(Object.entries(doc as Record<string, Record<string, unknown>>).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([o, x]) => [o, String(x)]))]));
}

/**
 * One batch to one sink, tried again with a doubling wait while the failure is one that waiting
 * can mend (the server down or busy); a refused batch is not retried.
 */
export async function sendWithRetry(sink: Sink, send: () => Promise<number>, attempts: number, firstWaitMs = 1000): Promise<number> {
  for (let i = 0; ; i++) {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof SinkError) || !e.retryable || i + 1 >= attempts) throw e;
      await new Promise((r) => setTimeout(r, firstWaitMs * 2 ** i));
      // a database dropped under us, or a server restarted empty: set up again before the retry
      await sink.probe().catch(() => undefined);
    }
  }
}

/** Recorded batches read back by time, for a sink that fell behind (see SinkQueue). */
export function replayFrom(archive: Archive, recording: string): (from: number, to: number) => Promise<Batch[]> {
  return async (from, to) => {
    const files = {
      samples: await archive.files({ kind: 'samples', recording, start: from, end: to }),
      pods: await archive.files({ kind: 'pods', recording, end: to }),
      nodes: await archive.files({ kind: 'nodes', recording, end: to }),
    };
    const found: Batch[] = [];
    await readRecordedBatches(files, { recording }, { start: from, end: to }, (b) => void found.push(b));
    return found;
  };
}

/** `influxdb 120 sent, 3 pending` for each sink, for the progress line. */
export function sinkProgress(queues: readonly SinkQueue[]): string {
  return queues.map((q) => {
    const s = q.status;
    return `, ${q.sink.shown.split(':')[0]} ${s.sent} sent${s.pending ? `, ${s.pending} pending` : ''}${s.failed ? `, ${s.failed} failed` : ''}`;
  }).join('');
}

/** Each sink's account as the recording's manifest keeps it. */
export function sinkAccounts(queues: readonly SinkQueue[]): SinkRecord[] {
  return queues.map((q) => ({ sink: q.sink.shown, ...q.status }));
}

/** A sink's line in a recording's summary, with the `sink push` that sends what it still owes. */
export function sinkSummaryLine(shown: string, s: SinkStats, where: string): string {
  const left = s.pending && s.oldestPending !== undefined ? `; send the rest with kubectl heapster sink push ${where} --start ${goTime(s.oldestPending)} --sink ${shown}` : '';
  return `sink ${shown}: ${s.sent} batches sent, ${s.pending} pending, ${s.failed} failed${s.lastError && (s.pending || s.failed) ? ` (last: ${s.lastError})` : ''}${left}`;
}

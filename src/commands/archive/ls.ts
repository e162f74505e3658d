import { Flags } from '@oclif/core';
import { selectRecordings, wasKilled, type Recording, type RecordingStats } from '../../archive/index.js';
import { archiveFlag, openArchive } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { csvText, documentText, formatBytes, formatDuration, goTime, plainTable } from '../../render/index.js';

const FORMATS = ['table', 'wide', 'json', 'yaml', 'csv'] as const;

export default class ArchiveLs extends BaseCommand {
  static override summary = 'List the recordings in the archive: name, cluster, window, resolution, rows, size, gaps.';
  static override examples = ['kubectl heapster archive ls', 'kubectl heapster archive ls -o wide', 'kubectl heapster archive ls -o json'];
  static override flags = {
    ...archiveFlag,
    output: Flags.string({ char: 'o', options: [...FORMATS], default: 'table', description: 'output format' }),
    'no-headers': Flags.boolean({ description: "don't print table or CSV headers" }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchiveLs);
    const archive = await openArchive(flags.archive);
    const recs = await archive.catalog(true, (con) => selectRecordings(con));
    const now = Date.now();
    if (flags.output === 'json' || flags.output === 'yaml') {
      return void process.stdout.write(documentText({ kind: 'RecordingList', archive: archive.dir, items: recs.map((r) => recordingDocument(r, now)) }, flags.output));
    }
    if (flags.output === 'csv') {
      const head = ['name', 'cluster', 'context', 'server', 'start', 'end', 'resolution_seconds', 'nodes', 'ticks', 'samples', 'files', 'bytes', 'gaps', 'status'];
      return void process.stdout.write(csvText(head, recs.map((r) => [
        r.name, r.cluster, r.context, r.server, r.tsMin !== undefined ? goTime(r.tsMin) : '', r.tsMax !== undefined ? goTime(r.tsMax) : '', String(r.resolutionMs / 1000),
        String(r.nodes), String(r.ticks), String(r.rows), String(r.files), String(r.bytes), String(r.gaps), statusOf(r, now),
      ]), flags['no-headers']));
    }
    const wide = flags.output === 'wide';
    const rows = recs.map((r) => [
      r.name, r.cluster, ...(wide ? [r.context, r.server] : []), r.tsMin !== undefined ? `${goTime(r.tsMin)} .. ${goTime(r.tsMax!)}` : '-', formatDuration(r.resolutionMs),
      ...(wide ? [String(r.nodes), String(r.ticks)] : []), String(r.rows), ...(wide ? [String(r.files)] : []), formatBytes(r.bytes), String(r.gaps), statusOf(r, now),
    ]);
    const head = ['name', 'cluster', ...(wide ? ['context', 'server'] : []), 'window', 'resolution', ...(wide ? ['nodes', 'ticks'] : []), 'samples', ...(wide ? ['files'] : []), 'size', 'gaps', 'status'];
    process.stdout.write(rows.length ? plainTable(head, rows, flags['no-headers']) : `no recordings in ${archive.dir}\n`);
  }
}

export function statusOf(r: Recording, now = Date.now()): string {
  return wasKilled(r, now) ? 'stopped (killed)' : r.status;
}

/** A recording for scripts: RFC 3339 times and durations in seconds, as the rest of the product's machine output. */
export function recordingDocument(r: RecordingStats, now: number): object {
  return {
    name: r.name, cluster: r.cluster, context: r.context, server: r.server, status: statusOf(r, now),
    ...(r.lastError ? { lastError: r.lastError } : {}),
    startedAt: goTime(r.startedAt), ...(r.endedAt !== undefined ? { endedAt: goTime(r.endedAt) } : {}),
    window: r.tsMin !== undefined ? { start: goTime(r.tsMin), end: goTime(r.tsMax!) } : null,
    resolutionSeconds: r.resolutionMs / 1000, nodes: r.nodes, ticks: r.ticks,
    samples: r.rows, files: r.files, bytes: r.bytes, gaps: r.gaps,
  };
}

import { Flags } from '@oclif/core';
import { selectRecordings, wasKilled, type Recording } from '../../archive/index.js';
import { archiveFlag, openArchive } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { formatBytes, formatDuration, goTime, plainTable } from '../../render/index.js';

export default class ArchiveLs extends BaseCommand {
  static override summary = 'List the recordings in the archive: name, cluster, window, resolution, rows, size, gaps.';
  static override examples = ['kubectl heapster archive ls', 'kubectl heapster archive ls -o json'];
  static override flags = {
    ...archiveFlag,
    output: Flags.string({ char: 'o', options: ['table', 'json'], default: 'table', description: 'output format' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchiveLs);
    const archive = await openArchive(flags.archive);
    const recs = await archive.catalog(true, (con) => selectRecordings(con));
    if (flags.output === 'json') return void process.stdout.write(JSON.stringify(recs, null, 2) + '\n');
    const rows = recs.map((r) => [
      r.name, r.cluster, r.tsMin !== undefined ? `${goTime(r.tsMin)} .. ${goTime(r.tsMax!)}` : '-', formatDuration(r.resolutionMs),
      String(r.rows), formatBytes(r.bytes), String(r.gaps), statusOf(r),
    ]);
    process.stdout.write(rows.length ? plainTable(['name', 'cluster', 'window', 'resolution', 'samples', 'size', 'gaps', 'status'], rows) : `no recordings in ${archive.dir}\n`);
  }
}

export function statusOf(r: Recording): string {
  return wasKilled(r, Date.now()) ? 'stopped (killed)' : r.status;
}

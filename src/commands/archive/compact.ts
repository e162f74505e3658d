import { Flags } from '@oclif/core';
import { backfillSeriesIndexes, compact, keepFreedMemoryBriefly, type MergeStart } from '../../archive/index.js';
import { archiveFlag, openArchive, requireRecording } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { formatBytes } from '../../render/index.js';

export default class ArchiveCompact extends BaseCommand {
  static override summary = 'Merge small snapshots into daily files sorted by series and time, without losing or duplicating a row.';
  static override examples = ['kubectl heapster archive compact', 'kubectl heapster archive compact --recording incident-4711'];
  static override flags = { ...archiveFlag, recording: Flags.string({ description: 'only this recording' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchiveCompact);
    keepFreedMemoryBriefly();
    const archive = await openArchive(flags.archive);
    // a mistyped name must not read as "nothing to compact"
    if (flags.recording) requireRecording(archive, flags.recording, (await archive.recordingRows()).map((x) => x.name));
    // a day of a 1 s recording takes minutes: a terminal is shown which merge is in hand
    const tty = process.stderr.isTTY;
    const onMerge = (m: MergeStart) => process.stderr.write(`\r\x1b[2Kmerging ${m.files} ${m.kind.slice(0, -1)} file${m.files === 1 ? '' : 's'} (${m.rows} rows) of ${
      m.level === 1 ? `${new Date(m.tsMin).toISOString().slice(0, 13).replace('T', ' ')}:00 into an hour` : `${m.date} into the day`}`);
    const r = await compact(archive, { level: 2, ...(flags.recording ? { recording: flags.recording } : {}), ...(tty ? { onMerge } : {}) })
      .finally(() => tty && process.stderr.write('\r\x1b[2K'));
    // samples, as `archive ls` and `export` count them: the pod and node rows said apart, or a user
    // comparing the three would think rows were added
    const others = r.rows - r.samples;
    // days compacted before series indexes existed get theirs, so label listings over them read it
    if (tty) process.stderr.write('indexing the series of files compacted before series indexes…');
    const indexed = await backfillSeriesIndexes(archive, flags.recording ? { recording: flags.recording } : {}).finally(() => tty && process.stderr.write('\r\x1b[2K'));
    process.stdout.write(r.merged
      ? `merged ${r.merged} files into ${r.written} (${r.samples} samples${others ? ` and ${others} pod and node rows` : ''}, ${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)})\n`
      : indexed ? '' : 'nothing to compact\n');
    if (indexed) process.stdout.write(`indexed the series of ${indexed} compacted ${indexed === 1 ? 'hour or day' : 'hours and days'} that had no index\n`);
  }
}

import { Flags } from '@oclif/core';
import { prune, selectRecordings } from '../../archive/index.js';
import { archiveFlag, openArchive, requireRecording } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { usageError } from '../../model/index.js';
import { parseDuration } from '../../query/index.js';
import { formatBytes } from '../../render/index.js';

export default class ArchivePrune extends BaseCommand {
  static override summary = 'Delete recorded data older than a duration, or a whole recording.';
  static override examples = ['kubectl heapster archive prune --older-than 7d', 'kubectl heapster archive prune --recording incident-4711'];
  static override flags = {
    ...archiveFlag,
    'older-than': Flags.string({ description: 'delete files whose newest sample is older than this (e.g. 7d)' }),
    recording: Flags.string({ description: 'delete this recording' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchivePrune);
    if (!flags['older-than'] && !flags.recording) throw usageError('prune needs --older-than or --recording', 'e.g. --older-than 7d');
    const olderThan = flags['older-than'] !== undefined ? Date.now() - parseDuration(flags['older-than'], '--older-than', { zero: true }) : undefined;
    const archive = await openArchive(flags.archive);
    // a mistyped name must not read as "deleted 0 files"
    if (flags.recording) requireRecording(archive, flags.recording, (await archive.catalog(true, (con) => selectRecordings(con))).map((x) => x.name));
    const r = await prune(archive, { ...(olderThan !== undefined ? { olderThan } : {}), ...(flags.recording ? { recording: flags.recording } : {}) });
    const recs = r.recordings.length === 1 ? `the recording ${r.recordings[0]}` : `the recordings ${r.recordings.join(', ')}`;
    process.stdout.write(`deleted ${r.files === 1 ? '1 file' : `${r.files} files`} (${formatBytes(r.bytes)})${r.recordings.length ? ` and ${recs}, left empty` : ''}\n`);
  }
}

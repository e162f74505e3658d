import { Flags } from '@oclif/core';
import { Archive, archiveDir, repairArchive } from '../../archive/index.js';
import { archiveFlag, archiveNotice } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';

export default class ArchiveRepair extends BaseCommand {
  static override summary = 'Repair what a crash left: finish or undo interrupted swaps, remove unfinished writes, adopt complete files, rebuild the catalog.';
  static override description = `The Parquet files are the archive's truth and describe themselves; the catalog is an index of them.
Repair finishes or undoes a compaction or prune that was killed, removes unfinished writes of processes
that are gone, adds complete files the catalog never heard of, marks recordings whose process is gone as
interrupted, and drops catalog rows of files that are missing (saying what was lost). A catalog that
cannot be read (or --rebuild) is rebuilt from the files, the old one kept aside. Files that are not the
archive's own are never touched. Every command does the light part of this when it opens the archive.`;
  static override examples = ['kubectl heapster archive repair', 'kubectl heapster archive repair --rebuild'];
  static override flags = { ...archiveFlag, rebuild: Flags.boolean({ description: 'rebuild the catalog from the files even if it reads' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchiveRepair);
    const archive = await Archive.open(archiveDir(flags.archive), false, { reconcile: false, notice: archiveNotice });
    const lines = await repairArchive(archive, { rebuild: flags.rebuild });
    for (const l of lines) process.stdout.write(`${l}\n`);
    process.stdout.write(lines.length ? `repaired ${archive.dir}\n` : `nothing to repair in ${archive.dir}\n`);
  }
}

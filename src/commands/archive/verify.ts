import { Archive, archiveDir, verify } from '../../archive/index.js';
import { archiveFlag } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { PluginError } from '../../model/index.js';

export default class ArchiveVerify extends BaseCommand {
  static override summary = 'Check that every archive file reads and that the catalog and the files agree; tell damage from what a crash left.';
  static override description = `Exit 1 names damage: a file missing, changed or unreadable, or a catalog that cannot be read. What a
kill left behind (unfinished writes, files not yet cataloged, an interrupted compaction, a recording
whose process is gone) is listed as a leftover: \`archive repair\`, or the next command, handles it.
Verify itself changes nothing.`;
  static override examples = ['kubectl heapster archive verify'];
  static override flags = { ...archiveFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchiveVerify);
    // opened as it is: a repair on open would hide what verify is asked to show
    const archive = await Archive.open(archiveDir(flags.archive), false, { reconcile: false });
    const r = await verify(archive);
    for (const p of r.problems) process.stdout.write(`damaged: ${p}\n`);
    for (const l of r.leftovers) process.stdout.write(`leftover: ${l}\n`);
    for (const f of r.foreign) process.stdout.write(`foreign: ${f}\n`);
    if (r.problems.length) throw new PluginError('archive', `${r.problems.length} problems in ${archive.dir} (${r.checked} files checked)`, 'see the lines above');
    process.stdout.write(`ok: ${r.checked} files, catalog and files agree${r.leftovers.length ? `; ${r.leftovers.length} leftovers of an interrupted run, which \`kubectl heapster archive repair\` handles` : ''}\n`);
  }
}

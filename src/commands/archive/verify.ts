import { verify } from '../../archive/index.js';
import { archiveFlag, openArchive } from '../../cli/archive-flags.js';
import { BaseCommand } from '../../cli/base-command.js';
import { PluginError } from '../../model/index.js';

export default class ArchiveVerify extends BaseCommand {
  static override summary = 'Check that every archive file reads and that the catalog and the files agree; name what is wrong.';
  static override examples = ['kubectl heapster archive verify'];
  static override flags = { ...archiveFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(ArchiveVerify);
    const archive = await openArchive(flags.archive);
    const r = await verify(archive);
    for (const p of r.problems) process.stdout.write(`${p}\n`);
    if (r.problems.length) throw new PluginError('archive', `${r.problems.length} problems in ${archive.dir} (${r.checked} files checked)`, 'see the lines above');
    process.stdout.write(`ok: ${r.checked} files, catalog and files agree\n`);
  }
}

import { Args, loadHelpClass } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { usageError } from '../model/index.js';
import { closest, isNear } from '../query/index.js';

export default class Help extends BaseCommand {
  static override summary = 'Help for the plugin or one of its commands, as --help gives it.';
  static override examples = ['kubectl heapster help', 'kubectl heapster help top', 'kubectl heapster help archive ls'];
  static override strict = false;
  static override args = { command: Args.string({ description: 'the command (words as typed, e.g. archive ls)' }) };

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    const id = (argv as string[]).filter((a) => !a.startsWith('-')).join(':');
    if (id && !this.config.findCommand(id) && !this.config.findTopic(id)) {
      const typed = id.replace(/:/g, ' ');
      const near = closest(typed, this.config.commandIDs.map((c) => c.replace(/:/g, ' ')), 2).filter((c) => isNear(typed, c));
      throw usageError(`unknown command "${typed}" for "kubectl heapster"`, near.length ? `did you mean ${near.join(' or ')}?` : 'run `kubectl heapster help` for the commands');
    }
    const HelpClass = await loadHelpClass(this.config);
    await new HelpClass(this.config).showHelp(argv as string[]);
  }
}

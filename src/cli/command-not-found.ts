import { Errors, type Hook } from '@oclif/core';
import { closest, isNear } from '../query/index.js';

/**
 * oclif's own answer to a mistyped command was " ›   Error: command qeury not found", with no
 * way forward; kubectl names the closest commands, and so does this, in the plugin's one-line form.
 * Only near misses are named: a word far from every command gets the help instead of a guess.
 */
const commandNotFound: Hook.CommandNotFound = async function (opts) {
  // oclif joins every word before the first flag into the id; only the command part is unknown
  const words = opts.id.split(':');
  const typed = words.slice(0, opts.config.findTopic(words[0]!) ? 2 : 1).join(' ');
  process.stderr.write(`error: unknown command "${typed}" for "kubectl heapster"; ${hint(typed, opts.config.commandIDs)}\n`);
  throw new Errors.ExitError(2);
};

function hint(typed: string, ids: readonly string[]): string {
  if (/^(cluster|nodes?|no|namespaces?|ns|pods?|po)(\/|$)/.test(typed)) return `a target goes after query: \`kubectl heapster query ${typed} ...\``;
  const commands = ids.map((id) => id.replace(/:/g, ' '));
  // `ls` is `archive ls`: a subcommand typed without its topic
  const inTopic = commands.filter((c) => c.endsWith(` ${typed}`));
  const near = inTopic.length ? inTopic : closest(typed, commands, 2).filter((c) => isNear(typed, c));
  return near.length ? `did you mean ${near.join(' or ')}?` : 'see `kubectl heapster --help` for the commands';
}

export default commandNotFound;

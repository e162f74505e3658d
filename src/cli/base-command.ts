import { Command, Errors } from '@oclif/core';
// the file itself, not the folder's index: every command loads this, and the index loads the Kubernetes client
import { setRequestLog } from '../cluster/request-log.js';
import { memoryLimit } from '../archive/duck.js';
import { PluginError } from '../model/index.js';
import { flagHint } from './flag-hint.js';
import { parseErrorLine } from './parse-error-line.js';
import { outOfMemoryLine, systemErrorLine } from './system-error.js';

/**
 * Every command prints failures the same way: one line on stderr (what, why, what to do), exit 2
 * for usage and 1 otherwise, and a stack trace only at `-v 6` and above.
 */
export abstract class BaseCommand extends Command {
  protected verbosity = 0;

  /** `-v`: stack traces with errors from 6, and the API requests logged as kubectl logs them. */
  protected setVerbosity(v: number): void {
    this.verbosity = v;
    setRequestLog(v);
  }

  /** A bad KUBECTL_HEAPSTER_MEMORY_LIMIT is refused before the command starts, not halfway through it. */
  override async init(): Promise<void> {
    await super.init();
    memoryLimit();
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<never> {
    if (err instanceof Errors.ExitError) throw err;
    // the reader of standard output went away (`export --output - | head`): what it wanted it has, as
    // when a query's output is cut short, so nothing to report
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw new Errors.ExitError(0);
    let line: string, code: number, oom: string | undefined;
    // a full disk or a refused folder is the machine's, whatever layer met it first (an API
    // server's "permission denied" is not: only the archive's own errors are looked at)
    const system = err instanceof PluginError && err.code !== 'archive' ? undefined : systemErrorLine(err);
    if (system) {
      line = system;
      code = 1;
    } else if (err instanceof PluginError) {
      line = err.line;
      code = err.exitCode;
    } else if (isParseError(err)) {
      const hint = flagHint(err.message, (this.constructor as typeof Command).flags ?? {});
      line = `${parseErrorLine(err.message)}; ${hint ? `did you mean ${hint}? See` : 'see'} \`kubectl heapster ${this.id?.replace(/:/g, ' ') ?? ''} --help\``;
      code = 2;
    } else if ((oom = outOfMemoryLine(err, memoryLimit()))) {
      line = oom;
      code = 1;
    } else {
      line = `internal error: ${err.message.split('\n')[0]}; please report it with the command you ran`;
      code = 1;
    }
    process.stderr.write(`error: ${line}\n`);
    if (this.verbosity >= 6 || /(^|\s)(-v|--v)[= ]?([6-9]|\d\d)/.test(this.argv.join(' '))) process.stderr.write(`${err.stack}\n`);
    throw new Errors.ExitError(code);
  }
}

function isParseError(err: Error & { oclif?: { exit?: number } }): boolean {
  return err instanceof Errors.CLIError && (err.oclif?.exit === 2 || /flag|argument|Expected/i.test(err.message));
}

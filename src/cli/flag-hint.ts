import { closest, isNear } from '../query/suggest.js';

/**
 * The flag a command was probably given, for oclif's "Nonexistent flag": the nearest of its long
 * flags to a mistyped one (`--sinse` → `--since`), or for a short one it lacks the one long flag of
 * that letter (`export -o`: `-o` is the output format of `query` and `top`, as in kubectl, and
 * export's `--output` is a file, so it has no `-o`). Undefined when nothing is near.
 */
export function flagHint(message: string, flags: Readonly<Record<string, { char?: string; hidden?: boolean }>>): string | undefined {
  const typed = /Nonexistent flags?: (-{1,2}[^\s=,]+)/.exec(message)?.[1];
  if (!typed) return undefined;
  const names = Object.entries(flags).filter(([, f]) => !f.hidden).map(([name]) => name);
  if (/^-[^-]$/.test(typed)) {
    const letter = typed[1]!;
    const long = names.filter((n) => n.startsWith(letter) && !flags[n]!.char);
    return long.length === 1 ? `--${long[0]}` : undefined;
  }
  const word = typed.replace(/^--?/, '');
  const near = closest(word, names, 1).filter((n) => isNear(word, n));
  return near.length ? `--${near[0]}` : undefined;
}

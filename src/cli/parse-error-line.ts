/**
 * oclif's parse errors as one line. They come on several lines (the reason is often on the second,
 * with notes and "See more help" after), and their first line alone read "Parsing --nodes" or
 * "Missing 1 required arg:".
 */
export function parseErrorLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^See more help|^Note:|^Alternatively,/.test(l));
  const [first = '', ...rest] = lines;
  const flag = /^Parsing (--\S+)$/.exec(first);
  if (flag && rest[0]) return `${flag[1]}: ${lowerFirst(rest[0])}`;
  const option = /^Expected (--\S+?)=(.*) to be one of: (.*)$/.exec(first);
  if (option) return `${option[1]} ${option[2]}: expected one of ${option[3]}`;
  // kubectl's words for a flag it does not have, in lower case as the plugin's own lines are
  const unknown = /^Nonexistent flags?: (.*)$/.exec(first);
  if (unknown) return `unknown flag: ${unknown[1]}`;
  if (/^Missing \d+ required args?:$/.test(first)) return `missing ${rest.map((l) => l.split(/\s{2,}/)[0]!.toUpperCase()).join(' ')}`;
  if (/^The following errors? occurred:$/.test(first)) {
    return rest.map((l) => lowerFirst(l).replace(/^missing required flag ([\w-]+)$/, 'missing required flag --$1')).join('; ');
  }
  return lines.join(' ');
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

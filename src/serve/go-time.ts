/**
 * Go's time.Parse(time.RFC3339, s), closely enough to give Heapster's error texts: each layout
 * element is matched in turn and the first that fails is named with the rest of the input.
 */
const LAYOUT = '2006-01-02T15:04:05Z07:00';
const ELEMENTS: [string, RegExp][] = [
  ['2006', /^\d{4}/], ['-', /^-/], ['01', /^\d{2}/], ['-', /^-/], ['02', /^\d{2}/], ['T', /^T/],
  ['15', /^\d{2}/], [':', /^:/], ['04', /^\d{2}/], [':', /^:/], ['05', /^\d{2}(\.\d+)?/], ['Z07:00', /^(Z|[+-]\d{2}:\d{2})/],
];

export class GoTimeError extends Error {}

export function parseGoRFC3339(value: string): number {
  let rest = value;
  for (const [elem, re] of ELEMENTS) {
    const m = re.exec(rest);
    if (!m) throw new GoTimeError(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(LAYOUT)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(elem)}`);
    rest = rest.slice(m[0].length);
  }
  if (rest) throw new GoTimeError(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest)}`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new GoTimeError(`parsing time ${JSON.stringify(value)}: month or day out of range`);
  return ms;
}

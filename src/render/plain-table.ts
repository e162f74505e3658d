import Table from 'cli-table3';

const NO_BORDER = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
  'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
};

/** A kubectl-style table: upper-case headers (unless `asGiven`, for kubectl top's `CPU(cores)`), no borders, columns three spaces apart. */
export function plainTable(head: string[], rows: string[][], noHeaders = false, asGiven = false): string {
  const t = new Table({ chars: NO_BORDER, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  if (!noHeaders) t.push(asGiven ? head : head.map((h) => h.toUpperCase()));
  for (const r of rows) t.push(r);
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}

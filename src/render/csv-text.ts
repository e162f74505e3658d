/** CSV as RFC 4180 quotes it; `noHeaders` drops the header line, as it drops a table's. */
export function csvText(head: readonly string[], rows: readonly (readonly string[])[], noHeaders = false): string {
  const lines = [...(noHeaders ? [] : [head]), ...rows].map((r) => r.map(csvCell).join(','));
  return lines.length ? lines.join('\n') + '\n' : '';
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

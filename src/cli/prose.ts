/**
 * Help text written wrapped in the source, unwrapped for oclif: oclif wraps each line to the
 * terminal by itself, so a line already broken at 100 columns came out ragged (a full line, then a
 * word or two). Single line breaks join; blank lines (paragraphs) and indented lines (commands to
 * type) stay.
 */
export function prose(text: string): string {
  const out: string[] = [];
  let joinable = false;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('  ')) {
      out.push(line);
      joinable = false;
    } else if (joinable) {
      out[out.length - 1] += ` ${line}`;
    } else {
      out.push(line);
      joinable = true;
    }
  }
  return out.join('\n');
}

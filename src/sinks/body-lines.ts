/** The lines of newline-ended request bodies, without their newlines (the encoders' tests, small batches). */
export function bodyLines(bodies: Iterable<{ body: Uint8Array }>): string[] {
  const lines: string[] = [];
  for (const { body } of bodies) {
    // a loop, not push(...): a large batch's lines are more than a call's arguments may be
    for (const l of Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8').split('\n').slice(0, -1)) lines.push(l);
  }
  return lines;
}

/** Edit distance, for "did you mean" suggestions over small vocabularies. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest few names, nearest first; names containing the input rank first. */
export function closest(input: string, names: readonly string[], most = 3): string[] {
  const lower = input.toLowerCase();
  const starts = (n: string) => (n.toLowerCase().startsWith(lower) ? 1 : 0);
  return [...new Set(names)]
    .map((n) => ({ n, d: n.toLowerCase().includes(lower) ? 0 : editDistance(lower, n.toLowerCase()) }))
    // among names containing the input, those starting with it and the shortest first: `memory`
    // means memory/rss or memory/usage sooner than accelerator/memory_total; ties keep the
    // caller's order (metric names before their deprecated aliases)
    .sort((x, y) => x.d - y.d || starts(y.n) - starts(x.n) || x.n.length - y.n.length)
    .slice(0, most)
    .map((x) => x.n);
}

/**
 * Whether `name` is a plausible typo of `input`: it contains the input, or is at most two edits
 * (or a third of the input) away. Among 30 generated pod names, the three closest to a wrong one
 * were noise; callers offer only these as "did you mean". Applied to `closest`'s answer, which is
 * ordered by distance, it keeps a prefix of it.
 */
export function isNear(input: string, name: string): boolean {
  const lower = input.toLowerCase(), other = name.toLowerCase();
  return other.includes(lower) || editDistance(lower, other) <= Math.max(2, Math.floor(lower.length / 3));
}

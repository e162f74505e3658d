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

/**
 * The closest few names, nearest first; names containing the input rank first. `nearOnly` leaves
 * out names that are not a plausible typo of the input (more than a third of it, or two edits,
 * away): among 30 generated pod names, the three "closest" to a wrong one were noise.
 */
export function closest(input: string, names: readonly string[], most = 3, nearOnly = false): string[] {
  const lower = input.toLowerCase();
  const starts = (n: string) => (n.toLowerCase().startsWith(lower) ? 1 : 0);
  const limit = nearOnly ? Math.max(2, Math.floor(lower.length / 3)) : Infinity;
  return [...new Set(names)]
    .map((n) => ({ n, d: n.toLowerCase().includes(lower) ? 0 : editDistance(lower, n.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    // among names containing the input, those starting with it and the shortest first: `memory`
    // means memory/rss or memory/usage sooner than accelerator/memory_total; ties keep the
    // caller's order (metric names before their deprecated aliases)
    .sort((x, y) => x.d - y.d || starts(y.n) - starts(x.n) || x.n.length - y.n.length)
    .slice(0, most)
    .map((x) => x.n);
}

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
  return [...new Set(names)]
    .map((n) => ({ n, d: n.toLowerCase().includes(lower) ? 0 : editDistance(lower, n.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n))
    .slice(0, most)
    .map((x) => x.n);
}

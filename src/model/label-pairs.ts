/**
 * The labels of `records` as a sink names them: `pair` maps each label to the sink's key and value
 * (undefined leaves it out), a later record's value takes an earlier one's place under the same key,
 * `last` (the cluster's label) replaces any label of its key, and the pairs are sorted by key. One
 * rule for remote write, InfluxDB and OpenTSDB; an array, not a Map: a set has ten-odd labels, and
 * a 1,000-node tick asks this ~200,000 times.
 */
export function labelPairs(records: readonly (Record<string, string> | undefined)[], pair: (key: string, value: string) => [string, string] | undefined,
  last: [string, string]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const labels of records) {
    for (const k in labels) {
      const p = pair(k, labels[k]!);
      if (!p || p[0] === last[0]) continue;
      const i = pairs.findIndex((x) => x[0] === p[0]);
      if (i < 0) pairs.push(p);
      else pairs[i] = p;
    }
  }
  pairs.push(last);
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

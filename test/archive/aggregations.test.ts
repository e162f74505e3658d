import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArchiveHistory, parseTarget, runQuery } from '../../src/query/index.js';
import { toAggregationResult } from '../../src/render/index.js';
import { handBatches, tempArchive, writeBatches } from '../helpers/archive.js';

const HOUR = Date.UTC(2026, 0, 1, 10);
const target = parseTarget('namespaces/web', { namespace: 'default', allNamespaces: false });

async function bucketsOf(values: number[], bucketMs: number, start = HOUR) {
  const archive = await tempArchive();
  await writeBatches(archive, 'hand', handBatches(start, values));
  const h = new ArchiveHistory(archive, { recording: 'hand' });
  const r = await runQuery(h, { target, metric: 'cpu/usage_rate', window: {}, aggregations: ['count', 'average', 'max', 'min', 'median', 'p50', 'p95', 'p99'], bucketMs });
  if (r.kind !== 'buckets') throw new Error('expected buckets');
  return r.series[0]!.buckets;
}

// ---
test('one bucket: count, average, max, min; median averages the middle pair; percentiles by nearest rank', async () => {
  const [b] = await bucketsOf([40, 10, 30, 20], 0);
  assert.is(b!.bucket, HOUR, 'one bucket is stamped with the window start (the first sample here)');
  assert.is(b!.count, 4);
  assert.is(b!.average, 25);
  assert.is(b!.max, 40);
  assert.is(b!.min, 10);
  assert.is(b!.median, 25);
  // nearest rank: index round(N·p/100) of the sorted values, 1-based: N=4 → p50: 2nd, p95: 4th, p99: 4th
  assert.is(b!.p50, 20);
  assert.is(b!.p95, 40);
  assert.is(b!.p99, 40);
});

test('twenty values: p50 is the 10th, p95 the 19th, p99 the 20th; the median is 10.5', async () => {
  const values = Array.from({ length: 20 }, (_, i) => 20 - i);
  const [b] = await bucketsOf(values, 0);
  assert.is(b!.p50, 10);
  assert.is(b!.p95, 19);
  assert.is(b!.p99, 20);
  assert.is(b!.median, 10.5);
});

test('buckets align to the epoch, are stamped with their start, and empty ones are left out', async () => {
  // samples at 10:02 .. 10:13, 5-minute buckets → 10:00 (3 samples: 02, 03, 04), 10:05 (5), 10:10 (4)
  const start = HOUR + 2 * 60_000;
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const buckets = await bucketsOf(values, 5 * 60_000, start);
  assert.equal(buckets.map((b) => [b.bucket, b.count]), [[HOUR, 3], [HOUR + 300_000, 5], [HOUR + 600_000, 4]]);
  assert.equal(buckets.map((b) => b.average), [2, 6, 10.5]);
  const gappy = await bucketsOf([1, 2], 60_000 * 60, HOUR - 60_000);
  assert.equal(gappy.map((b) => b.bucket), [HOUR - 3_600_000, HOUR]);
});

test("Heapster's JSON: maximum/minimum names, typed values decided across buckets, bucketSize in ns", async () => {
  const buckets = await bucketsOf([1, 2, 3, 4, 5, 6, 7], 5 * 60_000, HOUR);
  const json = toAggregationResult({ key: 'k', name: 'web', buckets }, ['average', 'max', 'min', 'count', 'p95'], 300_000) as any;
  assert.is(json.bucketSize, 300_000_000_000);
  assert.equal(json.buckets[0], {
    timestamp: '2026-01-01T10:00:00Z', average: { floatValue: 3 }, maximum: { intValue: 5 }, minimum: { intValue: 1 }, count: 5, percentiles: { '95': { intValue: 5 } },
  });
  assert.equal(json.buckets[1].average, { floatValue: 6.5 });
});

test.run();

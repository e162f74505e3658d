import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderBuckets, formatValue } from '../../src/render/index.js';
import { describeMetric } from '../../src/model/index.js';
import type { BucketValues, QueryResult } from '../../src/query/index.js';

const MiB = 2 ** 20;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 27, 0);
const bucket = (i: number, min: number, max: number): BucketValues =>
  ({ bucket: T0 + i * HOUR, count: 60, average: (min + max) / 2, max, min, median: (min + max) / 2, p50: (min + max) / 2, p95: max, p99: max });
const result = (aggregations: any[]): Extract<QueryResult, { kind: 'buckets' }> => ({
  kind: 'buckets', metric: describeMetric('memory/usage')!, target: { kind: 'pod-list', namespace: 'web', pods: ['api', 'db'] }, about: 'pods api,db in web', level: 'pod', many: true, bucketMs: HOUR, aggregations,
  series: [
    { key: 'namespace:web/pod:api', name: 'api', buckets: [bucket(0, 100 * MiB, 200 * MiB), bucket(1, 120 * MiB, 300 * MiB)] },
    { key: 'namespace:web/pod:db', name: 'db', buckets: [bucket(0, 50 * MiB, 80 * MiB), bucket(1, 60 * MiB, 90 * MiB)] },
  ],
});
const render = (r: ReturnType<typeof result>) => {
  let text = '';
  renderBuckets(r, 'chart', { write: (t: string) => (text += t) });
  return text;
};

// ---
test('-o chart with --agg draws a line per member and aggregation, in the metric unit, count left out', () => {
  const text = render(result(['max', 'min', 'count']));
  const lines = text.split('\n');
  assert.is(lines[0], 'memory/usage of pods api,db in web, max, min by 1h');
  // the y axis spans the drawn values: the largest max and the smallest min of the buckets
  assert.ok(lines[1]!.trimStart().startsWith(`${formatValue(300 * MiB, 'bytes')} ┤`), lines[1]);
  assert.ok(lines[14]!.trimStart().startsWith(`${formatValue(50 * MiB, 'bytes')} ┤`), lines[14]);
  assert.match(text, /● api max {3}\+ api min {3}x db max {3}o db min/);
  assert.not.match(text, /count/);
});

test('-o chart of count alone draws counts', () => {
  const text = render(result(['count']));
  assert.match(text.split('\n')[0]!, /, count by 1h$/);
  assert.match(text, /\n *60 ┤/);
});

test.run();

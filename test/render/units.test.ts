import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatValue, goTime, toMetricResult } from '../../src/render/index.js';
import { describeMetric } from '../../src/model/index.js';

// ---
test('values as kubectl top shows them', () => {
  assert.is(formatValue(322592768, 'bytes'), '308Mi');
  assert.is(formatValue(2048, 'bytes'), '2Ki');
  assert.is(formatValue(250, 'millicores'), '250m');
  assert.is(formatValue(0.4567, 'fraction'), '45.7%');
  assert.is(formatValue(93_784_000, 'ms'), '1d2h');
  assert.is(formatValue(12.345, 'per-second'), '12.35/s');
});

test("Go's time format: whole seconds without a fraction", () => {
  assert.is(goTime(Date.UTC(2017, 9, 16, 9, 14)), '2017-10-16T09:14:00Z');
  assert.is(goTime(Date.UTC(2017, 9, 16, 9, 14, 0, 500)), '2017-10-16T09:14:00.5Z');
});

test('MetricResult: uint64 value, floatValue for float metrics, zero time when empty', () => {
  const util = describeMetric('cpu/node_utilization')!;
  const r = toMetricResult({ key: 'node:a', name: 'a', points: [{ timestamp: Date.UTC(2017, 9, 16, 9, 14), value: 0.75 }] }, util);
  assert.equal(r, { metrics: [{ timestamp: '2017-10-16T09:14:00Z', value: 0, floatValue: 0.75 }], latestTimestamp: '2017-10-16T09:14:00Z' });
  const mem = describeMetric('memory-usage')!;
  assert.equal(toMetricResult(undefined, mem), { metrics: [], latestTimestamp: '0001-01-01T00:00:00Z' });
  const one = toMetricResult({ key: 'k', name: 'n', points: [{ timestamp: 0, value: 322592768 }] }, mem);
  assert.equal(one.metrics[0], { timestamp: '1970-01-01T00:00:00Z', value: 322592768 });
});

test.run();

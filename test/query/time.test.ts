import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { durationMs, parseLabels, parseTime, parseWindow } from '../../src/query/index.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

// ---
test('durations', () => {
  assert.is(durationMs('15s'), 15_000);
  assert.is(durationMs('1h30m'), 5_400_000);
  assert.is(durationMs('2d'), 172_800_000);
  assert.is(durationMs('250ms'), 250);
  assert.is(durationMs('15'), undefined);
  assert.is(durationMs('abc'), undefined);
});

test('times: RFC 3339, now, relative, local with a zone', () => {
  assert.is(parseTime('2017-10-16T09:14:00Z', '--start', NOW), Date.UTC(2017, 9, 16, 9, 14));
  assert.is(parseTime('2017-10-16T11:14:00+02:00', '--start', NOW), Date.UTC(2017, 9, 16, 9, 14));
  assert.is(parseTime('2017-10-16T09:14:00.5Z', '--start', NOW), Date.UTC(2017, 9, 16, 9, 14, 0, 500));
  assert.is(parseTime('now', '--end', NOW), NOW);
  assert.is(parseTime('-2h', '--start', NOW), NOW - 7_200_000);
  assert.is(parseTime('2026-11-26 14:00', '--start', NOW, 'Europe/Berlin'), Date.UTC(2026, 10, 26, 13, 0));
  assert.throws(() => parseTime('yesterday-ish', '--start', NOW), /--start "yesterday-ish" is not a time/);
});

test('windows: since, start only, end before start', () => {
  assert.equal(parseWindow({ since: '15m' }, NOW), { start: NOW - 900_000 });
  assert.equal(parseWindow({ start: '-1h' }, NOW), { start: NOW - 3_600_000 });
  assert.throws(() => parseWindow({ start: '-1h', end: '-2h' }, NOW), /before --start/);
  assert.throws(() => parseWindow({ start: '-1h', since: '2h' }, NOW), /both set the start/);
});

test("Heapster's labels: split on the first colon, nothing empty", () => {
  assert.equal(parseLabels('resource_id:/'), { resource_id: '/' });
  assert.equal(parseLabels('a:b:c,d:e'), { a: 'b:c', d: 'e' });
  assert.throws(() => parseLabels('foo'), /invalid label pair "foo"/);
  assert.throws(() => parseLabels(':x'), /invalid label pair/);
  assert.throws(() => parseLabels('x:'), /invalid label pair/);
});

test.run();

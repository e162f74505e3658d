import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportSamples } from '../../src/archive/index.js';
import { newMetricSet } from '../../src/model/index.js';
import { privateTmpDir } from '../../src/archive/spill-dir.js';
import { tempArchive, threeEntityBatches, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 0, 1, 10);
const TICKS = 10;

function csv(file: string): { head: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return { head: head!.split(','), rows: lines.map((l) => l.split(',')) };
}

test('--wide pivots a slice of time at a time: the same wide rows as one slice, and as the long rows pivoted by hand', async () => {
  const archive = await tempArchive();
  const batches = threeEntityBatches(T0, TICKS);
  // the first minute has no memory/usage at all: its slice must still have the column
  batches[0]!.sets = new Map([...batches[0]!.sets].map(([k, s]) => {
    const cpuOnly = newMetricSet(s.key, s.type, s.labels);
    cpuOnly.values.set('cpu/usage_rate', s.values.get('cpu/usage_rate')!);
    return [k, cpuOnly];
  }));
  await writeBatches(archive, 'r1', batches);
  const files = await archive.files({ kind: 'samples' });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-wide-'));
  const spillsBefore = readdirSync(privateTmpDir()).length;
  // 5 long rows a timestamp (3 in the first): a 7-row slice holds one timestamp, so ten slices
  assert.is(await exportSamples(files, {}, {}, { format: 'csv', dest: path.join(dir, 'sliced.csv'), wide: true, wideSliceRows: 7 }), TICKS * 3);
  await exportSamples(files, {}, {}, { format: 'csv', dest: path.join(dir, 'whole.csv'), wide: true });
  await exportSamples(files, {}, {}, { format: 'csv', dest: path.join(dir, 'long.csv'), wide: false });
  const sliced = csv(path.join(dir, 'sliced.csv'));
  const whole = csv(path.join(dir, 'whole.csv'));
  assert.equal(sliced.head, whole.head);
  const key = (r: string[], h: string[]) => `${r[h.indexOf('ts')]} ${r[h.indexOf('type')]} ${r[h.indexOf('namespace')]} ${r[h.indexOf('node')]}`;
  const asMap = (t: { head: string[]; rows: string[][] }) => new Map(t.rows.map((r) => [key(r, t.head), [r[t.head.indexOf('cpu/usage_rate')], r[t.head.indexOf('memory/usage')]]]));
  assert.equal(asMap(sliced), asMap(whole));
  // the long rows, pivoted here
  const long = csv(path.join(dir, 'long.csv'));
  const byHand = new Map<string, string[]>();
  for (const r of long.rows) {
    const k = key(r, long.head);
    const cell = byHand.get(k) ?? ['', ''];
    cell[r[long.head.indexOf('metric')] === 'cpu/usage_rate' ? 0 : 1] = String(Number(r[long.head.indexOf('value')]).toFixed(1));
    byHand.set(k, cell);
  }
  assert.equal(asMap(sliced), byHand);
  assert.equal(byHand.get(`2026-01-01T10:03:00.000Z ns db `), ['56.0', ''], 'db has no memory/usage: an empty cell');
  assert.equal(byHand.get(`2026-01-01T10:00:00.000Z ns web `), ['100.0', '']);
  // slice by slice: time never goes back
  const ts = sliced.rows.map((r) => r[sliced.head.indexOf('ts')]!);
  assert.equal(ts, [...ts].sort());
  assert.is(readdirSync(privateTmpDir()).length, spillsBefore, 'the slices are removed');
});

test.run();

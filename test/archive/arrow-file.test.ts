import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportSamples } from '../../src/archive/index.js';
import { tempArchive, threeEntityBatches, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 0, 1, 10);
const TICKS = 10;

const batches = () => threeEntityBatches(T0, TICKS);

/** CSV rows keyed as the Arrow rows are, for comparing the two exports (CSV is written by DuckDB's COPY, a separate path). */
function csvRows(file: string): string[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = head!.split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    return names.filter((n) => n !== 'unit').map((n) => {
      const cell = cells[names.indexOf(n)]!;
      return `${n}=${n === 'ts' ? Date.parse(cell) : n === 'value' ? Number(cell) : cell}`;
    }).join(' ');
  });
}

async function arrowRows(file: string) {
  const arrow = await import('apache-arrow');
  const table = arrow.tableFromIPC(readFileSync(file));
  const names = table.schema.fields.map((f) => f.name);
  const rows = [...table].map((r) => names.map((n) => {
    const v = (r as unknown as Record<string, unknown>)[n];
    return `${n}=${v ?? ''}`; // apache-arrow reads timestamps back as milliseconds
  }).join(' '));
  return { table, rows };
}

test('Arrow is written batch by batch: several record batches, one dictionary per text column, the same rows as CSV in the same order', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r1', batches());
  const files = await archive.files({ kind: 'samples' });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-arrow-'));
  const n = await exportSamples(files, {}, {}, { format: 'arrow', dest: path.join(dir, 'a.arrow'), wide: false, arrowBatchRows: 7 });
  assert.is(n, TICKS * 5);
  await exportSamples(files, {}, {}, { format: 'csv', dest: path.join(dir, 'a.csv'), wide: false });
  const { table, rows } = await arrowRows(path.join(dir, 'a.arrow'));
  assert.is(table.numRows, 50);
  assert.is(table.batches.length, Math.ceil(50 / 7));
  // in the same order too: both stream the view's rows as the files give them
  assert.equal(rows, csvRows(path.join(dir, 'a.csv')));
  const arrow = await import('apache-arrow');
  const ns = table.getChild('namespace')!;
  assert.ok(arrow.DataType.isDictionary(ns.type), 'text is dictionary-encoded');
  assert.equal([...ns.data[0]!.dictionary!].sort(), ['db', 'web'], 'the dictionary holds each name once, without the nulls');
  assert.is(table.getChild('node')!.nullCount, 30, 'the 30 namespace rows have no node');
  // stored as microseconds since the epoch (the getter above gives milliseconds): what pyarrow and pandas read
  const stored = table.getChild('ts')!.data.flatMap((d) => [...(d.values as BigInt64Array)]);
  assert.equal(stored.map(Number).sort((a, b) => a - b).filter((_, i) => i % 5 === 0), Array.from({ length: TICKS }, (_, i) => (T0 + i * 60_000) * 1000));
  assert.equal(JSON.parse(table.schema.metadata.get('units')!), { 'cpu/usage_rate': 'millicores', 'memory/usage': 'bytes' });
  assert.equal(readdirSync(dir).sort(), ['a.arrow', 'a.csv'], 'no temporary file left');
});

test('wide Arrow keeps a missing metric as a null, not a zero', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r1', batches());
  const files = await archive.files({ kind: 'samples' });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-arrow-'));
  await exportSamples(files, {}, {}, { format: 'arrow', dest: path.join(dir, 'w.arrow'), wide: true, arrowBatchRows: 4 });
  const { table } = await arrowRows(path.join(dir, 'w.arrow'));
  assert.is(table.numRows, 30);
  const mem = table.getChild('memory/usage')!;
  const ns = table.getChild('namespace')!;
  const ts = table.getChild('ts')!;
  const seen: Record<string, number[]> = {};
  for (let i = 0; i < table.numRows; i++) {
    const key = `${ns.get(i) ?? 'node'}`;
    (seen[key] ??= [])[(Number(ts.get(i)) - T0) / 60_000] = mem.get(i);
  }
  assert.equal(seen.db, Array.from({ length: TICKS }, () => null));
  assert.equal(seen.web, Array.from({ length: TICKS }, (_, i) => 1_000_000 + i * 4096));
  assert.equal(seen.node, Array.from({ length: TICKS }, (_, i) => 7_000_000 - i));
});

test.run();

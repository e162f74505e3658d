import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { withMemoryDb, lit } from '../../src/archive/duck.js';
import { LabelEnums } from '../../src/archive/label-enums.js';
import { MIXED_SAMPLE_ORDER, PARQUET_OPTIONS, SAMPLE_ORDER } from '../../src/archive/sample-writer.js';

// labels whose first appearance is not their string order, a quote, a null, and a column with
// more values than an ENUM is made for (70 pods): written as they are, sorted as strings
const NAMESPACES = ["zeta", "alpha", "o'brien", "Beta"];
const rows = Array.from({ length: 700 }, (_, i) => ({
  ts: 1_700_000_000_000 + (i % 10) * 60_000,
  metric: i % 3 === 0 ? 'memory/usage' : 'cpu/usage',
  type: 'pod',
  namespace: NAMESPACES[i % 4]!,
  pod: `pod-${(i * 37) % 70}`,
  container: i % 5 === 0 ? null : `c${i % 2}`,
  value: i,
}));

function sqlRow(r: (typeof rows)[number]): string {
  return `(make_timestamp(${r.ts * 1000})::TIMESTAMPTZ, ${lit(r.metric)}, ${lit(r.type)}, ${lit(r.namespace)}, ${lit(r.pod)}, ${r.container === null ? 'NULL' : lit(r.container)}, ${r.value}::DOUBLE)`;
}

// the order SAMPLE_ORDER gives, as strings compare (DuckDB's binary order; nulls last), computed here
const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
function sorted(rs: typeof rows) {
  return [...rs].sort((a, b) => cmp(a.metric, b.metric) || cmp(a.type, b.type) || cmp(a.namespace, b.namespace) || cmp(a.pod, b.pod)
    || cmp(a.container, b.container) || a.ts - b.ts || a.value - b.value);
}

async function compactLike(metric?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-enum-'));
  const src = path.join(dir, 'in.parquet'), out = path.join(dir, 'out.parquet');
  await withMemoryDb(async (con) => {
    await con.run(`COPY (SELECT * FROM (VALUES ${rows.map(sqlRow).join(', ')}) t(ts, metric, type, namespace, pod, container, value)) TO ${lit(src)} (FORMAT parquet)`);
    const from = `read_parquet(${lit(src)})`;
    const labels = await LabelEnums.of(con, from);
    assert.equal(labels.valuesOf('namespace'), [...NAMESPACES].sort());
    const where = metric === undefined ? '' : `WHERE metric = ${lit(metric)}`;
    // value last in the order: rows equal in every key keep one order for the comparison
    const order = SAMPLE_ORDER.replace(', resource_id, node', '') + ', value';
    await con.run(`COPY (SELECT ${labels.select(order, metric)} FROM ${from} ${where} ORDER BY ${order}) TO ${lit(out)} (${PARQUET_OPTIONS})`);
    const types = (await con.runAndReadAll(`SELECT typeof(namespace), typeof(metric), typeof(pod) FROM read_parquet(${lit(out)}) LIMIT 1`)).getRows()[0];
    assert.equal(types, ['VARCHAR', 'VARCHAR', 'VARCHAR'], 'read back as strings');
  });
  const b = readFileSync(out);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  return { read: await parquetReadObjects({ file, compressors }), meta: parquetMetadata(file) };
}

test('labels written from ENUMs read back as the strings they were, in string order', async () => {
  const { read, meta } = await compactLike();
  const want = sorted(rows);
  assert.equal(read.map((r) => [r.metric, r.namespace, r.pod, r.container ?? null, r.value]), want.map((r) => [r.metric, r.namespace, r.pod, r.container, r.value]));
  // UTF-8 byte arrays with min/max statistics, as a VARCHAR column has them
  const ns = meta.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema.join('.') === 'namespace')!.meta_data!;
  assert.is(ns.type, 'BYTE_ARRAY');
  assert.is(String(ns.statistics?.min_value), 'Beta');
  assert.is(String(ns.statistics?.max_value), 'zeta');
});

test("a file of one metric of a split day: its metric alone, the group's other labels", async () => {
  const { read } = await compactLike('memory/usage');
  const want = sorted(rows.filter((r) => r.metric === 'memory/usage'));
  assert.equal(read.map((r) => [r.metric, r.namespace, r.pod, r.value]), want.map((r) => [r.metric, r.namespace, r.pod, r.value]));
});

// a file of many row groups, as an hour's merge writes: 3 metrics, 3 types, 4 namespaces, 70 pods
async function manyGroups(order: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-enum-'));
  const src = path.join(dir, 'in.parquet'), out = path.join(dir, 'out.parquet');
  await withMemoryDb(async (con) => {
    await con.run(`COPY (SELECT make_timestamp(1700000000000000 + (i % 10) * 60000000)::TIMESTAMPTZ AS ts, ['cpu/usage', 'memory/usage', 'uptime'][i % 3 + 1] AS metric,
      ['node', 'ns', 'pod'][(i // 3) % 3 + 1] AS type, ['zeta', 'alpha', 'o''brien', 'Beta'][(i // 9) % 4 + 1] AS namespace, 'pod-' || (i % 70) AS pod,
      NULL::VARCHAR AS container, NULL::VARCHAR AS resource_id, 'n1' AS node, i::DOUBLE AS value FROM range(40000) t(i)) TO ${lit(src)} (FORMAT parquet)`);
    const from = `read_parquet(${lit(src)})`;
    const labels = await LabelEnums.of(con, from);
    const options = PARQUET_OPTIONS.replace(/ROW_GROUP_SIZE \d+/, 'ROW_GROUP_SIZE 4096');
    await con.run(`COPY (SELECT ${labels.select(order)} FROM ${from} ORDER BY ${order}, value) TO ${lit(out)} (${options})`);
  });
  const b = readFileSync(out);
  const file = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  return { read: await parquetReadObjects({ file, compressors }), meta: parquetMetadata(file) };
}

test('the labels a file is sorted by first have the statistics of each row group\'s own rows, so a query of one skips the others', async () => {
  for (const [order, columns] of [[SAMPLE_ORDER, ['metric', 'type', 'namespace']], [MIXED_SAMPLE_ORDER, ['type', 'namespace']]] as const) {
    const { read, meta } = await manyGroups(order);
    assert.ok(meta.row_groups.length >= 8, `${meta.row_groups.length} row groups`);
    let first = 0;
    for (const g of meta.row_groups) {
      const rowsOf = read.slice(first, (first += Number(g.num_rows)));
      for (const column of columns) {
        // the group's values, from the rows read back (strings compare as DuckDB's binary order)
        const values = rowsOf.map((r: any) => String(r[column])).sort();
        const stats = g.columns.find((c) => c.meta_data?.path_in_schema.join('.') === column)!.meta_data!.statistics!;
        assert.equal([String(stats.min_value), String(stats.max_value)], [values[0], values.at(-1)], `${column} of a row group, ${order}`);
      }
    }
    assert.is(first, 40000);
  }
});

test.run();

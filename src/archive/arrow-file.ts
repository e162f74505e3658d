import { closeSync, openSync, writeSync } from 'node:fs';
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { ident } from './duck.js';

/** Rows per Arrow record batch: big enough that batch overhead vanishes, small enough to bound memory. */
export const ARROW_BATCH_ROWS = 65_536;

/**
 * Writes the rows of `view` (every column but `date`) to `dest` as an Arrow IPC file, one record batch
 * at a time, so a day of a large cluster never sits in JavaScript memory at once. Timestamps are UTC
 * microseconds as in Parquet; text columns are dictionary-encoded (categoricals in pandas) and other
 * columns Float64. The file format forbids replacing a dictionary, so each text column's dictionary is
 * found first, in one pass, and DuckDB hands back its codes: JavaScript never decodes a string per row,
 * and the rows keep the order the view gives them, as in the other formats.
 * DuckDB here has no arrow extension offline, hence apache-arrow.
 */
export async function writeArrowFile(con: DuckDBConnection, view: string, dest: string, units: string, batchRows = ARROW_BATCH_ROWS): Promise<void> {
  const arrow = await import('apache-arrow');
  const described = (await con.runAndReadAll(`DESCRIBE SELECT * EXCLUDE (date) FROM ${view}`)).getRowObjects();
  const cols = described.map((r) => ({ name: String(r.column_name), kind: kindOf(String(r.column_type)) }));
  const text = cols.map((c, i) => ({ ...c, i })).filter((c) => c.kind === 'text');
  const dictionaries = new Map<number, import('apache-arrow').Vector>();
  if (text.length > 0) {
    await con.run(`CREATE OR REPLACE TEMP TABLE arrow_dicts AS SELECT ${text.map((c) => `list_sort(list(DISTINCT ${ident(c.name)}) FILTER (WHERE ${ident(c.name)} IS NOT NULL)) AS d${c.i}`).join(', ')} FROM ${view}`);
    const lists = (await con.runAndReadAll('SELECT * FROM arrow_dicts')).getRowObjectsJS()[0]!;
    for (const c of text) {
      const values = ((lists[`d${c.i}`] as string[] | null) ?? []).map(String);
      dictionaries.set(c.i, arrow.vectorFromArray(values, new arrow.Utf8()));
      // an ENUM of the same values in the same order: casting to it gives each row's code without a
      // join, and so without disturbing the rows' order (a join's did, with two threads)
      await con.run(`CREATE OR REPLACE TEMP TYPE arrow_enum${c.i} AS ENUM (SELECT unnest(d${c.i}) FROM arrow_dicts)`);
    }
  }
  const fields = cols.map((c, i) => {
    if (c.kind === 'ts') return new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), true);
    if (c.kind === 'text') return new arrow.Field(c.name, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), i), true);
    return new arrow.Field(c.name, new arrow.Float64(), true);
  });
  const schema = new arrow.Schema(fields, new Map([['units', units]]));
  const select = cols.map((c, i) => c.kind === 'ts' ? `epoch_us(${ident(c.name)})` : c.kind === 'text' ? `enum_code(${ident(c.name)}::arrow_enum${i})::INTEGER` : `${ident(c.name)}::DOUBLE`).join(', ');

  const writer = new arrow.RecordBatchFileWriter();
  const fd = openSync(dest, 'wx', 0o600);
  // the writer queues its bytes; this drains them to the file while the next chunk is fetched, so at most one batch waits
  const pump = (async () => { for await (const bytes of writer) writeSync(fd, bytes); })();
  try {
    writer.reset(undefined, schema);
    let batch = newBatch(cols, batchRows);
    const flush = () => {
      const length = batch.length;
      if (length === 0) return;
      const children = fields.map((f, i) => arrow.makeData({
        type: f.type as never, length, nullCount: batch.nulls[i]!,
        nullBitmap: batch.nulls[i]! > 0 ? batch.valid[i]!.subarray(0, (length + 7) >> 3) : undefined,
        data: batch.values[i]!.subarray(0, length) as never,
        dictionary: dictionaries.get(i),
      } as never));
      const data = arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children });
      writer.write(new arrow.RecordBatch(schema, data));
      batch = newBatch(cols, batchRows);
    };
    const result = await con.stream(`SELECT ${select} FROM ${view}`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      let from = 0;
      while (from < chunk.rowCount) {
        const take = Math.min(chunk.rowCount - from, batchRows - batch.length);
        copyRows(chunk, batch, from, take);
        from += take;
        if (batch.length === batchRows) flush();
      }
    }
    flush();
    writer.finish();
    await writer.close();
    await pump;
  } finally {
    closeSync(fd);
  }
}

type Kind = 'ts' | 'text' | 'number';

function kindOf(type: string): Kind {
  if (type.startsWith('TIMESTAMP')) return 'ts';
  if (type === 'VARCHAR') return 'text';
  return 'number';
}

interface Batch {
  length: number;
  /** per column: BigInt64Array for timestamps, Int32Array of dictionary codes for text, Float64Array else */
  values: (BigInt64Array | Int32Array | Float64Array)[];
  /** per column: a set bit means the value is there */
  valid: Uint8Array[];
  nulls: number[];
}

function newBatch(cols: readonly { kind: Kind }[], rows: number): Batch {
  return {
    length: 0,
    values: cols.map((c) => (c.kind === 'ts' ? new BigInt64Array(rows) : c.kind === 'text' ? new Int32Array(rows) : new Float64Array(rows))),
    valid: cols.map(() => new Uint8Array((rows + 7) >> 3)),
    nulls: cols.map(() => 0),
  };
}

/** Copies `take` rows of the chunk, from row `from`, to the end of the batch. */
function copyRows(chunk: DuckDBDataChunk, b: Batch, from: number, take: number): void {
  b.values.forEach((out, i) => {
    const v = chunk.getColumnVector(i);
    const valid = b.valid[i]!;
    const values = out as unknown as (number | bigint)[];
    for (let r = 0; r < take; r++) {
      const x = v.getItem(from + r) as number | bigint | null;
      if (x === null) b.nulls[i]!++;
      else {
        values[b.length + r] = x;
        setBit(valid, b.length + r);
      }
    }
  });
  b.length += take;
}

function setBit(bitmap: Uint8Array, i: number): void {
  bitmap[i >> 3]! |= 1 << (i & 7);
}

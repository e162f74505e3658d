import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, readSamples, selectSnapshots } from '../../src/archive/index.js';
import { compactRecording, hourlyMemoryLimit } from '../../src/record/index.js';
import { handBatches, tempArchive, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 0, 1, 10);
const values = Array.from({ length: 30 }, (_, i) => (i * 7919) % 1000);

// ---
test('the recorder merges its hours within half the memory cap, and at the whole cap what half could not hold', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r1', handBatches(T0, values));
  const before = await readSamples(await archive.files({ kind: 'samples' }), {}, {});
  // 1MB is too little for this merge: DuckDB refuses it outright
  const err = await compact(archive, { level: 1, memoryLimit: '1MB', before: T0 + 86_400_000 }).then(() => undefined, (e: Error) => e);
  assert.match(err?.message ?? '', /Out of Memory Error/);
  assert.is((await archive.files({ kind: 'samples' })).length, values.length, 'nothing merged by the refused run');

  await compactRecording(archive, 'r1', '1MB')(T0 + 86_400_000, new AbortController().signal);
  const snaps = await archive.catalog(true, (con) => selectSnapshots(con, { kind: 'samples' }));
  assert.equal(snaps.map((s) => [s.level, s.rows]), [[1, values.length]]);
  assert.equal(await readSamples(await archive.files({ kind: 'samples' }), {}, {}), before);
});

test('half the cap: 256MB of the default 512MB, 1000MB of 2GB, 536MB of 1GiB', () => {
  assert.is(hourlyMemoryLimit({}), '256MB');
  assert.is(hourlyMemoryLimit({ KUBECTL_HEAPSTER_MEMORY_LIMIT: '2GB' }), '1000MB');
  assert.is(hourlyMemoryLimit({ KUBECTL_HEAPSTER_MEMORY_LIMIT: '1GiB' }), '536MB');
});

test.run();

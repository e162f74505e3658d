import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readRecordedBatches } from '../../src/archive/index.js';
import { newMetricSet, type Batch } from '../../src/model/index.js';
import { tempArchive, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 11, 1);
const N = 3000;

// ticks larger than a DuckDB chunk (2,048 rows): N namespaces and a node with two filesystems
function bigTicks(ticks: number): Batch[] {
  return Array.from({ length: ticks }, (_, k) => {
    const sets = new Map();
    for (let i = 0; i < N; i++) {
      const set = newMetricSet(`namespace:ns-${i}`, 'ns', { type: 'ns', namespace_name: `ns-${i}` });
      set.values.set('cpu/usage_rate', k * 10_000 + i);
      sets.set(set.key, set);
    }
    const node = newMetricSet('node:n1', 'node', { type: 'node', nodename: 'n1' });
    node.labeled.add('filesystem/usage', { resource_id: '/' }, 100 + k);
    node.labeled.add('filesystem/usage', { resource_id: '/var' }, 200 + k);
    sets.set(node.key, node);
    return { timestamp: T0 + k * 60_000, sets };
  });
}

test('recorded batches come back one tick at a time, whole, across the read\'s chunks', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r', bigTicks(3));
  const files = { samples: await archive.files({ kind: 'samples' }), pods: [], nodes: [] };
  const got: { ts: number; ns: number; wrong: number; fs: [string, number][] }[] = [];
  const count = await readRecordedBatches(files, {}, { start: T0, end: T0 + 2 * 60_000 }, (b) => {
    const k = (b.timestamp - T0) / 60_000;
    let ns = 0, wrong = 0;
    for (const set of b.sets.values()) {
      if (set.type !== 'ns') continue;
      ns++;
      const i = Number(set.labels.namespace_name!.slice(3));
      if (set.values.get('cpu/usage_rate') !== k * 10_000 + i) wrong++;
    }
    const fs = [...b.sets.get('node:n1')!.labeled].map((lv) => [lv.labels.resource_id!, lv.value] as [string, number]).sort();
    got.push({ ts: b.timestamp, ns, wrong, fs });
  });
  assert.is(count, 3);
  assert.equal(got, [0, 1, 2].map((k) => ({ ts: T0 + k * 60_000, ns: N, wrong: 0, fs: [['/', 100 + k], ['/var', 200 + k]] })));
});

test.run();

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

test('an entity\'s sets share one labels object from tick to tick, with the labels it was recorded with', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r', bigTicks(2));
  const files = { samples: await archive.files({ kind: 'samples' }), pods: [], nodes: [] };
  const labels: Record<string, string>[][] = [];
  await readRecordedBatches(files, {}, { start: T0, end: T0 + 60_000 }, (b) => {
    labels.push(['namespace:ns-7', 'namespace:ns-8', 'node:n1'].map((k) => b.sets.get(k)!.labels));
  });
  assert.is(labels.length, 2);
  assert.ok(labels[0]!.every((l, i) => l === labels[1]![i]), 'the same objects in both ticks');
  assert.is.not(labels[0]![0], labels[0]![1], 'one object an entity');
  assert.equal([labels[0]![1]!.namespace_name, labels[0]![2]!.nodename], ['ns-8', 'n1']);
});

test.run();

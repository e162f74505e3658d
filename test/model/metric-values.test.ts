import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LabeledValues, MetricValues } from '../../src/model/index.js';

const ROOT = Object.freeze({ resource_id: '/' });

// ---
test('sets whose values came in one order share names, yet each keeps its own values and can grow apart', () => {
  const a = new MetricValues(), b = new MetricValues();
  for (const [v, name] of [[1, 'memory/usage'], [2, 'cpu/usage']] as const) {
    a.set(name, v);
    b.set(name, v * 10);
  }
  b.set('uptime', 7);
  a.set('memory/usage', 5);
  assert.equal([...a], [['memory/usage', 5], ['cpu/usage', 2]]);
  assert.equal([...b], [['memory/usage', 10], ['cpu/usage', 20], ['uptime', 7]]);
  assert.is(a.get('uptime'), undefined);
  assert.is(a.has('uptime'), false);
  assert.equal([...a.keys()], ['memory/usage', 'cpu/usage']);
  // a third set taking b's path sees none of b's numbers
  const c = new MetricValues().set('memory/usage', 3).set('cpu/usage', 4).set('uptime', 0);
  assert.equal([...c], [['memory/usage', 3], ['cpu/usage', 4], ['uptime', 0]]);
});

test('addAfter sums into values past the frozen ones, appends what is missing, and leaves the frozen alone', () => {
  const pod = new MetricValues().set('memory/usage', 100);
  const frozen = pod.size;
  pod.addAfter(frozen, 'memory/usage', 7);
  pod.addAfter(frozen, 'memory/rss', 3);
  pod.addAfter(frozen, 'memory/rss', 4);
  assert.equal([...pod], [['memory/usage', 100], ['memory/rss', 7]]);
});

test('labeled values keep each name with its own labels, shared or not, in order', () => {
  const a = new LabeledValues(), b = new LabeledValues();
  a.add('filesystem/usage', ROOT, 1);
  b.add('filesystem/usage', ROOT, 2);
  a.add('filesystem/usage', { resource_id: 'Volume:data' }, 3);
  a.add('filesystem/limit', { resource_id: 'Volume:data' }, 4);
  b.add('filesystem/limit', ROOT, 5);
  assert.equal([...a].map((v) => [v.name, v.labels.resource_id, v.value]), [
    ['filesystem/usage', '/', 1], ['filesystem/usage', 'Volume:data', 3], ['filesystem/limit', 'Volume:data', 4],
  ]);
  assert.equal([...b].map((v) => [v.name, v.labels.resource_id, v.value]), [['filesystem/usage', '/', 2], ['filesystem/limit', '/', 5]]);
  assert.is(a.length, 3);
  assert.is(b.labelsAt(1), ROOT);
});

test('sets past their expected size, and thousands of them across slab chunks, keep their own numbers', () => {
  // 3,000 sets growing from 2 slots to 40 values take ~250,000 slots: several 32,768-slot chunks
  const sets = Array.from({ length: 3000 }, () => new MetricValues(2));
  for (let i = 0; i < 40; i++) sets.forEach((s, k) => s.set(`m${i}`, k * 1000 + i + 0.5));
  sets.forEach((s, k) => {
    assert.is(s.size, 40);
    assert.is(s.get('m0'), k * 1000 + 0.5);
    assert.is(s.valueAt(39), k * 1000 + 39.5);
  });
  const labeled = Array.from({ length: 3000 }, () => new LabeledValues(1));
  for (let i = 0; i < 12; i++) labeled.forEach((l, k) => l.add('filesystem/usage', ROOT, k + i));
  assert.equal([...labeled[2999]!].map((v) => v.value), Array.from({ length: 12 }, (_, i) => 2999 + i));
});

test('labels of their own at the same positions stay each set\'s own', () => {
  const a = new LabeledValues(), b = new LabeledValues();
  for (const [set, volume] of [[a, 'Volume:a'], [b, 'Volume:b']] as const) {
    set.add('filesystem/usage', ROOT, 1);
    set.add('filesystem/usage', { resource_id: volume }, 2);
  }
  assert.is(a.labelsAt(1).resource_id, 'Volume:a');
  assert.is(b.labelsAt(1).resource_id, 'Volume:b');
  assert.equal([...b].map((v) => v.labels.resource_id), ['/', 'Volume:b']);
});

test.run();

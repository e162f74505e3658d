import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordedObjects, readRecordedBatches, readRecordedSamples, readRecordedSeries, type RecordedSamples, type RecordedSeries, type SampleFilter } from '../../src/archive/index.js';
import { newMetricSet, type Batch, type EntityType, type PodInfo } from '../../src/model/index.js';
import { Archive, TickWriter } from '../../src/archive/index.js';
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

// every kind of entity, columns null where the kind has none, and entities that differ in one column only
function mixedTicks(ticks: number): Batch[] {
  return Array.from({ length: ticks }, (_, k) => {
    const sets = new Map();
    const put = (key: string, type: EntityType, labels: Record<string, string>, plain: [string, number][], fs: [string, number][] = []) => {
      const set = newMetricSet(key, type, { type, ...labels });
      for (const [m, v] of plain) set.values.set(m, v);
      for (const [id, v] of fs) set.labeled.add('filesystem/usage', { resource_id: id }, v);
      sets.set(key, set);
    };
    put('cluster', 'cluster', {}, [['cpu/usage_rate', 1 + k]]);
    put('namespace:a', 'ns', { namespace_name: 'a' }, [['cpu/usage_rate', 10 + k]]);
    put('namespace:b', 'ns', { namespace_name: 'b' }, [['cpu/usage_rate', 20 + k]]);
    put('node:n1', 'node', { nodename: 'n1' }, [['memory/usage', 30 + k], ['cpu/usage_rate', 31 + k]], [['/', 32 + k], ['/var', 33 + k]]);
    put('node:n2', 'node', { nodename: 'n2' }, [['memory/usage', 40 + k]], [['/', 42 + k]]);
    put('node:n1/container:kubelet', 'sys_container', { nodename: 'n1', container_name: 'kubelet' }, [['memory/usage', 50 + k]]);
    put('node:n2/container:kubelet', 'sys_container', { nodename: 'n2', container_name: 'kubelet' }, [['memory/usage', 60 + k]]);
    put('namespace:a/pod:p', 'pod', { namespace_name: 'a', pod_name: 'p', pod_id: 'uid-ap', nodename: 'n1' }, [['memory/usage', 70 + k]], [['volume:data', 71 + k]]);
    put('namespace:b/pod:p', 'pod', { namespace_name: 'b', pod_name: 'p', pod_id: 'uid-bp', nodename: 'n2' }, [['memory/usage', 80 + k]], [['volume:data', 81 + k]]);
    put('namespace:a/pod:p/container:c', 'pod_container', { namespace_name: 'a', pod_name: 'p', pod_id: 'uid-ap', nodename: 'n1', container_name: 'c' },
      [['memory/usage', 90 + k], ['cpu/usage_rate', 91 + k]], [['/', 92 + k]]);
    return { timestamp: T0 + k * 60_000, sets };
  });
}

/** A set's or series' entity as text, from its labels. */
const entityOf = (l: Record<string, string>) => `${l.type} ${l.nodename ?? ''} ${l.namespace_name ?? ''} ${l.pod_name ?? ''} ${l.container_name ?? ''}`;

/** A tick's rows: each set's plain values and filesystems. */
const rowsOf = (b: Batch) => [...b.sets.values()].reduce((n, s) => n + s.values.size + [...s.labeled].length, 0);

/** What a reader hands over one at a time, collected. */
async function collected<T>(read: (on: (x: T) => void) => Promise<unknown>): Promise<T[]> {
  const got: T[] = [];
  await read((x) => void got.push(x));
  return got;
}

/** A batch as text: its sets' keys, types, plain values and filesystems, sorted. */
function dump(b: Batch): string[] {
  return [...b.sets.values()].map((s) => [s.key, s.type, ...[...s.values.entries()].map(([m, v]) => `${m}=${v}`).sort(),
    ...[...s.labeled].map((lv) => `${lv.name}[${lv.labels.resource_id}]=${lv.value}`).sort()].join(' ')).sort();
}

test('every kind of set comes back as it was written, whatever the read\'s slices and filter', async () => {
  const archive = await tempArchive();
  const written = mixedTicks(3);
  await writeBatches(archive, 'r', written);
  const files = { samples: await archive.files({ kind: 'samples' }), pods: [], nodes: [] };
  const read = (f: SampleFilter, sliceRows?: number) => collected<Batch>((on) => readRecordedBatches(files, f, { start: T0, end: T0 + 2 * 60_000 }, on, sliceRows));
  const perTick = rowsOf(written[0]!);
  // the whole window sorted at once; a tick a slice; two ticks, then one
  for (const sliceRows of [undefined, 1, 2 * perTick]) {
    const got = await read({}, sliceRows);
    assert.equal(got.map((b) => b.timestamp), written.map((b) => b.timestamp), `ticks, slices of ${sliceRows} rows`);
    assert.equal(got.map(dump), written.map(dump), `sets, slices of ${sliceRows} rows`);
    const pod = got[2]!.sets.get('namespace:b/pod:p')!;
    assert.equal([pod.labels.pod_id, pod.labels.namespace_name, pod.labels.nodename], ['uid-bp', 'b', 'n2']);
    // an entity's sets share one labels object across the read's slices
    assert.ok(got[0]!.sets.get('namespace:b/pod:p')!.labels === pod.labels, `one labels object, slices of ${sliceRows} rows`);
  }
  // only namespace a's sets: its namespace, pod and container
  const a = await read({ namespace: 'a' });
  const inA = (b: Batch) => dump(b).filter((line) => line.startsWith('namespace:a'));
  assert.equal(a.map(dump), written.map(inA));
  assert.is(inA(written[0]!).length, 3);
});

test('the series of a window come one at a time, each once, an entity\'s sharing its labels object', async () => {
  const archive = await tempArchive();
  const written = mixedTicks(3);
  await writeBatches(archive, 'r', written);
  const files = { samples: await archive.files({ kind: 'samples' }), pods: [], nodes: [] };
  const got = await collected<RecordedSeries>((on) => readRecordedSeries(files, {}, { start: T0, end: T0 + 2 * 60_000 }, on));
  // what was written: each set's plain values and filesystems, the same in every tick
  const want = [...written[0]!.sets.values()].flatMap((set) => [
    ...[...set.values.keys()].map((m) => `${entityOf(set.labels)} ${m} -`),
    ...[...set.labeled].map((lv) => `${entityOf(set.labels)} ${lv.name} ${lv.labels.resource_id}`),
  ]).sort();
  assert.equal(got.map((s) => `${entityOf(s.labels)} ${s.metric} ${s.resourceId ?? '-'}`).sort(), want);
  const n1 = got.filter((s) => s.labels.type === 'node' && s.labels.nodename === 'n1');
  assert.is(n1.length, 4);
  assert.ok(n1.every((s) => s.labels === n1[0]!.labels), 'one labels object for the node\'s four series');
});


test('the series of a window come with their samples in time order, whatever the read\'s slices, and with a filter', async () => {
  const archive = await tempArchive();
  const written = mixedTicks(3);
  await writeBatches(archive, 'r', written);
  const files = { samples: await archive.files({ kind: 'samples' }), pods: [], nodes: [] };
  const key = (labels: Record<string, string>, metric: string, id: string | null) => `${entityOf(labels)} ${metric} ${id ?? '-'}`;
  // what was written, series by series: each set's plain values and filesystems, tick by tick
  const want = new Map<string, string>();
  const add = (k: string, t: number, v: number) => want.set(k, `${want.get(k) ?? ''} ${t}=${v}`);
  for (const b of written) {
    for (const set of b.sets.values()) {
      for (const [m, v] of set.values) add(key(set.labels, m, null), b.timestamp, v);
      for (const lv of set.labeled) add(key(set.labels, lv.name, lv.labels.resource_id!), b.timestamp, lv.value);
    }
  }
  const read = (f: SampleFilter, sliceRows?: number) => collected<RecordedSamples>((on) => readRecordedSamples(files, f, { start: T0, end: T0 + 2 * 60_000 }, on, sliceRows));
  // one table of the window's rows (the default); a tick a slice; two ticks, then one
  for (const sliceRows of [undefined, 1, 2 * rowsOf(written[0]!)]) {
    const got = await read({}, sliceRows);
    const text = new Map(got.map((s) => [key(s.labels, s.metric, s.resourceId), s.ts.map((t, i) => ` ${t}=${s.vs[i]}`).join('')]));
    assert.is(got.length, want.size, `each series once, slices of ${sliceRows} rows`);
    assert.equal(text, want, `samples, slices of ${sliceRows} rows`);
    const n1 = got.filter((s) => s.labels.type === 'node' && s.labels.nodename === 'n1');
    assert.is(n1.length, 4);
    assert.ok(n1.every((s) => s.labels === n1[0]!.labels), `one labels object for the node's four series, slices of ${sliceRows} rows`);
  }
  const fs = await read({ metric: 'filesystem/usage', type: 'node' });
  assert.equal(fs.map((s) => `${s.labels.nodename} ${s.resourceId} ${s.vs.join(',')}`).sort(), ['n1 / 32,33,34', 'n1 /var 33,34,35', 'n2 / 42,43,44']);
});

test('pods are labelled from their objects as they were at the window\'s end, with a filter or without', async () => {
  const archive = await tempArchive();
  const pod = (ns: string, name: string, app: string, image: string, restarts = 0): PodInfo => ({
    namespace: ns, name, uid: `uid-${ns}-${name}`, nodeName: 'n1', labels: { app }, phase: 'Running', qosClass: 'Burstable',
    containers: [{ name: 'c', image, requests: {}, limits: {}, restartCount: restarts }],
  });
  const w = await TickWriter.start(archive, {
    name: 'r', cluster: 'test-cluster', context: 'test', server: 'https://example', resolutionMs: 60_000, startedAt: T0, status: 'recording', nodes: 1, ticks: 0,
  });
  const written = mixedTicks(3);
  for (const [k, b] of written.entries()) {
    // a/p's container is restarted on a new image at the last tick, relabelled; c/q, a pod with no samples, is beside them
    const pods = [pod('a', 'p', k < 2 ? 'web' : 'web-v2', k < 2 ? 'img:1' : 'img:2', k < 2 ? 0 : 1), pod('b', 'p', 'db', 'pg:15'), pod('c', 'q', 'other', 'x:1')];
    await w.write(b, pods, [], []);
  }
  await w.finish('done');
  // as serve reads: the pods of each read kept for the next (RecordedObjects)
  const files = { samples: await archive.files({ kind: 'samples' }), pods: await archive.files({ kind: 'pods' }), nodes: [], objects: new RecordedObjects() };
  const read = async (f: SampleFilter, end: number) => {
    const got: Batch[] = [];
    await readRecordedBatches(files, f, { start: T0, end }, (b) => void got.push(b));
    return got.at(-1)!;
  };
  // one namespace first: the whole window's read after it must find the pods that read did not (b/p)
  for (const f of [{ namespace: 'a' }, {}] as SampleFilter[]) {
    const last = await read(f, T0 + 2 * 60_000);
    const c = last.sets.get('namespace:a/pod:p/container:c')!.labels;
    assert.equal([c.labels, c.container_base_image], ['app:web-v2', 'img:2'], `the newest version, filter ${JSON.stringify(f)}`);
    assert.is(last.sets.get('namespace:a/pod:p')!.labels.labels, 'app:web-v2');
    const before = await read(f, T0 + 60_000);
    assert.equal([before.sets.get('namespace:a/pod:p/container:c')!.labels.container_base_image, before.sets.get('namespace:a/pod:p')!.labels.labels], ['img:1', 'app:web']);
  }
  assert.is((await read({}, T0 + 2 * 60_000)).sets.get('namespace:b/pod:p')!.labels.labels, 'app:db');
});

test('a pod file the recorder adds is read, not answered from the last read of the files before it', async () => {
  // serve keeps the pods and nodes its reads found for its next read of the same files (RecordedObjects):
  // a window that ends after the newest tick must see the next tick's pods, relabelled here
  const archive = await tempArchive();
  const w = await TickWriter.start(archive, {
    name: 'r', cluster: 'test-cluster', context: 'test', server: 'https://example', resolutionMs: 60_000, startedAt: T0, status: 'recording', nodes: 1, ticks: 0,
  });
  const pod = (app: string): PodInfo => ({ namespace: 'a', name: 'p', uid: 'uid-a-p', nodeName: 'n1', labels: { app }, phase: 'Running', qosClass: 'Burstable', containers: [{ name: 'c', image: `${app}:1`, requests: {}, limits: {}, restartCount: 0 }] });
  const ticks = mixedTicks(3);
  for (const b of ticks.slice(0, 2)) await w.write(b, [pod('web')], [], []);
  const objects = new RecordedObjects();
  const labels = async () => {
    // listed again at each read, as ArchiveHistory lists them
    const files = { samples: await archive.files({ kind: 'samples' }), pods: await archive.files({ kind: 'pods' }), nodes: [], objects };
    let got: Record<string, string> | undefined;
    await readRecordedBatches(files, {}, { start: T0, end: T0 + 10 * 60_000 }, (b) => { got = b.sets.get('namespace:a/pod:p/container:c')!.labels; });
    return [got!.labels, got!.container_base_image];
  };
  assert.equal(await labels(), ['app:web', 'web:1']);
  assert.equal(await labels(), ['app:web', 'web:1'], 'the same files read again');
  await w.write(ticks[2]!, [pod('api')], [], []);
  await w.finish('done');
  assert.equal(await labels(), ['app:api', 'api:1'], 'the pods as the files now hold them');
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { newMetricSet, type Batch } from '../../src/model/index.js';
import { ArchiveHistory } from '../../src/query/index.js';
import { ScannedParts } from '../../src/query/scanned-parts.js';
import { rowRuns, type RawParts } from '../../src/archive/index.js';
import { tempArchive, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 11, 7, 10, 0);
const MIN = 60_000;
const ALL = { metrics: ['memory/usage', 'filesystem/usage'] };

/** One batch a minute; the batch of minute i has namespace ns-i and node n1 (with a filesystem at minute 2). */
function batches(from: number, n: number): Batch[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const ns = newMetricSet(`namespace:ns-${i}`, 'ns', { type: 'ns', namespace_name: `ns-${i}` });
    ns.values.set('memory/usage', 1000 + i);
    const node = newMetricSet('node:n1', 'node', { type: 'node', nodename: 'n1' });
    node.values.set('memory/usage', 5000 + i);
    // a filesystem in minute 2 alone
    if (i === 2) node.labeled.add('filesystem/usage', { resource_id: '/' }, 7);
    return { timestamp: T0 + i * MIN, sets: new Map([[ns.key, ns], [node.key, node]]) };
  });
}

const namespaces = (labels: Record<string, string>[]) => labels.filter((l) => l.type === 'ns').map((l) => l.namespace_name).sort();

test('a listing keeps the parts of each file it read whole and reads only files it has not read, whatever the window', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'first', batches(0, 3));
  const history = new ArchiveHistory(archive, {});
  const all = { start: T0, end: T0 + 10 * MIN };
  // the first ask reads the rows, then each file's parts; the second waits for those and uses them
  assert.equal(namespaces((await history.recordedParts(ALL, all)).labels), ['ns-0', 'ns-1', 'ns-2']);
  assert.equal(namespaces((await history.recordedParts(ALL, all)).labels), ['ns-0', 'ns-1', 'ns-2']);

  // minute 0's file goes from the disk but not from the catalog: read again, it would fail
  const files = await archive.snapshots({ kind: 'samples' });
  const first = files.find((s) => s.tsMin === T0)!;
  rmSync(path.join(archive.dir, first.file));
  await writeBatches(archive, 'second', batches(3, 1));
  const again = await history.recordedParts(ALL, all);
  assert.equal(namespaces(again.labels), ['ns-0', 'ns-1', 'ns-2', 'ns-3']);
  assert.equal(again.metrics.sort(), ['filesystem/usage', 'memory/usage']);
  assert.equal(again.resources, ['/']);
  assert.equal(again.labels.filter((l) => l.type === 'node').map((l) => l.nodename), ['n1']);
  // what a reader without the kept parts does with that file: the error above, so they were kept
  await new ArchiveHistory(archive, {}).recordedParts(ALL, all).then(() => assert.unreachable('read the removed file'), (e: Error) => assert.match(e.message, first.file.split('/').pop()!));

  // a window that leaves minute 0 out: its parts are not the window's, and the others' are kept
  // per file, so a window that moved on reads nothing again (minute 1's file gone from the disk too)
  rmSync(path.join(archive.dir, files.find((s) => s.tsMin === T0 + MIN)!.file));
  const later = await history.recordedParts(ALL, { start: T0 + MIN, end: T0 + 10 * MIN });
  assert.equal(namespaces(later.labels), ['ns-1', 'ns-2', 'ns-3']);
  // a shorter window: the parts of its own files alone
  const cut = await history.recordedParts(ALL, { start: T0 + MIN, end: T0 + 2 * MIN + 30_000 });
  assert.equal(namespaces(cut.labels), ['ns-1', 'ns-2']);
  const noFs = await history.recordedParts(ALL, { start: T0 + 3 * MIN, end: T0 + 10 * MIN });
  assert.equal([namespaces(noFs.labels), noFs.metrics, noFs.resources], [['ns-3'], ['memory/usage'], []]);
  // windows of their own in turn, as a dashboard's panels ask: the files the others listed stay kept
  assert.equal(namespaces((await history.recordedParts(ALL, all)).labels), ['ns-0', 'ns-1', 'ns-2', 'ns-3']);
  // but a file no ask has listed for 32 asks goes: after that, minute 0's file is read again (and is gone)
  for (let i = 0; i < 33; i++) await history.recordedParts(ALL, { start: T0 + 3 * MIN, end: T0 + 10 * MIN });
  await history.recordedParts(ALL, all).then(() => assert.unreachable('kept past 32 asks'), (e: Error) => assert.match(e.message, first.file.split('/').pop()!));
});

test('files read in groups give the parts of the files read at once', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r', batches(0, 5));
  const files = (await archive.snapshots({ kind: 'samples' })).map((s) => ({ path: path.join(archive.dir, s.file), id: s.file, rows: s.rows }));
  assert.is(files.length, 5);
  // none kept: the caller reads the rows, and warm() the files' parts, in groups of two files' rows here
  const most = files[0]!.rows * 2;
  // the precondition: those files make several reads (ids of each read are its own, to be mapped)
  assert.equal(rowRuns(files, most).map((run) => run.length), [2, 1, 2]);
  const [atOnce, inGroups] = [new ScannedParts(), new ScannedParts(most)];
  assert.is(await atOnce.of(files, ALL), undefined);
  atOnce.warm(files, ALL);
  inGroups.warm(files, ALL);
  const [once, grouped] = (await Promise.all([atOnce.of(files, ALL), inGroups.of(files, ALL)])) as [RawParts, RawParts];
  const names = (p: typeof once) => p.entities.map((e) => `${e.type}/${e.namespace ?? e.node}`).sort();
  assert.equal(names(grouped), names(once));
  assert.equal(names(once), ['node/n1', 'ns/ns-0', 'ns/ns-1', 'ns/ns-2', 'ns/ns-3', 'ns/ns-4']);
  assert.equal([[...grouped.metrics].sort(), grouped.resources], [['filesystem/usage', 'memory/usage'], ['/']]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { TickWriter } from '../../src/archive/index.js';
import { newMetricSet, type Batch, type PodInfo } from '../../src/model/index.js';
import { tempArchive } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 0, 1, 10);

const pod = (i: number): PodInfo => ({
  namespace: 'jobs', name: `job-${i}`, uid: `uid-${i}`, nodeName: 'n1', labels: {}, containers: [], phase: 'Running', qosClass: 'BestEffort',
});

function batch(i: number): Batch {
  const set = newMetricSet('namespace:jobs', 'ns', { type: 'ns', namespace_name: 'jobs' });
  set.values.set('memory/usage', i);
  return { timestamp: T0 + i * 60_000, sets: new Map([[set.key, set]]) };
}

test('pods that ended are forgotten once they outnumber the living ones', async () => {
  const archive = await tempArchive();
  const w = await TickWriter.start(archive, {
    name: 'r', cluster: 'c', context: 'x', server: 'https://example', resolutionMs: 60_000, startedAt: T0, status: 'recording', nodes: 0, ticks: 0,
  });
  // three waves of 150 job pods, each gone by the next tick
  for (let wave = 0; wave < 3; wave++) {
    await w.write(batch(wave), Array.from({ length: 150 }, (_, i) => pod(wave * 150 + i)), [], []);
    assert.ok(w.podsKnown <= 2 * 150 + 100, `${w.podsKnown} pods kept after wave ${wave}`);
  }
  assert.is(w.podsKnown, 150, 'only the living wave once the others are swept');
  await w.finish('done');
  // every wave's pods were written once, swept or not
  const uids: string[] = [];
  for (const f of await archive.files({ kind: 'pods' })) {
    const b = readFileSync(f);
    const rows = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.length), compressors, columns: ['uid'] });
    uids.push(...rows.map((r) => String(r.uid)));
  }
  assert.is(uids.length, 450);
  assert.is(new Set(uids).size, 450);
});

test('a pod is written again when its labels or images change, not when its object is only made again', async () => {
  const archive = await tempArchive();
  const w = await TickWriter.start(archive, {
    name: 'r', cluster: 'c', context: 'x', server: 'https://example', resolutionMs: 60_000, startedAt: T0, status: 'recording', nodes: 0, ticks: 0,
  });
  const web = (app: string, image: string): PodInfo => ({ ...pod(1), labels: { app }, containers: [{ name: 'c', image, requests: {}, limits: {} }] });
  const first = web('web', 'img:1');
  // the same object (a watch's), an equal one (a list's), relabelled, a new image, then unchanged
  for (const [i, p] of [first, first, web('web', 'img:1'), web('web-v2', 'img:1'), web('web-v2', 'img:2'), web('web-v2', 'img:2')].entries()) {
    await w.write(batch(i), [p], [], []);
  }
  await w.finish('done');
  const rows: string[] = [];
  for (const f of await archive.files({ kind: 'pods' })) {
    const b = readFileSync(f);
    const got = await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.length), compressors, columns: ['labels', 'containers'] });
    rows.push(...got.map((r: any) => `${r.labels.app} ${r.containers[0].image}`));
  }
  assert.equal(rows.sort(), ['web img:1', 'web-v2 img:1', 'web-v2 img:2']);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AnswerCache } from '../../src/serve/answer-cache.js';
import { ArchiveHistory } from '../../src/query/index.js';
import { startServer } from '../../src/serve/index.js';
import { handBatches, tempArchive, writeBatches } from '../helpers/archive.js';

const answer = (body: string) => ({ body });

test('kept per archive version; the oldest dropped past the entries or the bytes allowed; one answer over a quarter of the bytes is not kept', () => {
  const c = new AnswerCache<{ body: string }>(3, 100);
  c.set('a', 'v1', answer('x'.repeat(10)));
  assert.equal(c.get('a', 'v1'), answer('x'.repeat(10)));
  // the archive changed: not served, and gone
  assert.is(c.get('a', 'v2'), undefined);
  assert.is(c.get('a', 'v1'), undefined);
  for (const k of ['a', 'b', 'c', 'd']) c.set(k, 'v1', answer(k));
  assert.equal(['a', 'b', 'c', 'd'].map((k) => c.get(k, 'v1')?.body), [undefined, 'b', 'c', 'd']);
  // five of 24 bytes: the oldest goes, to keep the total within 100
  const b = new AnswerCache<{ body: string }>(10, 100);
  for (const k of ['a', 'b', 'c', 'd', 'e']) b.set(k, 'v', answer(k.repeat(24)));
  assert.equal(['a', 'b', 'c', 'd', 'e'].map((k) => b.get(k, 'v') !== undefined), [false, true, true, true, true]);
  b.set('big', 'v', answer('z'.repeat(26)));
  assert.is(b.get('big', 'v'), undefined);
  assert.ok(b.get('e', 'v'));
});

test('serve --prometheus: a range query asked again after a batch arrives has the batch; an instant query without a time is evaluated at each ask', async () => {
  const T0 = Date.UTC(2026, 0, 1, 10);
  const archive = await tempArchive();
  await writeBatches(archive, 'first', handBatches(T0, [100, 110, 120]));
  let now = T0 + 60_000;
  const s = await startServer({ history: new ArchiveHistory(archive, {}), address: '127.0.0.1', port: 0, prometheus: true, now: () => now });
  try {
    const range = new URLSearchParams({ query: 'heapster_cpu_usage_rate{type="ns"}', start: String(T0 / 1000), end: String(T0 / 1000 + 240), step: '60' });
    const ask = async (q: URLSearchParams, post = false) => {
      const res = post ? await fetch(`${s.url}/api/v1/query_range`, { method: 'POST', body: q }) : await fetch(`${s.url}/api/v1/query_range?${q}`);
      return ((await res.json()) as any).data.result[0].values.map(([t, v]: [number, string]) => [t - T0 / 1000, Number(v)]);
    };
    // the last value lasts Prometheus's five minutes past its sample
    const before = [[0, 100], [60, 110], [120, 120], [180, 120], [240, 120]];
    assert.equal(await ask(range), before);
    assert.equal(await ask(range), before);
    assert.equal(await ask(range, true), before);
    await writeBatches(archive, 'second', handBatches(T0 + 180_000, [130]));
    assert.equal(await ask(range), [[0, 100], [60, 110], [120, 120], [180, 130], [240, 130]]);
    const instant = async () => ((await (await fetch(`${s.url}/api/v1/query?query=heapster_cpu_usage_rate`)).json()) as any).data.result[0].value;
    assert.equal(await instant(), [T0 / 1000 + 60, '110']);
    now = T0 + 120_000;
    assert.equal(await instant(), [T0 / 1000 + 120, '120']);
  } finally {
    await s.close();
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest, isNear } from '../../src/query/index.js';

const PODS = ['nginx-p5pm6-w9742', 'nginx-17533-vrj8v', 'api-7d9f-x2x4k'];
/** what callers offer as "did you mean" */
const near = (input: string) => closest(input, PODS).filter((n) => isNear(input, n));

test('near only: a typo or a prefix is named, a name far from all of them gets none', () => {
  assert.equal(near('nginx-p5pm6'), ['nginx-p5pm6-w9742']);
  assert.equal(near('api-7d9f-x2x4'), ['api-7d9f-x2x4k']);
  // one edit: within two
  assert.equal(near('nginx-17553-vrj8v'), ['nginx-17533-vrj8v']);
  assert.equal(near('nope'), []);
  // closest alone names the closest whatever their distance, as for a short list of recordings
  assert.is(closest('nope', PODS).length, 3);
});

test('names containing the input: those starting with it, then the shortest, then in the order given', () => {
  const names = ['accelerator/memory_total', 'memory/usage', 'memory/rss', 'memory-usage'];
  assert.equal(closest('memory', names), ['memory/rss', 'memory/usage', 'memory-usage']);
});

test.run();

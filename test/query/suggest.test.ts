import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest } from '../../src/query/index.js';

const PODS = ['nginx-p5pm6-w9742', 'nginx-17533-vrj8v', 'api-7d9f-x2x4k'];

test('near only: a typo or a prefix is named, a name far from all of them gets none', () => {
  assert.equal(closest('nginx-p5pm6', PODS, 3, true), ['nginx-p5pm6-w9742']);
  assert.equal(closest('api-7d9f-x2x4', PODS, 3, true), ['api-7d9f-x2x4k']);
  // one edit: within two
  assert.equal(closest('nginx-17553-vrj8v', PODS, 3, true), ['nginx-17533-vrj8v']);
  assert.equal(closest('nope', PODS, 3, true), []);
  // without nearOnly the closest are named whatever their distance, as for a short list of recordings
  assert.is(closest('nope', PODS).length, 3);
});

test('names containing the input: those starting with it, then the shortest, then in the order given', () => {
  const names = ['accelerator/memory_total', 'memory/usage', 'memory/rss', 'memory-usage'];
  assert.equal(closest('memory', names), ['memory/rss', 'memory/usage', 'memory-usage']);
});

test.run();

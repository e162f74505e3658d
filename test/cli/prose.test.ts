import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prose } from '../../src/cli/prose.js';

test('lines of a paragraph join; paragraphs and indented commands keep their own lines', () => {
  const text = 'Old scripts work\nagain, answered from\nrecorded data:\n  kubectl top pods -A\nWith --live it\nrecords too.\n\nBinds to loopback.';
  assert.is(prose(text), 'Old scripts work again, answered from recorded data:\n  kubectl top pods -A\nWith --live it records too.\n\nBinds to loopback.');
});

test.run();

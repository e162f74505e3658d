import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeMetric } from '../../src/model/index.js';
import { renderResult } from '../../src/render/index.js';
import type { QueryResult, Target } from '../../src/query/index.js';

function emptyTable(metric: string, target: Target): string {
  let text = '';
  const r: QueryResult = { kind: 'series', metric: describeMetric(metric)!, target, many: false, series: [] };
  renderResult(r, 'table', { write: (s: string) => (text += s) });
  return text;
}

// ---
test('an empty series says why: a metric Heapster does not keep at that level, or nothing in the window', () => {
  // the reference: namespaces sum only cpu/usage_rate, memory/usage and the cpu and memory requests and limits
  assert.is(emptyTable('network/rx_rate', { kind: 'namespace', namespace: 'web' }),
    'no network/rx_rate samples for namespace web: Heapster keeps network/rx_rate for nodes and pods only\n');
  assert.is(emptyTable('memory/usage', { kind: 'namespace', namespace: 'web' }), 'no memory/usage samples for namespace web in this window\n');
});

test('an empty listing says what was not found, instead of a header over nothing; JSON stays []', () => {
  const render = (r: QueryResult, format: 'table' | 'json') => {
    let text = '';
    renderResult(r, format, { write: (s: string) => (text += s) });
    return text;
  };
  const pods: QueryResult = { kind: 'names', what: 'pods', target: { kind: 'pods', namespace: 'nope' }, names: [] };
  assert.is(render(pods, 'table'), 'no pods in nope in this window\n');
  assert.is(render(pods, 'json'), '[]\n');
  const metrics: QueryResult = { kind: 'names', what: 'metrics', target: { kind: 'node', node: 'n1' }, names: [] };
  assert.is(render(metrics, 'table'), 'no metrics for node n1 in this window\n');
  assert.is(render({ ...pods, names: ['p1'] }, 'table'), 'NAME\np1\n');
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeMetric } from '../../src/model/index.js';
import { renderResult } from '../../src/render/index.js';
import { describeTarget, targetLevel, type QueryResult, type Target } from '../../src/query/index.js';

/** The fields runQuery sets from a target. */
const answered = (target: Target) => ({ target, about: describeTarget(target), level: targetLevel(target) });

function emptyTable(metric: string, target: Target): string {
  let text = '';
  const r: QueryResult = { ...answered(target), kind: 'series', metric: describeMetric(metric)!, many: false, series: [] };
  renderResult(r, 'table', { write: (s: string) => (text += s) });
  return text;
}

// ---
test('an empty series says that the window holds nothing for it', () => {
  assert.is(emptyTable('memory/usage', { kind: 'namespace', namespace: 'web' }), 'no memory/usage samples for namespace web in this window\n');
});

test('an empty listing says what was not found, instead of a header over nothing; JSON stays []', () => {
  const render = (r: QueryResult, format: 'table' | 'json') => {
    let text = '';
    renderResult(r, format, { write: (s: string) => (text += s) });
    return text;
  };
  const pods: QueryResult = { ...answered({ kind: 'pods', namespace: 'nope' }), kind: 'names', what: 'pods', names: [] };
  assert.is(render(pods, 'table'), 'no pods in nope in this window\n');
  assert.is(render(pods, 'json'), '[]\n');
  const metrics: QueryResult = { ...answered({ kind: 'node', node: 'n1' }), kind: 'names', what: 'metrics', names: [] };
  assert.is(render(metrics, 'table'), 'no metrics for node n1 in this window\n');
  assert.is(render({ ...pods, names: ['p1'] }, 'table'), 'NAME\np1\n');
});

test('pods of every namespace (-A) carry their namespace: one pod name runs in many namespaces', () => {
  const render = (r: QueryResult, format: 'table' | 'json' | 'csv' | 'chart') => {
    let text = '';
    renderResult(r, format, { write: (s: string) => (text += s) });
    return text;
  };
  const all: Target = { kind: 'pods' };
  const keys = ['namespace:a/pod:api', 'namespace:b/pod:api'];
  const names: QueryResult = { ...answered(all), kind: 'names', what: 'pods', names: ['api', 'api'], keys };
  assert.is(render(names, 'csv'), 'namespace,name\na,api\nb,api\n');
  assert.equal(JSON.parse(render(names, 'json')), [{ namespace: 'a', name: 'api' }, { namespace: 'b', name: 'api' }]);
  assert.match(render(names, 'table'), /^NAMESPACE\s+NAME\na\s+api\nb\s+api\n$/);
  const series: QueryResult = {
    ...answered(all), kind: 'series', metric: describeMetric('memory/usage')!, many: true,
    series: keys.map((key, i) => ({ key, name: 'api', points: [{ timestamp: Date.UTC(2026, 10, 27, 12), value: (i + 1) * 1024 }] })),
  };
  assert.is(render(series, 'csv'), 'namespace,name,timestamp,memory/usage\na,api,2026-11-27T12:00:00Z,1024\nb,api,2026-11-27T12:00:00Z,2048\n');
  assert.equal(JSON.parse(render(series, 'json')).items.map((i: { namespace: string; name: string }) => `${i.namespace}/${i.name}`), ['a/api', 'b/api']);
  assert.ok(render(series, 'chart').includes('b/api'), 'the chart legend names the namespace');
  const bucket = (v: number) => ({ bucket: Date.UTC(2026, 10, 27, 12), count: 1, average: v, max: v, min: v, median: v, p50: v, p95: v, p99: v });
  const buckets: QueryResult = {
    ...answered(all), kind: 'buckets', metric: series.metric, many: true, aggregations: ['max'], bucketMs: 3_600_000,
    series: keys.map((key, i) => ({ key, name: 'api', buckets: [bucket((i + 1) * 1024)] })),
  };
  assert.is(render(buckets, 'csv'), 'namespace,name,bucket,max\na,api,2026-11-27T12:00:00Z,1024\nb,api,2026-11-27T12:00:00Z,2048\n');
  // within one namespace the name alone is the member, as before
  const one: QueryResult = { ...series, ...answered({ kind: 'pods', namespace: 'a' }), series: [series.series[0]!] };
  assert.is(render(one, 'csv'), 'name,timestamp,memory/usage\napi,2026-11-27T12:00:00Z,1024\n');
});

test.run();

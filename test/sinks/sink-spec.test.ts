import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PluginError } from '../../src/model/index.js';
import { parseSinkSpec } from '../../src/sinks/index.js';

test('Heapster\'s --sink syntax: the name before the first colon, options in the query; secrets never shown', () => {
  const s = parseSinkSpec('influxdb:http://u:p%40ss@influx:8086?db=k8s&withfields=true&pw=other');
  assert.is(s.name, 'influxdb');
  assert.is(s.url.host, 'influx:8086');
  assert.is(s.options.get('db'), 'k8s');
  assert.is(s.options.get('user'), 'u');
  assert.is(s.options.get('pw'), 'other', 'an explicit pw= wins over the URL\'s');
  assert.is(s.shown, 'influxdb:http://***@influx:8086?db=k8s&withfields=true&pw=***');
  const fromFile = parseSinkSpec('prometheus:http://mimir:8080/api/v1/push', { 'prometheus:mimir:8080': { bearer_token: 'tok' }, prometheus: { bearer_token: 'general' } });
  assert.is(fromFile.options.get('bearer_token'), 'tok', 'the entry for the host wins');
  assert.not.match(fromFile.shown, /tok/);
  for (const [bad, why] of [['kafka:?brokers=a:9092', /unknown sink "kafka"/], [':http://x', /has no sink name/], ['influxdb:http://[::1', /is not a URL/]] as const) {
    try {
      parseSinkSpec(bad);
      assert.unreachable(bad);
    } catch (e) {
      assert.instance(e, PluginError);
      assert.is((e as PluginError).exitCode, 2);
      assert.match((e as PluginError).line, why);
    }
  }
});

test.run();

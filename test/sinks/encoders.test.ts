import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { uncompress } from 'snappyjs';
import { newMetricSet, type Batch } from '../../src/model/index.js';
import {
  elasticsearchBodies, elasticsearchBulk, graphiteBodies, graphiteLines, influxBodies, influxLines, kafkaBodies, kafkaMessages, openMetricsChunks, openMetricsHeader, openTsdbBodies, openTsdbPoints, promSeries, writeRequestBody, writeRequestChunks,
} from '../../src/sinks/index.js';

// the reference's fixture (heapster-sinks.md §1.1): points A, B and C at 2017-10-16T09:15:00Z
const T = Date.UTC(2017, 9, 16, 9, 15);
function fixture(): Batch {
  const c = newMetricSet('namespace:prod/pod:web-1/container:app', 'pod_container', {
    type: 'pod_container', nodename: 'node-01', hostname: 'node-01', host_id: '', pod_id: '5e1f1c7a-b2a4-11e7-9a0e-42010a800002',
    pod_name: 'web-1', namespace_name: 'prod', namespace_id: '2c6d9b1e-b2a4-11e7-9a0e-42010a800002', labels: 'app:web,tier:fe',
    container_name: 'app', container_base_image: 'nginx:1.13',
  });
  c.values.set('cpu/usage_rate', 250);
  c.labeled.add('filesystem/usage', { resource_id: '/' }, 40960);
  const n = newMetricSet('node:node-01', 'node', { type: 'node', nodename: 'node-01', hostname: 'node-01', host_id: '', labels: 'kubernetes.io/hostname:node-01' });
  n.values.set('cpu/node_utilization', 0.42);
  return { timestamp: T, sets: new Map([[c.key, c], [n.key, n]]) };
}

test('InfluxDB: the reference\'s lines byte for byte, default schema and withfields=true (§4.6)', () => {
  assert.equal(influxLines(fixture(), { withFields: false, clusterName: 'default', disableCounterMetrics: false }), [
    'cpu/usage_rate,cluster_name=default,container_base_image=nginx:1.13,container_name=app,labels=app:web\\,tier:fe,namespace_name=prod,nodename=node-01,pod_name=web-1,type=pod_container value=250i 1508145300000000000',
    'filesystem/usage,cluster_name=default,container_base_image=nginx:1.13,container_name=app,labels=app:web\\,tier:fe,namespace_name=prod,nodename=node-01,pod_name=web-1,resource_id=/,type=pod_container value=40960i 1508145300000000000',
    'cpu/node_utilization,cluster_name=default,labels=kubernetes.io/hostname:node-01,nodename=node-01,type=node value=0.42 1508145300000000000',
  ]);
  assert.equal(influxLines(fixture(), { withFields: true, clusterName: 'default', disableCounterMetrics: false }), [
    'cpu,cluster_name=default,container_base_image=nginx:1.13,container_name=app,labels=app:web\\,tier:fe,namespace_name=prod,nodename=node-01,pod_name=web-1,type=pod_container usage_rate=250i 1508145300000000000',
    'filesystem,cluster_name=default,container_base_image=nginx:1.13,container_name=app,labels=app:web\\,tier:fe,namespace_name=prod,nodename=node-01,pod_name=web-1,resource_id=/,type=pod_container usage=40960i 1508145300000000000',
    'cpu,cluster_name=default,labels=kubernetes.io/hostname:node-01,nodename=node-01,type=node node_utilization=0.42 1508145300000000000',
  ]);
  // Go's shortest float never takes an exponent; counters go with disable_counter_metrics
  const b = fixture();
  const node = b.sets.get('node:node-01')!;
  node.values.set('cpu/node_utilization', 1e-7);
  node.values.set('cpu/usage', 123456789);
  const lines = influxLines(b, { withFields: false, clusterName: 'c1', disableCounterMetrics: true });
  assert.ok(lines.some((l) => l.includes(' value=0.0000001 ')));
  assert.not.ok(lines.some((l) => l.startsWith('cpu/usage,')));
  assert.ok(influxLines(b, { withFields: false, clusterName: 'c1', disableCounterMetrics: false }).some((l) => l.startsWith('cpu/usage,') && l.includes(' value=123456789i ')));
});

test('InfluxDB, as request bodies: at most N lines each, every line ending in a newline, together the whole batch', () => {
  const o = { withFields: false, clusterName: 'default', disableCounterMetrics: false };
  const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
  const b = fixture();
  // the reference's three lines again, with a NaN the server would refuse left out
  b.sets.get('node:node-01')!.values.set('memory/usage', Number.NaN);
  const [whole, ...none] = [...influxBodies(b, o, Infinity)];
  assert.is(none.length, 0);
  assert.is(whole!.lines, 3);
  assert.ok(text(whole!.body).endsWith(' value=0.42 1508145300000000000\n'));
  const twos = [...influxBodies(b, o, 2)];
  assert.equal(twos.map((c) => c.lines), [2, 1]);
  assert.equal(twos.map((c) => text(c.body).split('\n').length - 1), [2, 1]);
  assert.is(twos.map((c) => text(c.body)).join(''), text(whole!.body));
  assert.equal([...influxBodies({ timestamp: T, sets: new Map() }, o, 2)], []);
});

test('Graphite: Heapster\'s paths, %f floats, seconds; a filesystem\'s resource id in its path (§5.4)', () => {
  assert.equal(graphiteLines(fixture(), 'kubernetes'), [
    'kubernetes.nodes.node-01.pods.prod.web-1.containers.app.cpu.usage_rate 250 1508145300',
    'kubernetes.nodes.node-01.pods.prod.web-1.containers.app.filesystem._.usage 40960 1508145300',
    'kubernetes.nodes.node-01.cpu.node_utilization 0.420000 1508145300',
  ]);
});

test('Graphite, as bodies: whole lines within a byte limit (a datagram) or a line count (a TCP write), a line longer than the limit alone', () => {
  const text = (c: { body: Uint8Array }) => Buffer.from(c.body).toString('utf8');
  const [a, b, c] = graphiteLines(fixture(), 'kubernetes').map((l) => `${l}\n`) as [string, string, string];
  const two = Buffer.byteLength(a + b);
  assert.equal([...graphiteBodies(fixture(), 'kubernetes', { bytes: two })].map(text), [a + b, c]);
  // one byte less: the first line alone, and the next two, shorter together, in one
  assert.ok(Buffer.byteLength(b + c) <= two - 1);
  assert.equal([...graphiteBodies(fixture(), 'kubernetes', { bytes: two - 1 })].map(text), [a, b + c]);
  assert.equal([...graphiteBodies(fixture(), 'kubernetes', { bytes: 10 })].map((x) => [text(x), x.lines]), [[a, 1], [b, 1], [c, 1]]);
  assert.equal([...graphiteBodies(fixture(), 'kubernetes', { lines: 2 })].map((x) => [text(x), x.lines]), [[a + b, 2], [c, 1]]);
});

test('OpenTSDB: plain values only, the type in the name, labels sanitised, cluster tag (§6.5)', () => {
  assert.equal(openTsdbPoints(fixture(), 'k8s-cluster'), [
    '{"metric":"cpu_usage_rate_gauge","timestamp":1508145300,"value":250,"tags":{"cluster":"k8s-cluster","container_base_image":"nginx_1.13","container_name":"app","hostname":"node-01","labels":"app_web_tier_fe","namespace_id":"2c6d9b1e-b2a4-11e7-9a0e-42010a800002","namespace_name":"prod","nodename":"node-01","pod_id":"5e1f1c7a-b2a4-11e7-9a0e-42010a800002","pod_name":"web-1","type":"pod_container"}}',
    '{"metric":"cpu_node_utilization_gauge","timestamp":1508145300,"value":0.42,"tags":{"cluster":"k8s-cluster","hostname":"node-01","labels":"kubernetes.io/hostname_node-01","nodename":"node-01","type":"node"}}',
  ]);
});

test('OpenTSDB, as request bodies: JSON arrays of at most N datapoints, together every point', () => {
  const text = (c: { body: Uint8Array }) => Buffer.from(c.body).toString('utf8');
  const b = fixture();
  b.sets.get('node:node-01')!.values.set('memory/usage', Number.NaN);
  const points = openTsdbPoints(b, 'c');
  assert.is(points.length, 2);
  assert.equal([...openTsdbBodies(b, 'c', 100)].map((c) => [text(c), c.points]), [[`[${points.join(',')}]`, 2]]);
  const ones = [...openTsdbBodies(b, 'c', 1)];
  assert.equal(ones.map((c) => (JSON.parse(text(c)) as unknown[]).length), [1, 1]);
  assert.equal(ones.map(text), points.map((p) => `[${p}]`));
});

test('Kafka: the message values byte for byte (§7.4)', () => {
  assert.equal(kafkaMessages(fixture()), [
    '{"MetricsName":"cpu/usage_rate","MetricsValue":{"value":250},"MetricsTimestamp":"2017-10-16T09:15:00Z","MetricsTags":{"container_base_image":"nginx:1.13","container_name":"app","host_id":"","hostname":"node-01","labels":"app:web,tier:fe","namespace_id":"2c6d9b1e-b2a4-11e7-9a0e-42010a800002","namespace_name":"prod","nodename":"node-01","pod_id":"5e1f1c7a-b2a4-11e7-9a0e-42010a800002","pod_name":"web-1","type":"pod_container"}}',
    '{"MetricsName":"filesystem/usage","MetricsValue":{"value":40960},"MetricsTimestamp":"2017-10-16T09:15:00Z","MetricsTags":{"container_base_image":"nginx:1.13","container_name":"app","host_id":"","hostname":"node-01","labels":"app:web,tier:fe","namespace_id":"2c6d9b1e-b2a4-11e7-9a0e-42010a800002","namespace_name":"prod","nodename":"node-01","pod_id":"5e1f1c7a-b2a4-11e7-9a0e-42010a800002","pod_name":"web-1","resource_id":"/","type":"pod_container"}}',
    '{"MetricsName":"cpu/node_utilization","MetricsValue":{"value":0.42},"MetricsTimestamp":"2017-10-16T09:15:00Z","MetricsTags":{"host_id":"","hostname":"node-01","labels":"kubernetes.io/hostname:node-01","nodename":"node-01","type":"node"}}',
  ]);
});

test('Kafka and Elasticsearch: bodies of at most N messages or documents hold the same lines, counted', () => {
  const text = (c: { body: Uint8Array }) => Buffer.from(c.body).toString('utf8');
  const ones = [...kafkaBodies(fixture(), 1)];
  assert.equal(ones.map((c) => c.messages), [1, 1, 1]);
  assert.equal(ones.map(text), kafkaMessages(fixture()).map((m) => `${m}\n`));
  assert.equal([...kafkaBodies(fixture(), 2)].map((c) => c.messages), [2, 1]);
  const id = /"_id":"[0-9a-f-]{36}"/g;
  const docs = [...elasticsearchBodies(fixture(), { index: 'heapster', clusterName: 'default' }, 1)];
  assert.equal(docs.map((c) => [c.documents, c.samples]), [[1, 1], [1, 1], [1, 1]]);
  assert.equal(docs.map((c) => text(c).replace(id, '')).join(''), `${elasticsearchBulk(fixture(), { index: 'heapster', clusterName: 'default' }).join('\n')}\n`.replace(id, ''));
});

test('Kafka and Elasticsearch: label values escaped as Go\'s encoding/json escapes them, plain ones as they are', () => {
  const b = fixture();
  const set = [...b.sets.values()][0]!;
  set.labels.labels = 'a<b>&c"d\\e\nf\u2028g\u0001h';
  // Go writes <, > and & as \u003c, \u003e, \u0026; " and \ with a backslash; \n; U+2028 as \u2028; other control characters as \u00XX
  const escaped = String.raw`"a\u003cb\u003e\u0026c\"d\\e\nf\u2028g\u0001h"`;
  for (const line of [kafkaMessages(b)[0]!, elasticsearchBulk(b, { index: 'heapster', clusterName: 'default' })[1]!]) {
    assert.ok(line.includes(`"labels":${escaped}`), line);
    assert.ok(line.includes('"pod_name":"web-1"'), line);
    assert.equal(JSON.parse(line).MetricsTags.labels, set.labels.labels);
  }
  // each character alone in a value, which has nothing else JSON.stringify would escape
  for (const [c, go] of [['<', '\\u003c'], ['>', '\\u003e'], ['&', '\\u0026'], ['\u2028', '\\u2028'], ['"', '\\"']]) {
    set.labels.labels = `app${c}web`;
    assert.ok(kafkaMessages(b)[0]!.includes(`"labels":"app${go}web"`), `${c}: ${kafkaMessages(b)[0]}`);
  }
});

test('Elasticsearch: the reference\'s documents byte for byte, ids aside (§8.4); a family document holds the set\'s values of that family and tag set', () => {
  const lines = elasticsearchBulk(fixture(), { index: 'heapster', clusterName: 'default' });
  const id = /"_id":"([0-9a-f-]{36})"/;
  const ids = lines.filter((_, i) => i % 2 === 0).map((l) => id.exec(l)![1]);
  assert.is(new Set(ids).size, 3);
  // RFC 4122 version 1: time_low-time_mid-1time_hi, 100 ns ticks since 1582-10-15; the batch's time, then the next ticks
  const ticks = ids.map((u) => { const [low, mid, hi] = u!.split('-'); return BigInt(`0x${hi!.slice(1)}${mid}${low}`); });
  // the batch's millisecond; ids already given at that time (the tests before) push it on by a tick each
  assert.is((ticks[0]! - 0x01b21dd213814000n) / 10_000n, BigInt(T));
  assert.equal(ticks.map((t) => t - ticks[0]!), [0n, 1n, 2n]);
  assert.ok(ids.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u!)), 'version 1, RFC 4122 variant');
  const tagsA = '"MetricsTags":{"cluster_name":"default","container_base_image":"nginx:1.13","container_name":"app","host_id":"","hostname":"node-01","labels":"app:web,tier:fe","namespace_id":"2c6d9b1e-b2a4-11e7-9a0e-42010a800002","namespace_name":"prod","nodename":"node-01","pod_id":"5e1f1c7a-b2a4-11e7-9a0e-42010a800002","pod_name":"web-1"';
  assert.equal(lines.map((l) => l.replace(id, '"_id":"<uuid-v1>"')), [
    '{"index":{"_id":"<uuid-v1>","_index":"heapster-2017.10.16","_type":"cpu"}}',
    `{"CpuMetricsTimestamp":"2017-10-16T09:15:00Z","Metrics":{"cpu/usage_rate":{"value":250}},${tagsA},"type":"pod_container"}}`,
    '{"index":{"_id":"<uuid-v1>","_index":"heapster-2017.10.16","_type":"filesystem"}}',
    `{"FilesystemMetricsTimestamp":"2017-10-16T09:15:00Z","Metrics":{"filesystem/usage":{"value":40960}},${tagsA},"resource_id":"/","type":"pod_container"}}`,
    '{"index":{"_id":"<uuid-v1>","_index":"heapster-2017.10.16","_type":"cpu"}}',
    '{"CpuMetricsTimestamp":"2017-10-16T09:15:00Z","Metrics":{"cpu/node_utilization":{"value":0.42}},"MetricsTags":{"cluster_name":"default","host_id":"","hostname":"node-01","labels":"kubernetes.io/hostname:node-01","nodename":"node-01","type":"node"}}',
  ]);
  // a real set: one cpu document with every cpu value (keys sorted), one filesystem document per resource id, uptime alone
  const b = fixture();
  const c = b.sets.get('namespace:prod/pod:web-1/container:app')!;
  c.values.set('cpu/usage', 9000).set('cpu/request', 100).set('uptime', 86400000);
  c.labeled.add('filesystem/limit', { resource_id: '/' }, 1e9);
  c.labeled.add('filesystem/usage', { resource_id: 'logs' }, 512);
  const docs = elasticsearchBulk(b, { index: 'heapster', clusterName: 'default' }).filter((_, i) => i % 2 === 1).map((l) => JSON.parse(l));
  assert.equal(docs.map((d) => Object.keys(d.Metrics ?? { [d.MetricsName]: 0 })), [
    ['uptime'], ['cpu/request', 'cpu/usage', 'cpu/usage_rate'], ['filesystem/limit', 'filesystem/usage'], ['filesystem/usage'], ['cpu/node_utilization'],
  ]);
  assert.equal(Object.keys(docs[0]), ['GeneralMetricsTimestamp', 'MetricsTags', 'MetricsName', 'MetricsValue']);
  assert.is(docs[3].MetricsTags.resource_id, 'logs');
});

test('OpenMetrics: the remote-write names and labels, escaped values, seconds; cumulative metrics typed unknown; each family apart, in pieces', () => {
  const b = fixture();
  b.sets.get('node:node-01')!.values.set('cpu/usage', 123);
  b.sets.get('node:node-01')!.labels.labels = 'a:"q"\\x';
  const byFamily = (chunkBytes: number) => {
    const texts = new Map<string, string>();
    let samples = 0;
    for (const c of openMetricsChunks(b, 'default', chunkBytes)) {
      texts.set(c.family.name, (texts.get(c.family.name) ?? '') + Buffer.from(c.body).toString('utf8'));
      samples += c.samples;
    }
    return { texts, samples };
  };
  const { texts, samples } = byFamily(Infinity);
  assert.is(samples, 4);
  assert.equal([...texts.keys()], ['heapster_cpu_usage_rate', 'heapster_filesystem_usage', 'heapster_cpu_node_utilization', 'heapster_cpu_usage']);
  assert.is(texts.get('heapster_cpu_usage_rate'), 'heapster_cpu_usage_rate{cluster_name="default",container_base_image="nginx:1.13",container_name="app",hostname="node-01",labels="app:web,tier:fe",namespace_id="2c6d9b1e-b2a4-11e7-9a0e-42010a800002",namespace_name="prod",nodename="node-01",pod_id="5e1f1c7a-b2a4-11e7-9a0e-42010a800002",pod_name="web-1",type="pod_container"} 250 1508145300\n');
  assert.match(texts.get('heapster_filesystem_usage')!, /,resource_id="\/",type="pod_container"\} 40960 1508145300\n$/);
  assert.match(texts.get('heapster_cpu_usage')!, /^heapster_cpu_usage\{cluster_name="default",hostname="node-01",labels="a:\\"q\\"\\\\x",nodename="node-01",type="node"\} 123 1508145300\n$/);
  // a piece a line: the same text, four pieces
  assert.equal(byFamily(1).texts, texts);
  assert.is([...openMetricsChunks(b, 'default', 1)].length, 4);
  const meta = new Map([...openMetricsChunks(b, 'default', 1)].map((c) => [c.family.name, c.family]));
  assert.is(openMetricsHeader(meta.get('heapster_cpu_usage')!), "# HELP heapster_cpu_usage Heapster's cpu/usage (cumulative)\n# TYPE heapster_cpu_usage unknown\n");
  assert.is(openMetricsHeader(meta.get('heapster_cpu_usage_rate')!), "# HELP heapster_cpu_usage_rate Heapster's cpu/usage_rate\n# TYPE heapster_cpu_usage_rate gauge\n");
});

test('remote write: heapster_ names, labels sorted with __name__, the reference\'s sample and label bytes, snappy block (§12)', () => {
  const { series, metadata } = promSeries(fixture(), 'default');
  assert.equal(series.map((s) => s.labels.find(([k]) => k === '__name__')![1]), ['heapster_cpu_usage_rate', 'heapster_filesystem_usage', 'heapster_cpu_node_utilization']);
  assert.equal(series[2]!.labels, [['__name__', 'heapster_cpu_node_utilization'], ['cluster_name', 'default'], ['hostname', 'node-01'],
    ['labels', 'kubernetes.io/hostname:node-01'], ['nodename', 'node-01'], ['type', 'node']]);
  assert.equal(series[1]!.labels.find(([k]) => k === 'resource_id'), ['resource_id', '/']);
  assert.is(metadata.get('heapster_cpu_usage_rate')!.type, 'gauge');
  const withCounter = fixture();
  withCounter.sets.get('node:node-01')!.values.set('cpu/usage', 123456789);
  assert.is(promSeries(withCounter, 'default').metadata.get('heapster_cpu_usage')!.type, 'counter', 'cumulative metrics are counters');
  const raw = Buffer.from(uncompress(writeRequestBody(series, metadata.values())));
  const hex = raw.toString('hex');
  assert.ok(hex.includes('0900000000' + '00406f40' + '10a084dca3f22b'), 'A\'s sample: 250 at 1508145300000 ms');
  assert.ok(hex.includes('09e17a14ae47e1da3f10a084dca3f22b'), 'C\'s sample');
  assert.ok(hex.includes('0a230a085f5f6e616d655f5f1217' + Buffer.from('heapster_cpu_usage_rate').toString('hex')), 'the __name__ label');
});

test('remote write, streamed: the chunks hold byte for byte what writeRequestBody(promSeries) holds, in requests of at most N series', () => {
  const b = fixture();
  const node = b.sets.get('node:node-01')!;
  node.values.set('cpu/usage', 123456789).set('memory/usage', 42).set('cpu/node_capacity', NaN);
  node.labels._9weird = 'x'; // a label that sorts before __name__ once mapped (`_9weird`)
  node.labeled.add('filesystem/usage', { resource_id: 'logs' }, 7);
  const { series, metadata } = promSeries(b, 'default');
  const whole = [...writeRequestChunks(b, 'default', 1000)];
  assert.is(whole.length, 1);
  assert.is(whole[0]!.series, series.length);
  assert.equal(Buffer.from(uncompress(whole[0]!.body)), Buffer.from(uncompress(writeRequestBody(series, metadata.values()))));
  // one series a request: the series bytes in order, the metadata with the last
  const ones = [...writeRequestChunks(b, 'default', 1)];
  assert.is(ones.length, series.length + 1);
  assert.equal(ones.map((c) => c.series), [...series.map(() => 1), 0]);
  for (const [i, s] of series.entries()) assert.equal(Buffer.from(uncompress(ones[i]!.body)), Buffer.from(uncompress(writeRequestBody([s]))));
  assert.equal(Buffer.from(uncompress(ones.at(-1)!.body)), Buffer.from(uncompress(writeRequestBody([], metadata.values()))));
});

test.run();

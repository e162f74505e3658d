import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newMetricSet, type Batch } from '../../src/model/index.js';
import { InfluxSink } from '../../src/sinks/influx-sink.js';
import { parseSinkSpec } from '../../src/sinks/sink-spec.js';
import { SinkQueue } from '../../src/sinks/sink-queue.js';
import { startInflux } from '../helpers/servers.js';

// a batch of one node set with `n` plain values, at minute `i`
function batch(i: number, n: number): Batch {
  const set = newMetricSet('node:n1', 'node', { type: 'node', nodename: 'n1' });
  for (let k = 0; k < n; k++) set.values.set(`custom/m${k}`, i * 100 + k);
  return { timestamp: Date.UTC(2026, 11, 1, 0, i), sets: new Map([[set.key, set]]) };
}

test('a sink queue holds batches in memory up to its samples, then reads the rest back from the archive as many at a time as fit; all arrive in order', async () => {
  let influx = await startInflux();
  try {
    const sink = new InfluxSink(parseSinkSpec(`influxdb:${influx.url}?db=q`, {}), 5000);
    await sink.probe();
    await influx.stop();
    const batches = [1, 2, 3, 4, 5].map((i) => batch(i, 4));
    // the archive's side, a one-method fake: what was offered, by time
    const reads: [number, number][] = [];
    const replay = async (from: number, to: number) => {
      reads.push([from, to]);
      return batches.filter((b) => b.timestamp >= from && b.timestamp <= to);
    };
    // ten batches by count, but 10 samples: two batches of 4 fit, the third does not
    const queue = new SinkQueue(sink, { bound: 10, maxSamples: 10, replay, firstWaitMs: 50, maxWaitMs: 200 });
    for (const b of batches) queue.offer(b);
    influx = await startInflux({ again: influx });
    const status = await queue.drain(60_000);
    assert.equal({ sent: status.sent, pending: status.pending, failed: status.failed }, { sent: 5, pending: 0, failed: 0 });
    // batches 3-5 came back from the archive: two and then one, within the 10 samples
    const t = (i: number) => batches[i - 1]!.timestamp;
    assert.equal(reads, [[t(3), t(4)], [t(5), t(5)]]);
    const res = await fetch(`${influx.url}/query?db=q&q=${encodeURIComponent('SELECT value FROM "custom/m0"')}`);
    const doc = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
    assert.equal(doc.results[0]!.series![0]!.values.map(([, v]) => v), [100, 200, 300, 400, 500]);
  } finally {
    await influx.stop();
  }
});

test('one batch larger than the samples is held alone, not read back', async () => {
  const influx = await startInflux();
  try {
    const sink = new InfluxSink(parseSinkSpec(`influxdb:${influx.url}?db=big`, {}), 5000);
    await sink.probe();
    const reads: number[] = [];
    const queue = new SinkQueue(sink, { bound: 10, maxSamples: 3, replay: async (from) => (reads.push(from), []) });
    queue.offer(batch(1, 8));
    const status = await queue.drain(30_000);
    assert.equal({ sent: status.sent, pending: status.pending, failed: status.failed, reads }, { sent: 1, pending: 0, failed: 0, reads: [] });
  } finally {
    await influx.stop();
  }
});

test.run();

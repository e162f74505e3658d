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

/** Five batches of 4 samples offered while InfluxDB is down; the archive's reads, once it is back. */
async function outage(o: { bound: number; replaySamples: number }): Promise<{ reads: number[][]; values: number[] }> {
  let influx = await startInflux();
  try {
    const sink = new InfluxSink(parseSinkSpec(`influxdb:${influx.url}?db=q`, {}), 5000);
    await sink.probe();
    await influx.stop();
    const batches = [1, 2, 3, 4, 5].map((i) => batch(i, 4));
    // the archive's side, a one-method fake: what was offered, by time
    const reads: number[][] = [];
    const replay = async (from: number, to: number) => {
      const back = batches.filter((b) => b.timestamp >= from && b.timestamp <= to);
      reads.push(back.map((b) => (b.timestamp - batches[0]!.timestamp) / 60_000 + 1));
      return back;
    };
    const queue = new SinkQueue(sink, { ...o, replay, firstWaitMs: 50, maxWaitMs: 200 });
    for (const b of batches) queue.offer(b);
    influx = await startInflux({ again: influx });
    const status = await queue.drain(60_000);
    assert.equal({ sent: status.sent, pending: status.pending, failed: status.failed }, { sent: 5, pending: 0, failed: 0 });
    const res = await fetch(`${influx.url}/query?db=q&q=${encodeURIComponent('SELECT value FROM "custom/m0"')}`);
    const doc = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
    return { reads, values: doc.results[0]!.series![0]!.values.map(([, v]) => v) };
  } finally {
    await influx.stop();
  }
}

test('a sink that fell behind holds as many batches as fit in its samples, at least one, and reads the rest back from the archive as many at a time, all in order', async () => {
  // two in memory (its bound); three spooled, read back two at a time
  assert.equal(await outage({ bound: 2, replaySamples: 100 }), { reads: [[3, 4], [5]], values: [100, 200, 300, 400, 500] });
  // room for two batches of 4 samples under a bound of ten: the samples bound the memory and the reads
  assert.equal(await outage({ bound: 10, replaySamples: 9 }), { reads: [[3, 4], [5]], values: [100, 200, 300, 400, 500] });
  // room for one batch of 4 samples at a time (as a 1,000-node tick has against the default)
  assert.equal(await outage({ bound: 2, replaySamples: 5 }), { reads: [[2], [3], [4], [5]], values: [100, 200, 300, 400, 500] });
  // less room than a batch: still one at a time
  assert.equal((await outage({ bound: 2, replaySamples: 1 })).reads, [[2], [3], [4], [5]]);
});

test.run();

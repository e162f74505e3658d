import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newMetricSet, type Batch } from '../../src/model/index.js';
import { ArchiveHistory } from '../../src/query/index.js';
import { answerMetricsApi } from '../../src/serve/metrics-api.js';
import { tempArchive, writeBatches } from '../helpers/archive.js';

const T0 = Date.UTC(2026, 11, 1, 0, 0);
const MiB = 1024 * 1024;

/** A batch of nodes, each with the values given (cpu millicores, memory MiB; undefined: absent). */
function batch(ts: number, nodes: Record<string, { cpu?: number; mem?: number }>): Batch {
  const sets = new Map();
  for (const [name, v] of Object.entries(nodes)) {
    const set = newMetricSet(`node:${name}`, 'node', { type: 'node', nodename: name });
    if (v.cpu !== undefined) set.values.set('cpu/usage_rate', v.cpu);
    if (v.mem !== undefined) set.values.set('memory/working_set', v.mem * MiB);
    sets.set(set.key, set);
  }
  return { timestamp: ts, sets };
}

test('node metrics: memory from the newest batch, CPU the newest rate of the last minute, as a kubelet\'s counters move every 10-15 s', async () => {
  const archive = await tempArchive();
  await writeBatches(archive, 'r', [
    // 75 s before the newest: n4's only rate, too old to show
    batch(T0 - 65_000, { n4: { cpu: 999, mem: 40 } }),
    batch(T0, { n1: { cpu: 700, mem: 10 }, n2: { cpu: 200, mem: 20 } }),
    // the newest batch: n1 without a rate, n2 gone, n3 whole, n4 without a rate
    batch(T0 + 10_000, { n1: { mem: 11 }, n3: { cpu: 300, mem: 30 }, n4: { mem: 41 } }),
  ]);
  const a = await answerMetricsApi(new ArchiveHistory(archive, {}), '/apis/metrics.k8s.io/v1beta1/nodes', new URLSearchParams());
  const items = (a!.body as { items: { metadata: { name: string }; usage: { cpu: string; memory: string } }[] }).items;
  assert.equal(items.map((i) => [i.metadata.name, i.usage.cpu, i.usage.memory]).sort(), [
    ['n1', '700m', `${11 * 1024}Ki`],
    ['n3', '300m', `${30 * 1024}Ki`],
  ]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveHistory } from '../../src/cli/live-history.js';
import { loadKubeConfig } from '../../src/cluster/index.js';
import { parseTarget } from '../../src/query/index.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
test.before(async () => {
  sim = await testSim({ nodes: 3, podsPerNode: 6 });
});
test.after(() => sim.close());

// ---
test('live counter rates come from two scrapes; the pods are listed once for both', async () => {
  const node = sim.workload.nodes[0]!.name;
  const before = await sim.rawSummary(node);
  const listsBefore = sim.server.log.filter((e) => e.path === '/api/v1/pods').length;
  let after: any;
  const live = await liveHistory({
    config: await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}),
    target: parseTarget(`nodes/${node}`, { namespace: 'default', allNamespaces: false }),
    rateIntervalMs: 50, concurrency: 2, nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t,
    // the simulated cluster's clock stands still unless moved: a minute passes while the plugin waits
    onWait: () => {
      sim.clock.t += 60_000;
      after = sim.rawSummary(node);
    },
  });
  after = await after;
  const set = live.batch.sets.get(`node:${node}`)!;
  // expected from the two payloads: the counter difference over the kubelet's own timestamps
  const dt = Date.parse(after.node.network.time) - Date.parse(before.node.network.time);
  assert.ok(dt > 0, 'the two payloads are from different stats periods');
  assert.is(set.values.get('network/rx_rate'), ((after.node.network.rxBytes - before.node.network.rxBytes) * 1000) / dt);
  const cpuDt = Date.parse(after.node.cpu.time) - Date.parse(before.node.cpu.time);
  assert.is(set.values.get('cpu/usage_rate'), Math.trunc((1000 * (after.node.cpu.usageCoreNanoSeconds - before.node.cpu.usageCoreNanoSeconds)) / (cpuDt * 1e6)));
  assert.is(sim.server.log.filter((e) => e.path === '/api/v1/pods').length - listsBefore, 1, 'one pod list for the two scrapes');
});

test.run();

// Issue 2: a simulated 1,000-node cluster, 30 pods per node, two containers each.
import { ApiClient, PodWatch, collectBatch, loadKubeConfig } from '../../dist/cluster/index.js';
import { processBatch } from '../../dist/model/index.js';

const NODES = Number(process.env.BENCH_NODES ?? 1000);

async function scrapeOnce(client, pods) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const got = await collectBatch(client, { resolutionMs: 60_000, now: Date.now, concurrency: 0, nodeTimeoutMs: 10_000, requestTimeoutMs: 30_000, jitterMs: 0, pods });
  const batch = processBatch(got.batch, undefined, got.objects);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpuMs: (cpu.user + cpu.system) / 1000, ok: got.nodesOk, failed: got.failures.length, sets: batch.sets.size, bytes: got.bytes };
}

export async function scrapeBench(startSimulatorProcess) {
  const sim = await startSimulatorProcess(['--nodes', String(NODES), '--pods-per-node', '30', '--seed', '1']);
  try {
    const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfig }, {}), { maxSockets: 64 });
    // as `record` scrapes: pods listed once, then kept by a watch
    const watch = new PodWatch(client, 30_000);
    const cold = await scrapeOnce(client, watch);
    // the simulator caches a node's summary for its 10 s stats period, as kubelets do; wait for fresh ones
    const fresh = () => new Promise((r) => setTimeout(r, 10_000));
    await fresh();
    const warm = await scrapeOnce(client, watch);
    if (!watch.watching) console.error('warning: the pod watch was not running for the warm scrape');
    watch.close();
    // as a one-shot `query --live` scrapes: pods listed every time
    await fresh();
    const listing = await scrapeOnce(client, undefined);
    client.close();
    const rss = process.resourceUsage().maxRSS / 1024;
    if (warm.failed || cold.failed || listing.failed) console.error(`warning: ${warm.failed + cold.failed + listing.failed} node scrapes failed`);
    return [
      [`scrape: nodes answered (of ${NODES})`, warm.ok],
      ['scrape: metric sets per batch', warm.sets],
      ['scrape: summary MB per scrape', (warm.bytes / 1e6).toFixed(1)],
      ['scrape: plugin CPU ms per node (first scrape, lists pods)', (cold.cpuMs / NODES).toFixed(3), '≤ 1 ms'],
      ['scrape: plugin CPU ms per node (next scrapes, pods watched)', (warm.cpuMs / NODES).toFixed(3), '≤ 1 ms'],
      ['scrape: plugin CPU ms per node (one-shot, lists pods)', (listing.cpuMs / NODES).toFixed(3), '≤ 1 ms'],
      ['scrape: wall s, full scrape (cold)', (cold.wall / 1000).toFixed(2), '< 5 s'],
      ['scrape: wall s, full scrape (warm)', (warm.wall / 1000).toFixed(2), '< 5 s'],
      ['scrape: peak RSS MB', rss.toFixed(0)],
    ];
  } finally {
    sim.stop();
  }
}

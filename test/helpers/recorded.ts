import { Archive, TickWriter } from '../../src/archive/index.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../../src/cluster/index.js';
import { runRecorder } from '../../src/record/index.js';
import * as assert from 'uvu/assert';
import { tempArchive } from './archive.js';
import { cli, pluginEnv } from './run-cli.js';
import type { TestSim } from './sim.js';

export const RES = 60_000;
export const OFFSET = 5_000;

/** Records `ticks` minutes of the simulator in simulated time; returns the archive and the batch stamps. */
export async function recordSim(sim: TestSim, ticks: number, name = 'sim'): Promise<{ archive: Archive; stamps: number[] }> {
  const archive = await tempArchive();
  const config = await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {});
  const client = await ApiClient.create(config);
  const writer = await TickWriter.start(archive, {
    name, cluster: clusterIdentity(config), context: config.contextName, server: config.server,
    resolutionMs: RES, startedAt: sim.clock.t, status: 'recording', nodes: 0, ticks: 0,
  });
  const stamps: number[] = [];
  await runRecorder({
    client, archive, writer, resolutionMs: RES, until: sim.clock.t + ticks * RES, scope: {}, concurrency: 2,
    nodeTimeoutMs: 5000, requestTimeoutMs: 5000, now: () => sim.clock.t,
    sleep: async (ms) => void (sim.clock.t += Math.max(0, ms)), signal: new AbortController().signal,
    onTick: (t) => stamps.push(t.timestamp),
    // the clock jumps a minute per tick in an instant; a pod watch follows in real seconds
    objects: 'list',
  });
  client.close();
  await writer.finish('done');
  return { archive, stamps };
}

/** When the batch stamped `ts` was scraped: Heapster stamps the batch scraped just after boundary B with B. */
export const scrapedAt = (ts: number) => ts + OFFSET;

export function podsAt(sim: TestSim, t: number) {
  return sim.workload.nodes.flatMap((n) => sim.workload.podsOn(n, sim.workload.statsTime(n, t)).map((p) => ({ p, tt: sim.workload.statsTime(n, t) })));
}

/** `query -o json` of a recording: [RFC 3339 time, value] pairs, what a store or an export must hold. */
export async function recordedPoints(dir: string, target: string, metric: string, recording = 'sim'): Promise<[string, number][]> {
  const r = await cli(['query', target, metric, '--archive', dir, '--recording', recording, '-o', 'json'], pluginEnv());
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).metrics.map((m: { timestamp: string; value: number; floatValue?: number }) => [m.timestamp, m.floatValue ?? m.value]);
}

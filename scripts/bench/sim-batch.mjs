// One tick of the simulated cluster as the recorder's model batch, made in process without HTTP:
// what the archive and sink benchmarks feed the code they measure.
import { decodeSummary, toNodeInfo, toPodInfo } from '../../dist/cluster/index.js';
import { podKey, processBatch } from '../../dist/model/index.js';
import { buildSummary, nodeObject, podCore, Workload } from '../../dist/simulator/index.js';
import { Archive, TickWriter } from '../../dist/archive/index.js';
import { HourlyCompaction, compactRecording } from '../../dist/record/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The plugin's view of the workload's nodes; it does not change with time. */
export const simNodes = (w, at) => w.nodes.map((n) => toNodeInfo(nodeObject(w, n, undefined, at)));

/** The batch stamped `stamp`, scraped at `t`, with rates against `prev`; and the pods it saw. */
export function simBatch(w, t, stamp, prev, nodes) {
  const sets = new Map();
  for (const n of w.nodes) for (const s of decodeSummary(buildSummary(w, n, t), { now: t })) sets.set(s.key, s);
  // the fields the plugin reads: building the served pods' extras would only slow the simulation
  const pods = w.nodes.flatMap((n) => w.podsOn(n, t)).map((p) => toPodInfo(podCore(p, t)));
  const objects = { pods: new Map(pods.map((p) => [podKey(p.namespace, p.name), p])), nodes: new Map(nodes.map((n) => [n.name, n])) };
  return { batch: processBatch({ timestamp: stamp, sets }, prev, objects), pods };
}

/**
 * A new archive in a temporary folder, recording `name` of a simulated cluster of `nodes` nodes (30
 * pods each) from 2026-11-25: the archive, its folder, the workload, its nodes and the tick writer.
 */
export async function benchRecording(name, nodes, resolutionMs) {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), `kh-bench-${name}-`)), 'archive');
  const archive = await Archive.open(dir, true);
  const start = Date.UTC(2026, 10, 25, 0, 0, 0);
  const w = new Workload({ seed: 11, nodes, podsPerNode: 30, epoch: start });
  const writer = await TickWriter.start(archive, {
    name, cluster: 'bench-cluster', context: 'bench', server: 'https://bench', resolutionMs,
    startedAt: start, status: 'recording', nodes, ticks: 0,
  });
  return { dir, archive, start, w, writer, nodes: simNodes(w, start) };
}

/**
 * `hours` of a recording of the simulated cluster, written as `record` writes it, its finished hours
 * merged beside the ticks: the archive, its folder, and the recording's start and end.
 */
export async function recordedHours(name, nodes, hours, resolutionMs) {
  const { dir, archive, start, w, writer, nodes: infos } = await benchRecording(name, nodes, resolutionMs);
  const hourly = new HourlyCompaction(compactRecording(archive, name), (e) => { throw e; });
  const perHour = 3_600_000 / resolutionMs;
  let prev;
  for (let i = 0; i < hours * perHour; i++) {
    const { batch, pods } = simBatch(w, start + i * resolutionMs + 5000, start + (i + 1) * resolutionMs, prev, infos);
    prev = batch;
    await writer.write(batch, pods, infos, []);
    if (i % perHour === perHour - 1) hourly.start(batch.timestamp + 1);
  }
  await hourly.end(false);
  await writer.finish('done');
  return { dir, archive, start, end: start + hours * 3_600_000 };
}

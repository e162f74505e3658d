// One tick of the simulated cluster as the recorder's model batch, made in process without HTTP:
// what the archive and sink benchmarks feed the code they measure.
import { decodeSummary, toNodeInfo, toPodInfo } from '../../dist/cluster/index.js';
import { podKey, processBatch } from '../../dist/model/index.js';
import { buildSummary, nodeObject, podCore } from '../../dist/simulator/index.js';

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

import { readArchive } from './read-samples.js';

export interface PodObjectRow {
  namespace: string;
  pod: string;
  node: string;
  ownerKind: string;
  ownerName: string;
  phase: string;
  labels: Record<string, string>;
  /** how restarted containers last ended, as the pod's newest object says */
  terminations: { container: string; reason: string; exitCode: number; at: number }[];
}

/**
 * Each pod's newest object at or before `at` (ms) from the pods dimension files: a pod's row is
 * written when it changes, so a pod alive in a window may have last been written before it.
 */
export async function readPodObjects(files: readonly string[], at: number): Promise<PodObjectRow[]> {
  if (!files.length) return [];
  return readArchive(files, async (con, from) => {
    const r = await con.runAndReadAll(`SELECT namespace, pod, node, owner_kind, owner_name, phase, CAST(labels AS VARCHAR) AS labels, CAST(containers AS VARCHAR) AS containers FROM ${from}
      WHERE ts <= make_timestamp(${Math.floor(at)}::BIGINT * 1000) QUALIFY row_number() OVER (PARTITION BY namespace, pod ORDER BY ts DESC) = 1`);
    return r.getRowObjects().map((o) => ({
      namespace: String(o.namespace), pod: String(o.pod), node: String(o.node ?? ''), ownerKind: String(o.owner_kind ?? ''),
      ownerName: String(o.owner_name ?? ''), phase: String(o.phase ?? ''), labels: JSON.parse(String(o.labels ?? '{}')),
      terminations: terminations(String(o.containers ?? '[]')),
    }));
  });
}

function terminations(json: string): PodObjectRow['terminations'] {
  const containers = JSON.parse(json) as { name: string; lastTermination?: { reason: string; exitCode: number; at: number } }[];
  return containers.filter((c) => c.lastTermination).map((c) => ({ container: c.name, ...c.lastTermination! }));
}

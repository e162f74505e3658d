// Recordings under a cluster that misbehaves: faulty nodes, an API server that goes away, tokens
// that expire, a CA that rotates. Each checks that every boundary is a batch or a gap.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Archive, selectGaps, selectRecordings, TickWriter } from '../../dist/archive/index.js';
import { ApiClient, clusterIdentity, loadKubeConfig } from '../../dist/cluster/index.js';
import { ArchiveHistory } from '../../dist/query/index.js';
import { abortableSleep, runRecorder } from '../../dist/record/index.js';
import { startSimulator } from '../../dist/simulator/index.js';
import { sleep } from './util.mjs';

/** Records `sim` through `context` for `ms` of real time at `resolutionMs`; `during(elapsedMs)` runs once a second. */
async function record(dir, name, sim, { context, resolutionMs, ms, during }) {
  const kubeconfig = path.join(dir, `${name}.kubeconfig`);
  writeFileSync(kubeconfig, sim.kubeconfig, { mode: 0o600 });
  const archive = await Archive.open(path.join(dir, `${name}-archive`), true);
  const config = await loadKubeConfig({ kubeconfig, ...(context ? { context } : {}) }, {});
  const client = await ApiClient.create(config);
  const writer = await TickWriter.start(archive, { name, cluster: clusterIdentity(config), context: config.contextName, server: config.server, resolutionMs, startedAt: Date.now(), status: 'recording', nodes: 0, ticks: 0 });
  // boundaries count from here, where the recorder starts: beside the kills, starting the writer
  // (DuckDB, the catalog) could take over a second, and the soak then expected a first boundary the
  // recorder, starting later, never saw (counted as 'neither a batch nor a gap': a FAIL)
  const start = Date.now();
  let error;
  const ticker = during ? setInterval(() => during(Date.now() - start), 1000) : undefined;
  try {
    await runRecorder({
      client, archive, writer, resolutionMs, until: start + ms, scope: {}, concurrency: 0, nodeTimeoutMs: 10_000, requestTimeoutMs: 5000,
      now: Date.now, sleep: abortableSleep, signal: new AbortController().signal,
    });
    await writer.finish('done');
  } catch (e) {
    error = e;
    await writer.finish('failed', e.message);
  } finally {
    clearInterval(ticker);
    client.close();
  }
  const gaps = await archive.catalog(true, (con) => selectGaps(con, name));
  const [rec] = await archive.catalog(true, (con) => selectRecordings(con, name));
  const h = new ArchiveHistory(archive, { recording: name });
  const nodeKeys = sim.workload.nodes.map((n) => `node:${n.name}`);
  const nodeSeries = await h.series(nodeKeys, 'memory/usage', undefined, {});
  const batches = [...new Set(nodeSeries.flatMap((s) => s.points.map((p) => p.timestamp)))].sort((a, b) => a - b);
  const boundaries = [];
  for (let t = Math.floor(start / resolutionMs) * resolutionMs + resolutionMs; t <= start + ms && (!error || t <= (rec?.tsMax ?? 0)); t += resolutionMs) boundaries.push(t);
  const gapAt = new Set(gaps.map((g) => g.ts));
  const uncovered = boundaries.filter((t) => !batches.includes(t) && !gapAt.has(t));
  return { rec, gaps, batches, boundaries, uncovered, error, nodeSeries };
}

export async function faultySoak({ dir, seconds }) {
  const kinds = ['timeout', 'error500', 'malformed', 'down', 'notready', 'windows'];
  const nodes = 20;
  const faults = {};
  // 10% of the nodes of each kind
  kinds.forEach((k, i) => {
    faults[`node-${String(2 * i + 1).padStart(2, '0')}`] = k;
    faults[`node-${String(2 * i + 2).padStart(2, '0')}`] = k;
  });
  const sim = await startSimulator({ seed: 21, nodes, podsPerNode: 4, faults });
  try {
    const r = await record(dir, 'faulty', sim, { resolutionMs: 2000, ms: seconds * 1000 });
    const healthy = sim.workload.nodes.map((n) => n.name).filter((n) => !faults[n] || faults[n] === 'windows');
    let missing = 0;
    for (const t of r.batches) for (const n of healthy) if (!r.nodeSeries.find((s) => s.key === `node:${n}`)?.points.some((p) => p.timestamp === t)) missing++;
    const faultyGaps = Object.entries(faults).filter(([, k]) => k !== 'windows').every(([n]) => r.gaps.filter((g) => g.node === n).length >= r.batches.length);
    return { ticks: r.batches.length, boundaries: r.boundaries.length, uncovered: r.uncovered.length, healthyMissing: missing, faultyAsGaps: faultyGaps, error: r.error?.message };
  } finally {
    await sim.close();
  }
}

export async function outageSoak({ dir, downSeconds }) {
  const sim = await startSimulator({ seed: 22, nodes: 5, podsPerNode: 4 });
  const port = Number(new URL(sim.url).port);
  let down = false, up = false;
  try {
    const r = await record(dir, 'outage', sim, {
      resolutionMs: 2000, ms: (downSeconds + 20) * 1000,
      during: (t) => {
        if (!down && t > 6000) {
          down = true;
          void sim.server.close();
        } else if (down && !up && t > 6000 + downSeconds * 1000) {
          up = true;
          void sim.server.listen(port, '127.0.0.1');
        }
      },
    });
    const upAt = r.boundaries[0] + 6000 + downSeconds * 1000;
    return {
      uncovered: r.uncovered.length, boundaries: r.boundaries.length,
      outageGaps: r.gaps.filter((g) => g.node === '*' || g.reason === 'unreachable').length,
      resumed: r.batches.filter((t) => t > upAt).length, error: r.error?.message,
    };
  } finally {
    await sim.close();
  }
}

export async function tokenSoak({ dir, seconds }) {
  const sim = await startSimulator({ seed: 23, nodes: 5, podsPerNode: 4, tokenTtlMs: 20_000, credentialsDir: path.join(dir, 'token-creds') });
  try {
    const r = await record(dir, 'tokens', sim, { context: 'heapster-sim-exec', resolutionMs: 2000, ms: seconds * 1000 });
    const auth = r.gaps.filter((g) => /unauthorized|forbidden|tls/.test(g.reason)).length;
    return { ticks: r.batches.length, boundaries: r.boundaries.length, uncovered: r.uncovered.length, authGaps: auth, error: r.error?.message };
  } finally {
    await sim.close();
  }
}

export async function caSoak({ dir }) {
  const sim = await startSimulator({ seed: 24, nodes: 3, podsPerNode: 2, tokenTtlMs: 3_600_000, credentialsDir: path.join(dir, 'ca-creds') });
  try {
    let rotated = false;
    const r = await record(dir, 'ca', sim, { resolutionMs: 1000, ms: 20_000, during: (t) => !rotated && t > 3000 && (rotated = true) && void sim.rotating.rotateCa() });
    return { status: r.rec?.status, lastError: r.rec?.lastError ?? '', failedClearly: r.rec?.status === 'failed' && /TLS/.test(r.rec?.lastError ?? '') && r.error?.code === 'tls' };
  } finally {
    await sim.close();
  }
}

export { sleep };

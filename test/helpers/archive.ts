import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Archive, TickWriter } from '../../src/archive/index.js';
import { newMetricSet, type Batch } from '../../src/model/index.js';

export async function tempArchive(): Promise<Archive> {
  return Archive.open(path.join(mkdtempSync(path.join(tmpdir(), 'kh-arch-')), 'archive'), true);
}

/** Batches for one namespace `web` whose cpu/usage_rate takes the given values, one per minute from `t0`. */
export function handBatches(t0: number, values: number[], metric = 'cpu/usage_rate'): Batch[] {
  return values.map((v, i) => {
    const set = newMetricSet('namespace:web', 'ns', { type: 'ns', namespace_name: 'web' });
    set.values.set(metric, v);
    return { timestamp: t0 + i * 60_000, sets: new Map([[set.key, set]]) };
  });
}

export async function writeBatches(archive: Archive, name: string, batches: Batch[]): Promise<void> {
  const w = await TickWriter.start(archive, {
    name, cluster: 'test-cluster', context: 'test', server: 'https://example', resolutionMs: 60_000,
    startedAt: batches[0]!.timestamp, status: 'recording', nodes: 0, ticks: 0,
  });
  for (const b of batches) await w.write(b, [], [], []);
  await w.finish('done');
}

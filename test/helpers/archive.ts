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

export async function writeBatches(archive: Archive, name: string, batches: Batch[], resolutionMs = 60_000): Promise<void> {
  const w = await TickWriter.start(archive, {
    name, cluster: 'test-cluster', context: 'test', server: 'https://example', resolutionMs,
    startedAt: batches[0]!.timestamp, status: 'recording', nodes: 0, ticks: 0,
  });
  for (const b of batches) await w.write(b, [], [], []);
  await w.finish('done');
}

/**
 * Three entities, one batch a minute from `t0`: namespace web (cpu/usage_rate 100 + i, memory/usage
 * 1,000,000 + 4096 i), namespace db (cpu/usage_rate 50 + 2i, no memory/usage, so wide rows have a
 * hole) and node n1 (cpu/usage_rate 900 + i, memory/usage 7,000,000 - i).
 */
export function threeEntityBatches(t0: number, ticks: number): Batch[] {
  return Array.from({ length: ticks }, (_, i) => {
    const web = newMetricSet('namespace:web', 'ns', { type: 'ns', namespace_name: 'web' });
    web.values.set('cpu/usage_rate', 100 + i);
    web.values.set('memory/usage', 1_000_000 + i * 4096);
    const db = newMetricSet('namespace:db', 'ns', { type: 'ns', namespace_name: 'db' });
    db.values.set('cpu/usage_rate', 50 + 2 * i);
    const node = newMetricSet('node:n1', 'node', { type: 'node', nodename: 'n1' });
    node.values.set('cpu/usage_rate', 900 + i);
    node.values.set('memory/usage', 7_000_000 - i);
    return { timestamp: t0 + i * 60_000, sets: new Map([[web.key, web], [db.key, db], [node.key, node]]) };
  });
}

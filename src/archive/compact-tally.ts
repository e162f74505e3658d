import type { Snapshot } from './catalog.js';
import type { CompactResult } from './compact.js';

/**
 * What a compaction did, counted over its swaps: the files it replaced that it had not written itself,
 * and the files it wrote that are still cataloged at the end. A run that merges ticks into hours and
 * those hours into a day so tells "merged 3,600 files into 50", not the hours in between. Series
 * indexes count in the bytes only: they are no data of their own.
 */
export class CompactTally {
  private merged = 0;
  private bytesBefore = 0;
  private readonly made = new Map<string, Snapshot>();

  swapped(old: readonly Snapshot[], written: readonly Snapshot[]): void {
    for (const g of old) {
      if (this.made.delete(g.file)) continue;
      if (g.kind !== 'series') this.merged++;
      this.bytesBefore += g.bytes;
    }
    for (const s of written) this.made.set(s.file, s);
  }

  result(): CompactResult {
    const all = [...this.made.values()];
    const made = all.filter((s) => s.kind !== 'series');
    const sum = (list: Snapshot[], f: (s: Snapshot) => number) => list.reduce((n, s) => n + f(s), 0);
    return {
      merged: this.merged,
      written: made.length,
      rows: sum(made, (s) => s.rows),
      samples: sum(made.filter((s) => s.kind === 'samples'), (s) => s.rows),
      bytesBefore: this.bytesBefore,
      bytesAfter: sum(all, (s) => s.bytes),
    };
  }
}

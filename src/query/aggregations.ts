import { AGGREGATIONS, type Aggregation } from '../archive/index.js';
import { usageError } from '../model/index.js';

/** Heapster's path spellings beside ours. */
const SPELLINGS: Record<string, Aggregation> = {
  average: 'average', avg: 'average', mean: 'average', max: 'max', min: 'min', median: 'median', count: 'count',
  p50: 'p50', p95: 'p95', p99: 'p99', '50-perc': 'p50', '95-perc': 'p95', '99-perc': 'p99',
};

/** `average,max,p95` or Heapster's `95-perc`; an unknown name is Heapster's error text. */
export function parseAggregations(text: string): Aggregation[] {
  const out: Aggregation[] = [];
  for (const name of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const a = SPELLINGS[name];
    if (!a) throw usageError(`Unknown aggregation "${name}"`, `use ${AGGREGATIONS.join(', ')} (or 50-perc, 95-perc, 99-perc)`);
    if (!out.includes(a)) out.push(a);
  }
  if (!out.length) throw usageError('--agg names no aggregation', `use ${AGGREGATIONS.join(', ')}`);
  return out;
}

export type { Aggregation };

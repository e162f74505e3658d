import { parseAggregations, type Aggregation } from '../query/index.js';
import { GoTimeError, parseGoRFC3339 } from './go-time.js';

/** An error with Heapster's status code and plain-text body. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** `start`/`end` as Heapster's handlers read them; a bad one is a 400 with Go's parse error. */
export function timeParam(q: URLSearchParams, name: 'start' | 'end'): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  try {
    return parseGoRFC3339(v);
  } catch (e) {
    if (e instanceof GoTimeError) throw new HttpError(400, `timestamp argument cannot be parsed: ${e.message}`);
    throw e;
  }
}

/** `labels=k1:v1,k2:v2`, split on the first colon; an empty key or value is `invalid label pair`. */
export function labelsParam(q: URLSearchParams): Record<string, string> | undefined {
  const v = q.get('labels');
  if (v === null || v === '') return undefined;
  const out: Record<string, string> = {};
  for (const pair of v.split(',')) {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw new HttpError(400, `invalid label pair ${JSON.stringify(pair)}`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

const BUCKET_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Heapster's bucket sizes: an unsigned number and ms|s|m|h|d; empty is 0 (one bucket). */
export function bucketParam(q: URLSearchParams): number {
  const v = q.get('bucket') ?? '';
  if (v === '') return 0;
  if (v.length < 2) throw new HttpError(400, `unable to parse bucket size: ${JSON.stringify(v)} is too short to be a duration`);
  const unit = v.endsWith('ms') ? 'ms' : v.slice(-1);
  if (!(unit in BUCKET_UNITS) || (unit !== 'ms' && v.endsWith('ms'))) {
    throw new HttpError(400, `unable to parse bucket size: ${JSON.stringify(v)} has no known duration suffix`);
  }
  const num = v.slice(0, v.length - unit.length);
  if (!/^\d+$/.test(num)) throw new HttpError(400, `unable to parse bucket size: strconv.ParseUint: parsing ${JSON.stringify(num)}: invalid syntax`);
  return Number(num) * BUCKET_UNITS[unit]!;
}

/** Path aggregations; Heapster's names only (`average`, `max`, `min`, `median`, `count`, `50-perc`, ...). */
export function aggregationsParam(text: string): Aggregation[] {
  const names = text.split(',');
  for (const n of names) {
    if (!['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'].includes(n)) {
      throw new HttpError(400, `Unknown aggregation ${JSON.stringify(n)}`);
    }
  }
  return parseAggregations(text);
}

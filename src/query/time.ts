import { DateTime } from 'luxon';
import { usageError } from '../model/index.js';
import type { Window } from './history.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `15m`, `1h30m`, `2d`: a duration in ms, or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** Past a century a duration is a typo, and past Date's range it would be an internal error. */
const MAX_DURATION_MS = 100 * 365 * 86_400_000;
/** JavaScript's Date range, ±8.64e15 ms around 1970. */
const MAX_TIME_MS = 8.64e15;

/** A flag's duration; zero only where `zero` says it means something (a bucket of the whole window). */
export function parseDuration(text: string, flag: string, o: { zero?: boolean } = {}): number {
  if (text.trim() === '') throw usageError(`${flag} is empty`, 'give a duration like 30s, 15m, 1h30m or 2d');
  const ms = durationMs(text);
  if (ms === undefined) throw usageError(`${flag} "${text}" is not a duration`, 'write it like 30s, 15m, 1h30m or 2d');
  if (ms === 0 && !o.zero) throw usageError(`${flag} ${text} is zero`, 'give a duration above zero, like 30s');
  if (!(ms <= MAX_DURATION_MS)) throw usageError(`${flag} ${text} is too long`, 'give at most 100 years (36500d)');
  return ms;
}

/**
 * A point in time as operators type it: RFC 3339 (`2017-10-16T09:14:00Z`), `now`, a relative
 * `-2h` / `2h` (ago), or a local time without a zone (`2026-11-26 14:00`), read in `zone`.
 */
export function parseTime(text: string, flag: string, now: number, zone = 'local'): number {
  const s = text.trim();
  if (s === '') throw usageError(`${flag} is empty`, 'give a time: RFC 3339 (2017-10-16T09:14:00Z), now, or a relative time like -2h');
  if (s === 'now') return now;
  const rel = durationMs(s.replace(/^-/, ''));
  if (rel !== undefined) {
    if (!(rel <= MAX_DURATION_MS)) throw usageError(`${flag} ${text} is too far back`, 'give at most 100 years (36500d)');
    return now - rel;
  }
  const iso = DateTime.fromISO(s.replace(' ', 'T'), { zone, setZone: true });
  if (iso.isValid && Math.abs(iso.toMillis()) <= MAX_TIME_MS) return iso.toMillis();
  throw usageError(`${flag} "${text}" is not a time`, 'use RFC 3339 (2017-10-16T09:14:00Z), now, a relative time like -2h, or a local time like "2026-11-26 14:00"');
}

export interface WindowFlags {
  start?: string;
  end?: string;
  since?: string;
}

/** `--start/--end/--since` as a window, inclusive at both ends; start alone means until now. */
export function parseWindow(f: WindowFlags, now: number): Window {
  if (f.since !== undefined && f.start !== undefined) throw usageError('--since and --start both set the start', 'use one of them');
  const start = f.since !== undefined ? now - parseDuration(f.since, '--since') : f.start !== undefined ? parseTime(f.start, '--start', now) : undefined;
  const end = f.end !== undefined ? parseTime(f.end, '--end', now) : undefined;
  if (start !== undefined && end !== undefined && end < start) {
    throw usageError(`--end (${new Date(end).toISOString()}) is before --start (${new Date(start).toISOString()})`, 'swap them');
  }
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

/** Heapster's `labels=k1:v1,k2:v2`; each pair splits on its first `:`, and neither side may be empty. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw usageError(`invalid label pair "${pair}"`, 'write --labels key:value[,key:value]');
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

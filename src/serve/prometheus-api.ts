import {
  allLabelValues, columnLabelValues, compareLabels, eachSeriesLabels, instantQuery, LOOKBACK_MS, METRICS, parsePromDuration, parsePromql, PromqlError, promMetadata, rangeQuery,
  type ArchiveHistory, type Matcher,
} from '../query/index.js';

export interface PromAnswer {
  status: number;
  body: unknown;
}

/**
 * The read-only part of Prometheus's HTTP API that Grafana's Prometheus data source uses, over the
 * archive: query, query_range, series, labels, label values, metadata and buildinfo. `undefined`
 * for a path that is not one of Prometheus's, so Heapster's own routes answer those. `version` is
 * this plugin's, which buildinfo tells as its revision.
 */
export async function answerPrometheus(history: ArchiveHistory, path: string, p: URLSearchParams, now: number, version = ''): Promise<PromAnswer | undefined> {
  if (!path.startsWith('/api/v1/')) return undefined;
  const route = path.slice('/api/v1/'.length);
  try {
    switch (route) {
      case 'query': {
        const e = parsePromql(required(p, 'query'));
        return ok(await instantQuery(history, e, p.has('time') ? time(p.get('time')!, 'time') : now));
      }
      case 'query_range': {
        const e = parsePromql(required(p, 'query'));
        const start = time(required(p, 'start'), 'start');
        const end = time(required(p, 'end'), 'end');
        if (end < start) throw new PromqlError('end timestamp must not be before start time');
        const step = duration(required(p, 'step'), 'step');
        if (step <= 0) throw new PromqlError('zero or negative query resolution step widths are not accepted. Try a positive integer');
        return ok(await rangeQuery(history, e, start, end, step));
      }
      case 'series': {
        const out = new Map<string, [string, string][]>();
        // the series of every match[], each once, in Prometheus's order of label sets
        await eachLabelSet(history, p, now, (l) => out.set(JSON.stringify(l), l));
        return ok([...out.values()].sort(compareLabels).map((l) => Object.fromEntries(l)));
      }
      case 'labels': {
        if (!p.has('match[]')) return ok([...(await allLabelValues(history, await span(history, p, now))).keys()].sort());
        const names = new Set<string>();
        await eachLabelSet(history, p, now, (l) => {
          for (const [k] of l) names.add(k);
        });
        return ok([...names].sort());
      }
      case 'metadata':
        // each Heapster metric under its Prometheus name, as remote write's metadata types it
        return ok(Object.fromEntries(METRICS.map((m) => promMetadata(m.name, m.kind === 'cumulative')).map(({ name, type, help }) => [name, [{ type, help, unit: '' }]])));
      case 'status/buildinfo':
        // the Prometheus version whose API and PromQL semantics this answers as; Grafana reads it to pick its features
        return ok({ version: '2.42.0', revision: `kubectl-heapster ${version}`.trim(), branch: 'kubectl-heapster', buildUser: 'kubectl-heapster', buildDate: '', goVersion: '' });
    }
    const values = /^label\/([^/]+)\/values$/.exec(route);
    if (values) {
      const name = values[1]!;
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new PromqlError(`invalid label name: "${name}"`);
      if (!p.has('match[]')) return ok([...((await allLabelValues(history, await span(history, p, now))).get(name) ?? [])].sort());
      const seen = new Set<string>();
      // the times checked first, as in eachLabelSet
      const w = await span(history, p, now);
      for (const ms of matchSets(p)) {
        const values = await columnLabelValues(history, ms, name, w);
        if (values) values.forEach((v) => seen.add(v));
        else {
          await eachSeriesLabels(history, ms, w, (l) => {
            const v = l.find(([k]) => k === name)?.[1];
            if (v !== undefined) seen.add(v);
          });
        }
      }
      return ok([...seen].sort());
    }
    return { status: 404, body: { status: 'error', errorType: 'not_found', error: `this server answers /api/v1/query, query_range, series, labels, label/NAME/values, metadata and status/buildinfo, not /api/v1/${route}` } };
  } catch (e) {
    if (e instanceof PromqlError) return { status: 400, body: { status: 'error', errorType: 'bad_data', error: e.message } };
    throw e;
  }
}

const ok = (data: unknown): PromAnswer => ({ status: 200, body: { status: 'success', data } });

function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw new PromqlError(name === 'query' ? 'invalid parameter "query": unknown position: parse error: no expression found in input' : `invalid parameter "${name}": cannot parse "" to a valid ${name === 'step' ? 'duration' : 'timestamp'}`);
  return v;
}

/** A time as Prometheus takes one: Unix seconds (with a fraction) or RFC 3339. */
function time(v: string, name: string): number {
  if (/^[+-]?\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const ms = Date.parse(v);
  if (/^\d{4}-\d\d-\d\dT/.test(v) && Number.isFinite(ms)) return ms;
  throw new PromqlError(`invalid parameter "${name}": cannot parse "${v}" to a valid timestamp`);
}

/** A duration as Prometheus takes one: seconds (with a fraction) or `30s`, `5m`. */
function duration(v: string, name: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const ms = parsePromDuration(v);
  if (ms === undefined) throw new PromqlError(`invalid parameter "${name}": cannot parse "${v}" to a valid duration`);
  return ms;
}

function matchSets(p: URLSearchParams): Matcher[][] {
  const all = p.getAll('match[]');
  if (!all.length) throw new PromqlError('no match[] parameter provided');
  return all.map((m) => {
    const e = parsePromql(m);
    if (e.kind !== 'selector' || e.rangeMs !== undefined) throw new PromqlError(`invalid parameter "match[]": "${m}" is not a series selector`);
    return e.matchers;
  });
}

/** The window of a listing: start and end when given, else everything in scope. */
async function span(history: ArchiveHistory, p: URLSearchParams, now: number): Promise<{ start: number; end: number }> {
  const all = (await history.span()) ?? { start: now - LOOKBACK_MS, end: now };
  return { start: p.has('start') ? time(p.get('start')!, 'start') : all.start, end: p.has('end') ? time(p.get('end')!, 'end') : all.end };
}

/** The label sets of the series the match[] parameters pick, one at a time. */
async function eachLabelSet(history: ArchiveHistory, p: URLSearchParams, now: number, fn: (labels: [string, string][]) => void): Promise<void> {
  // the times checked first, as Prometheus 2.42 checks them: a bad start is the error, not a bad match[]
  const w = await span(history, p, now);
  const sets = matchSets(p);
  for (const ms of sets) await eachSeriesLabels(history, ms, w, fn);
}

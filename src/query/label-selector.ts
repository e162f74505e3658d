import { usageError } from '../model/index.js';

/** A kubectl label selector (`a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`) as a predicate. */
export function labelSelector(text: string): (labels: Record<string, string>) => boolean {
  const terms = (text.match(/[^,(]+(\([^)]*\))?/g) ?? []).map((t) => t.trim()).filter(Boolean);
  const tests = terms.map((s): ((l: Record<string, string>) => boolean) => {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      const key = m[1]!, inSet = m[2] === 'in';
      return (l) => (key in l && values.includes(l[key]!)) === inSet;
    }
    if ((m = /^([\w./-]+)\s*(!=|==|=)\s*([\w.-]*)$/.exec(s))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    if ((m = /^(!?)([\w./-]+)$/.exec(s))) {
      const neg = m[1] === '!', key = m[2]!;
      return (l) => (key in l) !== neg;
    }
    throw usageError(`"${s}" is not a label selector term`, 'write it like app=web, tier!=db, app in (a,b), or !canary');
  });
  return (labels) => tests.every((t) => t(labels));
}

/** Heapster's `labels` label (`k:v,k:v`) back into a record. */
export function splitJoinedLabels(joined: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (joined ?? '').split(',')) {
    const i = pair.indexOf(':');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

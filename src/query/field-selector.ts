import { usageError } from '../model/index.js';

/** The fields the API server selects nodes and pods by, as kubectl top and the metrics API take them. */
export const SELECTABLE_FIELDS = {
  nodes: ['metadata.name'],
  pods: ['metadata.name', 'metadata.namespace', 'spec.nodeName'],
} as const;

/**
 * A field selector (`a=b`, `a==b`, `a!=b`, comma-separated) as a predicate over an object's fields;
 * a field the API server would not select `kind` by is a usage error, as it is a 400 there.
 */
export function fieldSelector(text: string | null | undefined, kind: keyof typeof SELECTABLE_FIELDS): (f: Record<string, string | undefined>) => boolean {
  if (!text) return () => true;
  const allowed: readonly string[] = SELECTABLE_FIELDS[kind];
  const tests = text.split(',').map((term) => {
    const m = /^\s*([\w.]+)\s*(!=|==|=)\s*([^,]*?)\s*$/.exec(term);
    if (!m) throw usageError(`invalid field selector: ${JSON.stringify(term)}`, 'write it like spec.nodeName=node-01 or metadata.name!=x');
    const [, field, op, value] = m as unknown as [string, string, string, string];
    if (!allowed.includes(field)) throw usageError(`field label not supported: ${field}`, `${kind} select by ${allowed.join(', ')}`);
    return (f: Record<string, string | undefined>) => (f[field] === value) === (op !== '!=');
  });
  return (f) => tests.every((t) => t(f));
}

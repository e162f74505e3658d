import { listNodes, listPods, type ApiClient } from '../cluster/index.js';
import { usageError, type PodInfo } from '../model/index.js';
import { closest } from '../query/index.js';

export interface RecordScopeFlags {
  namespace?: string;
  /** the -l text, and its predicate */
  selector?: string;
  podMatches?: (labels: Record<string, string>) => boolean;
  nodeSelector?: string;
}

/** The values a label takes among `objects` (`the N WHAT have k=v (n), ...`), most common first: what a selector that matched nothing could have said. */
function labelValues(objects: readonly { labels: Record<string, string> }[], selector: string, what: string): string {
  const keys = [...new Set((selector.match(/[\w./-]+(?=\s*(!=|==|=|\s+in\b|\s+notin\b))/g) ?? []).map((k) => k.trim()))];
  const parts: string[] = [];
  for (const key of keys) {
    const counts = new Map<string, number>();
    for (const o of objects) if (key in o.labels) counts.set(o.labels[key]!, (counts.get(o.labels[key]!) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([v, n]) => `${key}=${v} (${n})`);
    parts.push(top.length ? `the ${objects.length} ${what} have ${top.join(', ')}` : `none of the ${objects.length} ${what} has the label ${key}`);
  }
  return parts.join('; ') || `none of the ${objects.length} ${what} matches`;
}

/**
 * Before a recording starts, what it was told to keep must exist: a namespace with no pod, a node
 * selector or a label selector that matches nothing would record nothing for hours, silently.
 */
export async function checkRecordScope(client: ApiClient, f: RecordScopeFlags, timeoutMs: number): Promise<void> {
  if (f.nodeSelector) {
    if (!(await listNodes(client, { labelSelector: f.nodeSelector }, timeoutMs)).length) {
      const all = await listNodes(client, {}, timeoutMs);
      throw usageError(`no node matches --node-selector ${f.nodeSelector}`, labelValues(all, f.nodeSelector, 'nodes'));
    }
  }
  if (!f.namespace && !f.podMatches) return;
  let pods: PodInfo[] = await listPods(client, f.namespace ? { namespace: f.namespace } : {}, timeoutMs);
  if (f.namespace && !pods.length) {
    const namespaces = [...new Set((await listPods(client, {}, timeoutMs)).map((p) => p.namespace))].sort();
    const near = closest(f.namespace, namespaces);
    throw usageError(`no pods in namespace "${f.namespace}"`, near.length ? `did you mean ${near.join(', ')}? namespaces with pods: ${namespaces.join(', ')}` : `namespaces with pods: ${namespaces.join(', ') || 'none'}`);
  }
  if (f.podMatches && !pods.some((p) => f.podMatches!(p.labels))) {
    pods = pods.filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
    throw usageError(`no pods${f.namespace ? ` in ${f.namespace}` : ''} match -l ${f.selector}`, labelValues(pods, f.selector ?? '', 'pods'));
  }
}

import type { NodeInfo, PodInfo } from '../model/index.js';
import { PluginError } from '../model/index.js';
import type { ApiClient } from './api-client.js';
import { toNodeInfo, toPodInfo, type WireList, type WireNode, type WirePod } from './api-objects.js';

export interface PodQuery {
  /** undefined: every namespace */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Larger than kubectl's 500: a 30,000-pod list in 15 round trips instead of 60. */
const PAGE = 2000;

/** Lists in pages, as kubectl does, so a 30,000-pod cluster is never one giant answer. */
async function listAll<T>(client: ApiClient, path: string, params: Record<string, string | undefined>, timeoutMs: number): Promise<T[]> {
  const items: T[] = [];
  let cont = '';
  do {
    const q = new URLSearchParams({ limit: String(PAGE) });
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cont) q.set('continue', cont);
    const page = await client.getJson<WireList<T>>(`${path}?${q}`, timeoutMs);
    items.push(...(page.items ?? []));
    cont = page.metadata?.continue ?? '';
  } while (cont);
  return items;
}

export async function listNodes(client: ApiClient, labelSelector: string | undefined, timeoutMs: number): Promise<NodeInfo[]> {
  const nodes = await listAll<WireNode>(client, '/api/v1/nodes', { labelSelector }, timeoutMs);
  return nodes.map(toNodeInfo);
}

export async function listPods(client: ApiClient, query: PodQuery, timeoutMs: number): Promise<PodInfo[]> {
  const path = query.namespace ? `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods` : '/api/v1/pods';
  const [pods, nsUids] = await Promise.all([
    listAll<WirePod>(client, path, { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector }, timeoutMs),
    namespaceUids(client, timeoutMs),
  ]);
  return pods.map((p) => toPodInfo(p, nsUids));
}

/** Namespace UIDs fill Heapster's `namespace_id`; the minimal RBAC does not grant this list, so it is optional. */
async function namespaceUids(client: ApiClient, timeoutMs: number): Promise<Map<string, string>> {
  try {
    const list = await listAll<{ metadata: { name: string; uid: string } }>(client, '/api/v1/namespaces', {}, timeoutMs);
    return new Map(list.map((n) => [n.metadata.name, n.metadata.uid]));
  } catch (e) {
    if (e instanceof PluginError && (e.code === 'forbidden' || e.code === 'http')) return new Map();
    throw e;
  }
}

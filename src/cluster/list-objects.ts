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
  return (await listVersioned<T>(client, path, params, timeoutMs)).items;
}

/** A paged list and the resourceVersion a watch can resume from. */
async function listVersioned<T>(client: ApiClient, path: string, params: Record<string, string | undefined>, timeoutMs: number): Promise<{ items: T[]; resourceVersion: string }> {
  const items: T[] = [];
  let cont = '', resourceVersion = '';
  do {
    const q = new URLSearchParams({ limit: String(PAGE) });
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cont) q.set('continue', cont);
    const page = await client.getJson<WireList<T>>(`${path}?${q}`, timeoutMs);
    items.push(...(page.items ?? []));
    cont = page.metadata?.continue ?? '';
    // every page of one list carries the version of the list's snapshot
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
  } while (cont);
  return { items, resourceVersion };
}

export async function listNodes(client: ApiClient, labelSelector: string | undefined, timeoutMs: number): Promise<NodeInfo[]> {
  const nodes = await listAll<WireNode>(client, '/api/v1/nodes', { labelSelector }, timeoutMs);
  return nodes.map(toNodeInfo);
}

export async function listPods(client: ApiClient, query: PodQuery, timeoutMs: number): Promise<PodInfo[]> {
  return (await listPodsVersioned(client, query, timeoutMs)).pods;
}

/** Pods, the list's resourceVersion, and the namespace UIDs the pods were given. */
export async function listPodsVersioned(client: ApiClient, query: PodQuery, timeoutMs: number): Promise<{ pods: PodInfo[]; resourceVersion: string; namespaceUids: Map<string, string> }> {
  const path = query.namespace ? `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods` : '/api/v1/pods';
  const [list, nsUids] = await Promise.all([
    listVersioned<WirePod>(client, path, { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector }, timeoutMs),
    namespaceUids(client, timeoutMs),
  ]);
  return { pods: list.items.map((p) => toPodInfo(p, nsUids)), resourceVersion: list.resourceVersion, namespaceUids: nsUids };
}

/** Namespace UIDs fill Heapster's `namespace_id`; the minimal RBAC does not grant this list, so it is optional. */
export async function namespaceUids(client: ApiClient, timeoutMs: number): Promise<Map<string, string>> {
  try {
    const list = await listAll<{ metadata: { name: string; uid: string } }>(client, '/api/v1/namespaces', {}, timeoutMs);
    return new Map(list.map((n) => [n.metadata.name, n.metadata.uid]));
  } catch (e) {
    if (e instanceof PluginError && (e.code === 'forbidden' || e.code === 'http')) return new Map();
    throw e;
  }
}

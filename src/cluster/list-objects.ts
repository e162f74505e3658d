import type { NodeInfo, PodInfo } from '../model/index.js';
import { PluginError } from '../model/index.js';
import type { ApiClient } from './api-client.js';
import { toNodeInfo, toPodInfo, type WireList, type WireNode, type WirePod } from './api-objects.js';
import { decodeNodeList, decodePodList, PROTOBUF_OR_JSON } from './api-protobuf.js';

export interface NodeQuery {
  labelSelector?: string;
  /** `metadata.name=NODE`: one node, as `kubectl top node NODE` asks for it */
  fieldSelector?: string;
}

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
  const page = (p: string) => client.getObject<WireList<T>>(p, timeoutMs);
  return (await listVersioned<T, T>(path, params, PAGE, page, (items) => items)).items;
}

/**
 * A paged list, each page converted as it arrives, and the resourceVersion a watch can resume
 * from. Converting page by page lets each page's wire objects die young: kept until the whole
 * list was in, 30,000 wire pods were promoted and walked by the old generation's collections.
 */
async function listVersioned<T, R>(path: string, params: Record<string, string | undefined>, pageSize: number,
  get: (path: string) => Promise<WireList<T>>, convert: (page: T[]) => R[] | Promise<R[]>): Promise<{ items: R[]; resourceVersion: string }> {
  const items: R[] = [];
  let cont = '', resourceVersion = '';
  do {
    const q = new URLSearchParams({ limit: String(pageSize) });
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (cont) q.set('continue', cont);
    const page = await get(`${path}?${q}`);
    for (const item of await convert(page.items ?? [])) items.push(item);
    cont = page.metadata?.continue ?? '';
    // every page of one list carries the version of the list's snapshot
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
  } while (cont);
  return { items, resourceVersion };
}

/** Nodes in protobuf when the server speaks it: each real node carries 10-50 KB of images the plugin skips. */
export async function listNodes(client: ApiClient, query: NodeQuery, timeoutMs: number, accept = PROTOBUF_OR_JSON): Promise<NodeInfo[]> {
  return (await listNodesVersioned(client, query, timeoutMs, accept)).nodes;
}

/** Nodes and the list's resourceVersion, for a watch to go on from. */
export async function listNodesVersioned(client: ApiClient, query: NodeQuery, timeoutMs: number, accept = PROTOBUF_OR_JSON): Promise<{ nodes: NodeInfo[]; resourceVersion: string }> {
  const list = await listVersioned<WireNode, NodeInfo>('/api/v1/nodes', { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector }, PAGE,
    (p) => client.getObject(p, timeoutMs, accept, decodeNodeList), (page) => page.map(toNodeInfo));
  return { nodes: list.items, resourceVersion: list.resourceVersion };
}

/**
 * `pageSize`: items per page (tests use a small one to list in many pages); `accept`: the encodings
 * asked for, protobuf first unless a test or the bench compares them.
 */
export async function listPods(client: ApiClient, query: PodQuery, timeoutMs: number, pageSize = PAGE, accept = PROTOBUF_OR_JSON): Promise<PodInfo[]> {
  return (await listPodsVersioned(client, query, timeoutMs, pageSize, accept)).pods;
}

/** Pods, the list's resourceVersion, and the namespace UIDs the pods were given. */
export async function listPodsVersioned(client: ApiClient, query: PodQuery, timeoutMs: number, pageSize = PAGE, accept = PROTOBUF_OR_JSON): Promise<{ pods: PodInfo[]; resourceVersion: string; namespaceUids: Map<string, string> }> {
  const path = query.namespace ? `/api/v1/namespaces/${encodeURIComponent(query.namespace)}/pods` : '/api/v1/pods';
  // asked beside the pods; the first page waits for it (a short list) to convert its pods
  const uids = namespaceUids(client, timeoutMs);
  uids.catch(() => undefined); // awaited below: this only keeps a failed pod list from leaving it unhandled
  const list = await listVersioned<WirePod, PodInfo>(path, { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector }, pageSize,
    // protobuf when the server speaks it (every API server does for pods), else JSON
    (p) => client.getObject(p, timeoutMs, accept, decodePodList),
    async (page) => {
      const nsUids = await uids;
      return page.map((p) => toPodInfo(p, nsUids));
    });
  return { pods: list.items, resourceVersion: list.resourceVersion, namespaceUids: await uids };
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

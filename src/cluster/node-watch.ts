import type { NodeInfo } from '../model/index.js';
import type { ApiClient } from './api-client.js';
import { toNodeInfo, type WireNode } from './api-objects.js';
import { listNodesVersioned } from './list-objects.js';
import { ObjectWatch } from './object-watch.js';

/** Where a scrape's node objects come from when they are kept between scrapes. */
export interface NodeSource {
  /** the nodes to scrape, keyed by name */
  current(): Promise<ReadonlyMap<string, NodeInfo>>;
  close(): void;
}

/**
 * Nodes kept between scrapes by a watch, as Heapster's node lister kept them. Real nodes are 10-50
 * KB each, mostly the images their kubelets report; listing 1,000 of them every tick is megabytes
 * for the API server to send and the plugin to read, for objects that change a few times an hour.
 */
export function nodeWatch(client: ApiClient, timeoutMs: number, labelSelector?: string, watchSeconds = 300): ObjectWatch<WireNode, NodeInfo> {
  return new ObjectWatch<WireNode, NodeInfo>(client, {
    path: '/api/v1/nodes',
    labelSelector,
    list: async () => {
      const list = await listNodesVersioned(client, { labelSelector }, timeoutMs);
      return { items: new Map(list.nodes.map((n) => [n.name, n])), resourceVersion: list.resourceVersion };
    },
    key: (n) => n.metadata.name,
    convert: toNodeInfo,
  }, watchSeconds);
}

import { podKey, type PodInfo } from '../model/index.js';
import type { ApiClient } from './api-client.js';
import { toPodInfo, type WirePod } from './api-objects.js';
import { listPodsVersioned, namespaceUids } from './list-objects.js';
import { ObjectWatch } from './object-watch.js';

/** Where a scrape's pod objects come from when they are kept between scrapes. */
export interface PodSource {
  /** the cluster's pods, keyed by `podKey(namespace, name)` */
  current(): Promise<ReadonlyMap<string, PodInfo>>;
  close(): void;
}

/**
 * Pods kept between scrapes by a watch, as Heapster's pod informer kept them: one list, then only
 * what changed. Listing 30,000 pods every tick was a third of a scrape's CPU, here and on the API
 * server. Besides the pods it keeps the namespace UIDs Heapster's `namespace_id` needs.
 */
export class PodWatch implements PodSource {
  private nsUids = new Map<string, string>();
  private namespacesStale = false;
  private readonly objects: ObjectWatch<WirePod, PodInfo>;

  constructor(
    private readonly client: ApiClient,
    private readonly timeoutMs: number,
    /** how long the API server keeps one watch open before it is resumed */
    watchSeconds = 300,
  ) {
    this.objects = new ObjectWatch(client, {
      path: '/api/v1/pods',
      list: async () => {
        const list = await listPodsVersioned(client, {}, timeoutMs);
        this.nsUids = list.namespaceUids;
        this.namespacesStale = false;
        return { items: new Map(list.pods.map((p) => [podKey(p.namespace, p.name), p])), resourceVersion: list.resourceVersion };
      },
      key: (p) => podKey(p.metadata.namespace, p.metadata.name),
      convert: (p) => {
        if (this.nsUids.size && !this.nsUids.has(p.metadata.namespace)) this.namespacesStale = true;
        return toPodInfo(p, this.nsUids);
      },
    }, watchSeconds);
  }

  /** True while pods come from the watch rather than a list per scrape. */
  get watching(): boolean {
    return this.objects.watching;
  }

  async current(): Promise<ReadonlyMap<string, PodInfo>> {
    const pods = await this.objects.current();
    if (this.namespacesStale) await this.refreshNamespaces(pods);
    return pods;
  }

  close(): void {
    this.objects.close();
  }

  /** A pod in a namespace created after the list: learn its UID, for `namespace_id`. */
  private async refreshNamespaces(pods: Map<string, PodInfo>): Promise<void> {
    this.namespacesStale = false;
    this.nsUids = await namespaceUids(this.client, this.timeoutMs);
    for (const [key, p] of pods) {
      const uid = this.nsUids.get(p.namespace);
      if (!p.namespaceUid && uid) pods.set(key, { ...p, namespaceUid: uid });
    }
  }
}

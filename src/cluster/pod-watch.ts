import { PluginError, podKey, type PodInfo } from '../model/index.js';
import type { ApiClient } from './api-client.js';
import { toPodInfo, type WirePod } from './api-objects.js';
import { listPodsVersioned, namespaceUids } from './list-objects.js';

/** Where a scrape's pod objects come from when they are kept between scrapes. */
export interface PodSource {
  /** the cluster's pods, keyed by `podKey(namespace, name)` */
  current(): Promise<ReadonlyMap<string, PodInfo>>;
  close(): void;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object?: WirePod & { metadata: { resourceVersion?: string } };
}

/**
 * Pods kept between scrapes by a watch, as Heapster's pod informer kept them: one list, then only
 * what changed. Listing 30,000 pods every tick was a third of a scrape's CPU, here and on the API
 * server. A watch that ends is resumed from the last version seen; one that fails or expires (410)
 * means a fresh list at the next scrape; without the `watch pods` permission every scrape lists.
 */
export class PodWatch implements PodSource {
  private pods = new Map<string, PodInfo>();
  private nsUids = new Map<string, string>();
  private resourceVersion = '';
  private state: 'stale' | 'watching' | 'unavailable' = 'stale';
  private namespacesStale = false;
  private stream?: { done: Promise<void>; abort: () => void };
  private closed = false;

  constructor(
    private readonly client: ApiClient,
    private readonly timeoutMs: number,
    /** how long the API server keeps one watch open before it is resumed */
    private readonly watchSeconds = 300,
  ) {}

  /** True while pods come from the watch rather than a list per scrape. */
  get watching(): boolean {
    return this.state === 'watching';
  }

  async current(): Promise<ReadonlyMap<string, PodInfo>> {
    if (this.state !== 'watching') await this.relist();
    else if (this.namespacesStale) await this.refreshNamespaces();
    return this.pods;
  }

  close(): void {
    this.closed = true;
    this.stream?.abort();
  }

  private async relist(): Promise<void> {
    const list = await listPodsVersioned(this.client, {}, this.timeoutMs);
    this.pods = new Map(list.pods.map((p) => [podKey(p.namespace, p.name), p]));
    this.nsUids = list.namespaceUids;
    this.resourceVersion = list.resourceVersion;
    if (this.state !== 'unavailable' && this.resourceVersion && !this.closed) this.startWatch();
  }

  private startWatch(): void {
    this.state = 'watching';
    const q = new URLSearchParams({
      watch: '1', allowWatchBookmarks: 'true', resourceVersion: this.resourceVersion, timeoutSeconds: String(this.watchSeconds),
    });
    const stream = this.client.watch(`/api/v1/pods?${q}`, (this.watchSeconds + 30) * 1000, (line) => this.onEvent(line));
    this.stream = stream;
    stream.done.then(
      () => {
        // the API server ends every watch after timeoutSeconds: carry on from the last version seen
        if (this.stream === stream && !this.closed && this.state === 'watching') this.startWatch();
      },
      (e: unknown) => {
        if (this.stream !== stream || this.closed) return;
        // only a refusal is for good: any other failure lists again at the next scrape, which restarts the watch
        this.state = e instanceof PluginError && e.code === 'forbidden' ? 'unavailable' : 'stale';
      },
    );
  }

  private onEvent(line: string): void {
    let ev: WatchEvent;
    try {
      ev = JSON.parse(line) as WatchEvent;
    } catch {
      ev = { type: 'ERROR' };
    }
    const obj = ev.object;
    if (ev.type === 'ERROR' || !obj?.metadata) {
      // 410 Expired or a garbled stream: what we hold may be behind, so the next scrape lists again
      this.state = 'stale';
      this.stream?.abort();
      return;
    }
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return;
    const key = podKey(obj.metadata.namespace, obj.metadata.name);
    if (ev.type === 'DELETED') {
      this.pods.delete(key);
      return;
    }
    if (this.nsUids.size && !this.nsUids.has(obj.metadata.namespace)) this.namespacesStale = true;
    this.pods.set(key, toPodInfo(obj, this.nsUids));
  }

  /** A pod in a namespace created after the list: learn its UID, for `namespace_id`. */
  private async refreshNamespaces(): Promise<void> {
    this.namespacesStale = false;
    this.nsUids = await namespaceUids(this.client, this.timeoutMs);
    for (const [key, p] of this.pods) {
      const uid = this.nsUids.get(p.namespace);
      if (!p.namespaceUid && uid) this.pods.set(key, { ...p, namespaceUid: uid });
    }
  }
}

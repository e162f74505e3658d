import { PluginError } from '../model/index.js';
import type { ApiClient } from './api-client.js';

/** What an ObjectWatch needs to know of one kind of object. */
export interface WatchedKind<W, I> {
  /** the collection, `/api/v1/pods` */
  path: string;
  labelSelector?: string;
  /** a full list, its items keyed, and the resourceVersion to watch from */
  list(): Promise<{ items: Map<string, I>; resourceVersion: string }>;
  /** an object of a watch event: its key, and what is kept of it */
  key(obj: W): string;
  convert(obj: W): I;
}

interface WatchEvent<W> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object?: W & { metadata: { resourceVersion?: string } };
}

/**
 * Objects kept between scrapes by one list and then a watch, as client-go's informers keep them:
 * only what changed comes after the list. A watch that ends is resumed from the last version seen;
 * one that fails or expires (410) means a fresh list at the next `current()`; without the `watch`
 * permission every `current()` lists.
 */
export class ObjectWatch<W extends { metadata?: unknown }, I> {
  private objects = new Map<string, I>();
  private resourceVersion = '';
  private state: 'stale' | 'watching' | 'unavailable' = 'stale';
  private stream?: { done: Promise<void>; abort: () => void };
  private closed = false;

  constructor(
    private readonly client: ApiClient,
    private readonly kind: WatchedKind<W, I>,
    /** how long the API server keeps one watch open before it is resumed */
    private readonly watchSeconds = 300,
  ) {}

  /** True while objects come from the watch rather than a list per call. */
  get watching(): boolean {
    return this.state === 'watching';
  }

  /** The objects now, keyed as the kind keys them; listed first when no watch is keeping them. */
  async current(): Promise<Map<string, I>> {
    if (this.state !== 'watching') {
      const list = await this.kind.list();
      this.objects = list.items;
      this.resourceVersion = list.resourceVersion;
      if (this.state !== 'unavailable' && this.resourceVersion && !this.closed) this.startWatch();
    }
    return this.objects;
  }

  close(): void {
    this.closed = true;
    this.stream?.abort();
  }

  private startWatch(): void {
    this.state = 'watching';
    const q = new URLSearchParams({
      watch: '1', allowWatchBookmarks: 'true', resourceVersion: this.resourceVersion, timeoutSeconds: String(this.watchSeconds),
    });
    if (this.kind.labelSelector) q.set('labelSelector', this.kind.labelSelector);
    const stream = this.client.watch(`${this.kind.path}?${q}`, (this.watchSeconds + 30) * 1000, (line) => this.onEvent(line));
    this.stream = stream;
    stream.done.then(
      () => {
        // the API server ends every watch after timeoutSeconds: carry on from the last version seen
        if (this.stream === stream && !this.closed && this.state === 'watching') this.startWatch();
      },
      (e: unknown) => {
        if (this.stream !== stream || this.closed) return;
        // only a refusal is for good: any other failure lists again at the next call, which restarts the watch
        this.state = e instanceof PluginError && e.code === 'forbidden' ? 'unavailable' : 'stale';
      },
    );
  }

  private onEvent(line: string): void {
    let ev: WatchEvent<W>;
    try {
      ev = JSON.parse(line) as WatchEvent<W>;
    } catch {
      ev = { type: 'ERROR' };
    }
    const obj = ev.object;
    if (ev.type === 'ERROR' || !obj?.metadata) {
      // 410 Expired or a garbled stream: what we hold may be behind, so the next call lists again
      this.state = 'stale';
      this.stream?.abort();
      return;
    }
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'DELETED') this.objects.delete(this.kind.key(obj));
    else this.objects.set(this.kind.key(obj), this.kind.convert(obj));
  }
}

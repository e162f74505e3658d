import { podContainerKey, podKey } from '../model/index.js';

/**
 * A pod's set keys, kept from scrape to scrape by pod UID. Keys built anew each scrape were
 * 93,000 strings per 1,000-node scrape that lived through it: copied and promoted by the young
 * collections, then hashed again by every map they went into. Kept ones are old already, and V8
 * keeps a string's hash once worked out.
 */
export class PodKeys {
  readonly pod: string;
  private readonly names: string[] = [];
  private readonly keys: string[] = [];

  private constructor(private readonly namespace: string, private readonly name: string) {
    this.pod = podKey(namespace, name);
  }

  /** A pod without a UID (malformed) gets keys that are not kept. */
  static of(namespace: string, name: string, uid: string | undefined): PodKeys {
    if (!uid) return new PodKeys(namespace, name);
    let keys = KEPT.get(uid);
    // a UID names one pod for its life; the check only guards against a kubelet reporting nonsense
    if (keys === undefined || keys.namespace !== namespace || keys.name !== name) {
      if (KEPT.size >= 100_000) KEPT.clear();
      KEPT.set(uid, (keys = new PodKeys(namespace, name)));
    }
    return keys;
  }

  container(name: string): string {
    const i = this.names.indexOf(name);
    if (i >= 0) return this.keys[i]!;
    const key = podContainerKey(this.namespace, this.name, name);
    // a pod has a few containers; a kubelet naming ever new ones must not grow this without end
    if (this.names.length < 64) {
      this.names.push(name);
      this.keys.push(key);
    }
    return key;
  }
}

const KEPT = new Map<string, PodKeys>();

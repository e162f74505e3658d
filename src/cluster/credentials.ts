import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { PluginError } from '../model/index.js';
import { kubeClient } from './kube-client.js';

/** What a request carries: headers (Authorization) and the TLS material, as PEM text to compare. */
export interface Material {
  headers: Record<string, string>;
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** How often files behind the credentials (token file, certificate, key, CA) are looked at again. */
const RECHECK_MS = 1000;

/**
 * The kubeconfig user's credentials for as long as a recording lasts, as client-go keeps them: an
 * exec plugin's token until shortly before its `expirationTimestamp` (and again after a 401), token
 * files and certificate, key and CA files read again as they rotate. client-node does the reading
 * and the exec protocol; this decides when, and starts from a fresh KubeConfig (whose authenticators
 * cache nothing) when a credential must be fetched anew.
 */
export class Credentials {
  private material!: Material;
  private checkedAt = 0;
  private obtainedAt = 0;
  private kc: KubeConfig;

  private constructor(private readonly base: KubeConfig, private readonly now: () => number) {
    this.kc = base;
  }

  static async create(kc: KubeConfig, now: () => number = Date.now): Promise<Credentials> {
    const c = new Credentials(kc, now);
    await c.load();
    return c;
  }

  get current(): Material {
    return this.material;
  }

  /** Counts the changes of the material: what a request was sent with, compared after a 401. */
  version = 0;

  /**
   * The material to send now: read again when its files may have changed (at most once a second), or
   * fetched anew when an exec credential is near its expiry. Returns whether anything changed.
   */
  async fresh(): Promise<boolean> {
    const t = this.now();
    const expiry = this.execExpiry();
    if (expiry !== undefined && expiry - t < Math.max(5000, (expiry - this.obtainedAt) / 5)) return this.refresh();
    if (t - this.checkedAt < RECHECK_MS) return false;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** After a 401: every credential fetched anew (exec run again, files read again). */
  async refresh(): Promise<boolean> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /**
   * One fetch of each kind at a time: the 64 requests of a scrape that all find the token near its
   * expiry, or all get a 401, wait for one run of the exec plugin instead of starting 64. A renewal
   * never joins a mere re-read, which would not fetch what a 401 needs.
   */
  private loading: Promise<boolean> | undefined;
  private renewing: Promise<boolean> | undefined;

  private async renew(): Promise<boolean> {
    const k8s = await kubeClient();
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: this.base.clusters, users: this.base.users, contexts: this.base.contexts, currentContext: this.base.currentContext });
    this.kc = kc;
    return this.load();
  }

  private async load(): Promise<boolean> {
    const opts: https.RequestOptions & { headers?: Record<string, string> } = {};
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new PluginError('unauthorized', `cannot get credentials for user "${this.kc.getCurrentUser()?.name ?? ''}": ${String((e as Error).message).split('\n')[0]}`,
        'check the kubeconfig user (exec plugin, token file, certificate files)');
    }
    const headers: Record<string, string> = {};
    // a token file's trailing newline is no part of the token (client-go trims it too)
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = String(v).trim();
    const next: Material = {
      headers, ca: pem(opts.ca), cert: pem(opts.cert), key: pem(opts.key),
      ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
      ...(opts.servername ? { servername: opts.servername } : {}),
    };
    const changed = !this.material || JSON.stringify(next) !== JSON.stringify(this.material);
    if (changed) {
      this.obtainedAt = this.now();
      this.version++;
    }
    this.material = next;
    this.checkedAt = this.now();
    return changed;
  }

  /** When the exec plugin said its credential expires (client-node caches it per user), if it did. */
  private execExpiry(): number | undefined {
    const user = this.kc.getCurrentUser();
    if (!user?.exec) return undefined;
    const authenticators = (this.kc as unknown as { authenticators?: { tokenCache?: Record<string, { status?: { expirationTimestamp?: string } } | null> }[] }).authenticators ?? [];
    for (const a of authenticators) {
      const stamp = a.tokenCache?.[user.name]?.status?.expirationTimestamp;
      if (stamp) return Date.parse(stamp);
    }
    return undefined;
  }
}

function pem(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

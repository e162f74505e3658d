import { PluginError, type Batch } from '../model/index.js';
import { basicAuth, httpSend } from './http-send.js';
import { influxBodies, type InfluxOptions } from './influx-line.js';
import { boolOption, type SinkSpec } from './sink-spec.js';
import { firstLine, retryableStatus, SinkError, type Sink } from './sink.js';

const CHUNK = 10_000;

/**
 * Heapster's InfluxDB sink (reference §4) with its options (`user`, `pw`, `db`, `retention`,
 * `secure`, `insecuressl`, `withfields`, `cluster_name`, `disable_counter_metrics`, `concurrency`),
 * writing its schema in chunks of 10,000 lines. Unlike Heapster it has timeouts, finds a refused
 * database or credential at the probe, and writes to the database's default retention policy,
 * which `retention` sets as the docs always said it did.
 */
export class InfluxSink implements Sink {
  readonly shown: string;
  private readonly base: string;
  private readonly db: string;
  private readonly auth: string;
  private readonly insecure: boolean;
  private readonly format: InfluxOptions;
  private readonly concurrency: number;
  private readonly retention: string | undefined;

  constructor(spec: SinkSpec, private readonly timeoutMs = 30_000) {
    const o = spec.options;
    this.shown = spec.shown;
    this.base = `${boolOption(spec, 'secure', false) ? 'https' : 'http'}://${spec.url.host || 'localhost:8086'}`;
    this.db = o.get('db') ?? 'k8s';
    this.auth = basicAuth(o.get('user') ?? 'root', o.get('pw') ?? 'root');
    this.insecure = boolOption(spec, 'insecuressl', false);
    this.format = { withFields: boolOption(spec, 'withfields', false), clusterName: o.get('cluster_name') ?? 'default', disableCounterMetrics: boolOption(spec, 'disable_counter_metrics', false) };
    this.concurrency = Number(o.get('concurrency') ?? 1);
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new PluginError('usage', `--sink ${spec.shown}: concurrency must be a whole number above 0`);
    const r = o.get('retention');
    this.retention = r && r !== '0' ? r : undefined;
  }

  private url(path: string, q: Record<string, string> = {}): URL {
    const u = new URL(path, this.base);
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return u;
  }

  private async influxql(q: string): Promise<{ status: number; error?: string }> {
    const res = await httpSend(this.url('/query'), {
      method: 'POST', timeoutMs: this.timeoutMs, insecure: this.insecure, body: new URLSearchParams({ q }).toString(),
      headers: { Authorization: this.auth, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    let error: string | undefined;
    try {
      const doc = JSON.parse(res.body) as { error?: string; results?: { error?: string }[] };
      error = doc.error ?? doc.results?.find((x) => x.error)?.error;
    } catch {
      error = res.status >= 300 ? firstLine(res.body) : undefined;
    }
    return { status: res.status, ...(error ? { error } : {}) };
  }

  async probe(): Promise<void> {
    const fail = (what: string, fix: string) => new PluginError('config', `sink ${this.shown}: ${what}`, fix);
    let ping;
    try {
      ping = await httpSend(this.url('/ping'), { method: 'GET', timeoutMs: this.timeoutMs, insecure: this.insecure, headers: { Authorization: this.auth } });
    } catch (e) {
      throw fail(`cannot reach InfluxDB at ${this.base}: ${(e as Error).message}`, 'check the host and port, and that influxd is running');
    }
    if (ping.status !== 204 && ping.status !== 200) throw fail(`${this.base}/ping answered ${ping.status}: not an InfluxDB 1.x`, 'point the sink at InfluxDB 1.x (its HTTP port, 8086 by default)');
    const quoted = `"${this.db.replace(/"/g, '\\"')}"`;
    const created = await this.influxql(`CREATE DATABASE ${quoted}`);
    if (created.status === 401 || created.status === 403 || /authorization|authentication/i.test(created.error ?? '')) {
      throw fail(`InfluxDB refused the credentials (${created.error ?? created.status})`, 'fix user and pw (or the --sink-credentials file)');
    }
    if (created.error) {
      // a user who may not create databases may still write to one that exists
      const shown = await this.influxql('SHOW DATABASES');
      if (!shown.error && !(await this.hasDatabase())) throw fail(`database ${this.db} does not exist and cannot be created: ${created.error}`, 'create it, or name one that exists with db=');
    }
    if (this.retention) {
      const rp = `CREATE RETENTION POLICY "heapster" ON ${quoted} DURATION ${this.retention} REPLICATION 1 DEFAULT`;
      const r = await this.influxql(rp);
      if (r.error && /already exists/.test(r.error)) await this.influxql(`ALTER RETENTION POLICY "heapster" ON ${quoted} DURATION ${this.retention} DEFAULT`);
      else if (r.error) throw fail(`retention=${this.retention}: ${r.error}`, 'use an InfluxQL duration such as 7d or 24h');
    }
  }

  private async hasDatabase(): Promise<boolean> {
    const res = await httpSend(this.url('/query', { q: 'SHOW DATABASES' }), { method: 'GET', timeoutMs: this.timeoutMs, insecure: this.insecure, headers: { Authorization: this.auth } });
    return res.body.includes(`["${this.db}"]`);
  }

  async send(batch: Batch): Promise<number> {
    // the bodies are made a request at a time as the workers ask: a large batch never sits in memory as text
    const bodies = influxBodies(batch, this.format, CHUNK);
    let count = 0;
    const nextBody = (): Uint8Array | undefined => {
      const r = bodies.next();
      if (r.done) return undefined;
      count += r.value.lines;
      return r.value.body;
    };
    const worker = async () => {
      for (let body = nextBody(); body !== undefined; body = nextBody()) {
        let res;
        try {
          res = await httpSend(this.url('/write', { db: this.db, precision: 'ns' }), {
            method: 'POST', body, timeoutMs: this.timeoutMs, insecure: this.insecure, headers: { Authorization: this.auth, 'Content-Type': 'text/plain; charset=utf-8' },
          });
        } catch (e) {
          throw new SinkError(`InfluxDB at ${this.base}: ${(e as Error).message}`, true);
        }
        if (res.status !== 204 && res.status !== 200) {
          // a database dropped under us is created again by the probe before the retry
          const missing = /database not found/.test(res.body);
          throw new SinkError(`InfluxDB answered ${res.status}: ${firstLine(res.body)}`, missing || retryableStatus(res.status));
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    return count;
  }

  close(): void {}
}

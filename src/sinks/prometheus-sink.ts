import { PluginError, PROM_CLUSTER_NAME, type Batch } from '../model/index.js';
import { basicAuth, httpSend } from './http-send.js';
import { writeRequestBody } from './remote-write.js';
import { writeRequestChunks } from './write-request-chunks.js';
import type { SinkSpec } from './sink-spec.js';
import { firstLine, retryableStatus, SinkError, type Sink } from './sink.js';

/** Series per request: Prometheus's own senders send a few thousand samples at a time. */
const PER_REQUEST = 5_000;

/**
 * Prometheus remote write 1.0 (reference §12) to Prometheus, VictoriaMetrics, Mimir, Thanos or
 * Cortex: `prometheus:http://HOST:9090/api/v1/write?cluster_name=NAME`, with `user`/`pw` (basic)
 * or `bearer_token`. A 4xx means the data was refused and is not retried, as the protocol says.
 */
export class PrometheusSink implements Sink {
  readonly shown: string;
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private readonly clusterName: string;

  constructor(spec: SinkSpec, private readonly timeoutMs = 30_000) {
    this.shown = spec.shown;
    const u = new URL(spec.url.href);
    u.username = '';
    u.password = '';
    u.search = '';
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/api/v1/write';
    this.url = u;
    const o = spec.options;
    this.clusterName = o.get('cluster_name') ?? PROM_CLUSTER_NAME;
    const user = o.get('user'), pw = o.get('pw'), token = o.get('bearer_token');
    this.headers = {
      'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...(token ? { Authorization: `Bearer ${token}` } : user ? { Authorization: basicAuth(user, pw ?? '') } : {}),
    };
  }

  private post(body: Uint8Array) {
    return httpSend(this.url, { method: 'POST', body, timeoutMs: this.timeoutMs, headers: this.headers });
  }

  async probe(): Promise<void> {
    const fail = (what: string, fix: string) => new PluginError('config', `sink ${this.shown}: ${what}`, fix);
    let res;
    try {
      // an empty WriteRequest: stores nothing, and is refused exactly as data would be
      res = await this.post(writeRequestBody([]));
    } catch (e) {
      throw fail(`cannot reach ${this.url.origin}: ${(e as Error).message}`, 'check the host and port');
    }
    if (res.status >= 200 && res.status < 300) return;
    if (res.status === 401 || res.status === 403) throw fail(`the server refused the credentials (${res.status})`, 'fix user and pw or bearer_token (or the --sink-credentials file)');
    if (res.status === 404) throw fail(`${this.url.pathname} is not a remote-write endpoint here (404)`, 'start Prometheus with --web.enable-remote-write-receiver, or give the receiver\'s path (e.g. /api/v1/push for Mimir)');
    throw fail(`the server answered ${res.status}: ${firstLine(res.body)}`, 'check the URL');
  }

  async send(batch: Batch): Promise<number> {
    let sent = 0;
    for (const { body, series } of writeRequestChunks(batch, this.clusterName, PER_REQUEST)) {
      sent += series;
      let res;
      try {
        res = await this.post(body);
      } catch (e) {
        throw new SinkError(`${this.url.origin}: ${(e as Error).message}`, true);
      }
      if (res.status < 200 || res.status >= 300) throw new SinkError(`remote write answered ${res.status}: ${firstLine(res.body)}`, retryableStatus(res.status));
    }
    return sent;
  }

  close(): void {}
}

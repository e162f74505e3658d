import { PluginError, type Batch } from '../model/index.js';
import { httpSend } from './http-send.js';
import { openTsdbBodies } from './opentsdb-json.js';
import type { SinkSpec } from './sink-spec.js';
import { firstLine, retryableStatus, SinkError, type Sink } from './sink.js';

const PER_REQUEST = 1_000;

/**
 * OpenTSDB's `POST /api/put?summary` with Heapster's datapoints (reference §6), 1,000 a request.
 * Any 2xx is success: VictoriaMetrics answers 204 with no body, which Heapster's client took for
 * an error, dropping the rest of the batch.
 */
export class OpenTsdbSink implements Sink {
  readonly shown: string;
  private readonly url: URL;
  private readonly cluster: string;

  constructor(spec: SinkSpec, private readonly timeoutMs = 30_000) {
    this.shown = spec.shown;
    this.url = new URL(`http://${spec.url.host || '127.0.0.1:4242'}/api/put?summary`);
    this.cluster = spec.options.get('cluster') ?? 'k8s-cluster';
  }

  async probe(): Promise<void> {
    let res;
    try {
      res = await httpSend(this.url, { method: 'POST', body: '[]', timeoutMs: this.timeoutMs, headers: { 'Content-Type': 'application/json; charset=UTF-8' } });
    } catch (e) {
      throw new PluginError('config', `sink ${this.shown}: cannot reach ${this.url.host}: ${(e as Error).message}`, 'check the host and port (OpenTSDB listens on 4242)');
    }
    // OpenTSDB refuses an empty put with 400 and says why; a server that is not OpenTSDB answers 404
    if (res.status === 404) throw new PluginError('config', `sink ${this.shown}: ${this.url.host} has no /api/put (404)`, 'point it at OpenTSDB, or VictoriaMetrics started with -opentsdbHTTPListenAddr');
  }

  async send(batch: Batch): Promise<number> {
    let sent = 0;
    for (const { body, points } of openTsdbBodies(batch, this.cluster, PER_REQUEST)) {
      let res;
      try {
        res = await httpSend(this.url, { method: 'POST', body, timeoutMs: this.timeoutMs, headers: { 'Content-Type': 'application/json; charset=UTF-8' } });
      } catch (e) {
        throw new SinkError(`OpenTSDB at ${this.url.host}: ${(e as Error).message}`, true);
      }
      if (res.status < 200 || res.status >= 300) throw new SinkError(`OpenTSDB answered ${res.status}: ${firstLine(res.body)}`, retryableStatus(res.status));
      sent += points;
    }
    return sent;
  }

  close(): void {}
}

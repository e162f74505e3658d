import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { PluginError } from '../model/index.js';
import type { LoadedConfig } from './load-kubeconfig.js';
import { decodeStatus, PROTOBUF } from './api-protobuf.js';
import { Credentials } from './credentials.js';
import { requestLogger } from './request-log.js';

export interface ApiResponse {
  status: number;
  contentType: string;
  /** the body as text, decoded from UTF-8 ('' when the body is protobuf) */
  body: string;
  /** a protobuf body's bytes */
  bytes?: Buffer;
  /** the server's Date header: its clock, to the second */
  date?: string;
}

export interface ClientOptions {
  /** most sockets kept open to the API server */
  maxSockets?: number;
}

/**
 * A GET-only client for the API server: the kubeconfig's credentials kept fresh for as long as it
 * lives (see Credentials), one keep-alive agent, gzip accepted. A 401, or a TLS failure, fetches the
 * credentials anew and tries once more. It never issues anything but GET, so the plugin cannot
 * change a cluster.
 */
export class ApiClient {
  private headers: Record<string, string> = {};
  private tls: https.AgentOptions = {};
  private agent!: http.Agent;
  /** agents of TLS material that changed: requests may still be in flight on them until close */
  private readonly retired: http.Agent[] = [];
  private tlsKey = '';

  private constructor(
    private readonly base: URL,
    private readonly creds: Credentials,
    private readonly impersonateUser: string | undefined,
    private readonly maxSockets: number,
  ) {}

  static async create(cfg: LoadedConfig, opts: ClientOptions = {}): Promise<ApiClient> {
    if (!cfg.server) throw new PluginError('config', `the kubeconfig's cluster "${cfg.cluster.name}" has no server`, 'pass --server URL');
    let base: URL;
    try {
      base = new URL(cfg.server);
    } catch {
      throw new PluginError('config', `the API server address "${cfg.server}" is not a URL`, 'fix the kubeconfig or --server');
    }
    const client = new ApiClient(base, await Credentials.create(cfg.kc), cfg.impersonate.user, opts.maxSockets ?? 16);
    client.apply();
    client.groups = cfg.impersonate.groups;
    if (cfg.disableCompression) client.encoding = {};
    return client;
  }

  /** Takes the credentials' current material: headers always, a new agent only when the TLS material changed. */
  private apply(): void {
    const m = this.creds.current;
    this.headers = { ...m.headers, ...(this.impersonateUser ? { 'Impersonate-User': this.impersonateUser } : {}) };
    const key = JSON.stringify([m.ca, m.cert, m.key, m.rejectUnauthorized, m.servername]);
    if (key === this.tlsKey) return;
    // one TLS context for every connection: given the PEMs instead, Node parses the CA, certificate
    // and key again for each of the up to 64 sockets a scrape opens
    let secureContext: tls.SecureContext;
    try {
      secureContext = tls.createSecureContext({ ca: m.ca, cert: m.cert, key: m.key });
    } catch (e) {
      throw new PluginError('config', `the kubeconfig's certificate data cannot be used: ${firstLine(e)}`, 'check certificate-authority-data, client-certificate-data and client-key-data');
    }
    this.tls = {
      secureContext,
      ...(m.rejectUnauthorized !== undefined ? { rejectUnauthorized: m.rejectUnauthorized } : {}),
      ...(m.servername ? { servername: m.servername } : {}),
    };
    if (this.agent) this.retired.push(this.agent);
    const agentOpts = { keepAlive: true, maxSockets: this.maxSockets, ...this.tls };
    this.agent = this.base.protocol === 'http:' ? new http.Agent(agentOpts) : new https.Agent(agentOpts);
    this.tlsKey = key;
  }

  /** Before a request: credentials whose files changed, or whose exec token is near expiry, are fetched anew. */
  private async ready(): Promise<void> {
    if (await this.creds.fresh()) this.apply();
  }

  /**
   * After a 401 or a TLS failure: whether the credentials are now other than those the request was
   * sent with (`used`), after fetching them anew. Another request's renewal may have got the new
   * token first: then this fetch changes nothing, yet the request deserves its retry.
   */
  private async renewed(used?: number): Promise<boolean> {
    try {
      const changed = await this.creds.refresh();
      if (changed) this.apply();
      return changed || (used !== undefined && this.creds.version !== used);
    } catch {
      return false;
    }
  }

  private groups: string[] = [];
  /**
   * gzip asked for unless disabled, as kubectl and client-go do: the API server then compresses
   * answers over 128 KiB (at level 1), a 30,000-pod list from ~105 MB to ~9 MB.
   */
  private encoding: Record<string, string> = { 'Accept-Encoding': 'gzip' };

  get server(): string {
    return this.base.origin;
  }

  /**
   * GET `path` (with its query); rejects with a classified PluginError on network failure or timeout.
   * A 401 or a TLS failure is retried once with credentials fetched anew, when they changed.
   */
  async get(path: string, timeoutMs = 0, accept = 'application/json'): Promise<ApiResponse> {
    await this.ready();
    const used = this.creds.version;
    try {
      const res = await this.getOnce(path, timeoutMs, accept);
      if (res.status !== 401 || !(await this.renewed(used))) return res;
    } catch (e) {
      if (!(e instanceof PluginError) || e.code !== 'tls' || !(await this.renewed(used))) throw e;
    }
    return this.getOnce(path, timeoutMs, accept);
  }

  private getOnce(path: string, timeoutMs: number, accept: string): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      this.send(path, { Accept: accept, ...this.encoding }, timeoutMs, `no answer within ${Math.round(timeoutMs)} ms`, (res) => {
        readBody(res, path).then((body) => resolve(response(res, body)),
          (e: Error) => reject(e instanceof PluginError ? e : this.networkError(e)));
      }, reject);
    });
  }

  /**
   * GET a watch: `onLine` gets each newline-terminated event as it arrives. `done` settles when the
   * server ends the stream (resolved) or it fails, stays silent for `idleMs`, or answers non-200
   * (rejected with the classified error; a 401 first fetches the credentials anew for the next watch).
   * `abort` ends it from this side.
   */
  watch(path: string, idleMs: number, onLine: (line: string) => void): { done: Promise<void>; abort: () => void } {
    let req: http.ClientRequest | undefined;
    let aborted = false;
    const done = this.ready().then(() => new Promise<void>((resolve, reject) => {
      if (aborted) return resolve();
      req = this.send(path, { Accept: 'application/json' }, idleMs, `the watch was silent for ${idleMs} ms`, (res) => {
        if (res.statusCode !== 200) {
          readBody(res, path).then(async (body) => {
            if (res.statusCode === 401) await this.renewed();
            reject(statusError(response(res, body), path, this.server));
          }, (e: Error) => reject(e instanceof PluginError ? e : this.networkError(e)));
          return;
        }
        res.setEncoding('utf8');
        let rest = '';
        res.on('data', (text: string) => {
          const lines = (rest + text).split('\n');
          rest = lines.pop()!;
          for (const line of lines) if (line.trim()) onLine(line);
        });
        res.on('end', () => resolve());
        res.on('error', (e) => reject(this.networkError(e)));
      }, reject);
    }));
    return { done, abort: () => ((aborted = true), req?.destroy()) };
  }

  /**
   * Sends one GET with the kubeconfig's credentials and impersonation over the shared agent; a
   * network failure, or `timeoutMs` of silence, goes to `fail` as a classified PluginError.
   */
  private send(path: string, headers: http.OutgoingHttpHeaders, timeoutMs: number, timeoutMessage: string,
    onResponse: (res: http.IncomingMessage) => void, fail: (e: PluginError) => void): http.ClientRequest {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    const mod = url.protocol === 'http:' ? http : https;
    const all: http.OutgoingHttpHeaders = { ...this.headers, ...headers, 'User-Agent': 'kubectl-heapster' };
    if (this.groups.length) all['Impersonate-Group'] = this.groups;
    const logged = requestLogger(url);
    const req = mod.request(url, { method: 'GET', agent: this.agent, headers: all, ...this.tls }, logged ? (res) => (logged(res), onResponse(res)) : onResponse);
    if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new PluginError('timeout', timeoutMessage)));
    req.on('error', (e) => fail(e instanceof PluginError ? e : this.networkError(e)));
    req.end();
    return req;
  }

  /**
   * GET an object in JSON, or in protobuf when `protobuf` can decode it and the server sends it
   * (asked for with `accept`). Statuses other than 200 become the one-line errors users need, and
   * bodies that do not decode are errors too.
   */
  async getObject<T>(path: string, timeoutMs: number, accept = 'application/json', protobuf?: (bytes: Buffer) => T): Promise<T> {
    const res = await this.get(path, timeoutMs, accept);
    if (res.status !== 200) throw statusError(res, path, this.server);
    try {
      if (res.bytes && protobuf) return protobuf(res.bytes);
      return JSON.parse(res.body) as T;
    } catch (e) {
      throw new PluginError('bad-payload', `the API server sent a malformed ${res.bytes ? 'protobuf' : 'JSON'} answer for ${path.split('?')[0]}: ${firstLine(e)}`);
    }
  }

  close(): void {
    this.agent.destroy();
    for (const a of this.retired) a.destroy();
  }

  private networkError(e: Error & { code?: string }): PluginError {
    const code = e.code ?? '';
    if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
      return new PluginError('tls', `TLS to the API server at ${this.server} failed: ${firstLine(e)}`,
        'check the cluster CA (certificate-authority) or --tls-server-name');
    }
    return new PluginError('unreachable', `cannot reach the API server at ${this.server}: ${firstLine(e)}`,
      'check that the cluster is up and the kubeconfig server (or --server) is right');
  }
}

/**
 * A response's whole body as text, or as bytes when it is protobuf (pages of a few MB), gunzipped
 * when the server compressed it. Plain text bodies are decoded chunk by chunk into one string
 * rather than joined into a Buffer first: a joined Buffer is off-heap memory, and ~100 MB of it per
 * scrape made V8 collect its young generation for "external memory pressure" eight times a scrape
 * and start a full collection every scrape (measured with --trace-gc).
 */
function readBody(res: http.IncomingMessage, path: string): Promise<string | Buffer> {
  const binary = String(res.headers['content-type'] ?? '').startsWith(PROTOBUF);
  return new Promise((resolve, reject) => {
    res.on('error', reject);
    if (res.headers['content-encoding'] !== 'gzip' && !binary) {
      // the decoder keeps a character split between two chunks whole
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
      return;
    }
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      try {
        const all = Buffer.concat(chunks);
        if (res.headers['content-encoding'] !== 'gzip') return resolve(all);
        const plain = gunzipSync(all, { chunkSize: outputSize(all) });
        resolve(binary ? plain : plain.toString('utf8'));
      } catch (e) {
        reject(new PluginError('bad-payload', `a corrupt gzip body from ${path.split('?')[0]}: ${firstLine(e)}`));
      }
    });
  });
}

/**
 * The inflated size a gzip body names in its last four bytes, as one output chunk for gunzipSync:
 * in its default 16 KB chunks, each page of a pod list was inflated in ~110 pieces and then copied
 * into one. In a profile of `top pods -A` over 1,000 nodes, inflating the 60 pages went from 364 ms
 * (147 inflating, 217 copying) to 315. A body whose size field is wrong (several gzip members, a
 * lie) still inflates whole, in more chunks; the size is capped by deflate's largest ratio, so a
 * forged one allocates no more than the body could hold.
 */
function outputSize(gz: Buffer): number {
  const named = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.max(16 * 1024, Math.min(named, gz.length * 1032));
}

function response(res: http.IncomingMessage, body: string | Buffer): ApiResponse {
  const head = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), ...(res.headers.date ? { date: res.headers.date } : {}) };
  return typeof body === 'string' ? { ...head, body } : { ...head, body: '', bytes: body };
}

/** The error for a non-200 answer. The API server's own failures are `Status` objects; a kubelet's are plain text. */
export function statusError(res: ApiResponse, path: string, server: string): PluginError {
  const status = parseStatus(res);
  const message = status?.message ?? res.body.trim().split('\n')[0]?.slice(0, 300) ?? '';
  if (res.status === 401) {
    return new PluginError('unauthorized', `the API server at ${server} rejected the credentials (401 Unauthorized)`,
      'log in again or check the kubeconfig user, token or client certificate');
  }
  if (res.status === 403 && status) {
    return new PluginError('forbidden', `permission denied: ${message}`,
      'the plugin needs list nodes, list pods and get nodes/proxy; apply the ClusterRole from the README');
  }
  return new PluginError('http', `GET ${path} answered ${res.status}${message ? `: ${message}` : ''}`);
}

function parseStatus(res: ApiResponse): { message?: string; reason?: string } | undefined {
  if (res.bytes) {
    try {
      return decodeStatus(res.bytes);
    } catch {
      return undefined;
    }
  }
  if (!res.contentType.includes('json')) return undefined;
  try {
    const s = JSON.parse(res.body) as { kind?: string; message?: string; reason?: string };
    return s.kind === 'Status' ? s : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

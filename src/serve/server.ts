import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PluginError, usageError, type ArchiveHistory } from '../query/index.js';
import { HttpError } from './heapster-params.js';
import { exportSchema, metricExport } from './metric-export.js';
import { AnswerCache } from './answer-cache.js';
import { answerMetricsApi, discovery } from './metrics-api.js';
import { answerModel, type ApiAnswer } from './model-api.js';
import { answerPrometheus } from './prometheus-api.js';

export interface ServeOptions {
  history: ArchiveHistory;
  address: string;
  port: number;
  token?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  clientCaFile?: string;
  /** the minute `kubectl top` shows (ms); default the newest batch */
  at?: number;
  /** under `serve --live`: its resolution, and when the first batch is due */
  live?: { resolutionMs: number; firstBatchBy: () => number | undefined };
  log?: (line: string) => void;
  /** the plugin's version, which Prometheus's buildinfo tells as its revision */
  version?: string;
  now?: () => number;
  /** also answer Prometheus's HTTP API (query, query_range, series, labels, ...) */
  prometheus?: boolean;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Heapster's REST API over the archive, plus the Resource Metrics API for `kubectl top`. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  cache.clear();
  const tls = o.tlsCertFile && o.tlsKeyFile;
  // a request can never end the process: whatever escapes the handler closes that one connection
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void handle(o, req, res).catch(() => res.destroy());
  const server = tls ? httpsServer(o, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address, () => resolve());
  });
  const addr = server.address() as { port: number };
  const host = o.address.includes(':') ? `[${o.address}]` : o.address;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${addr.port}`,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeIdleConnections();
    }),
  };
}

function httpsServer(o: ServeOptions, handler: http.RequestListener): https.Server {
  const options = {
    cert: readFlagFile(o.tlsCertFile!, '--tls-cert-file'), key: readFlagFile(o.tlsKeyFile!, '--tls-private-key-file'),
    ...(o.clientCaFile ? { ca: readFlagFile(o.clientCaFile, '--client-ca-file'), requestCert: true, rejectUnauthorized: true } : {}),
  };
  try {
    return https.createServer(options, handler);
  } catch (e) {
    // OpenSSL's own words name what it could not read; the key itself never goes into the message
    throw usageError(`the TLS files cannot be used: ${String((e as Error).message).split('\n')[0]}`, 'give a PEM certificate and its PEM private key');
  }
}

function readFlagFile(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw usageError(`cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, `check the path given to ${flag}`);
  }
}

/**
 * Answers are cached until the archive changes (AnswerCache). A URL without `end` means "until
 * now", which only changes when a batch arrives, and that changes the archive's version.
 */
const cache = new AnswerCache<{ status: number; body: string | Buffer; type: string }>(2000, 256 * 2 ** 20);

function authorized(o: ServeOptions, req: http.IncomingMessage): boolean {
  if (!o.token) return true;
  const got = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${o.token}`);
  return got.length === want.length && timingSafeEqual(got, want);
}

async function handle(o: ServeOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = Date.now();
  const send = (status: number, body: string | Buffer, type: string) => {
    if (res.headersSent) return;
    const gzip = body.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const payload = gzip ? gzipSync(body) : body;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(payload), ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    res.end(payload);
    o.log?.(`${req.method} ${safeUrl(req.url)} ${status} ${Date.now() - started}ms`);
  };
  const text = (status: number, message: string) => send(status, message, 'text/plain; charset=utf-8');
  // nothing of the request is looked at before the caller is known
  if (!authorized(o, req)) return text(401, 'Unauthorized');
  const promPath = o.prometheus && /^\/api\/v1\/(query|query_range|series|labels|label\/|metadata|status\/)/.test(req.url ?? '');
  // Grafana sends PromQL as a form in a POST, as Prometheus allows; Heapster's routes are GET only
  if (req.method !== 'GET' && !(promPath && req.method === 'POST')) return text(405, '405: Method Not Allowed');
  try {
    if (promPath) return await prometheus(o, req, send);
    await answer(o, req, send, text);
  } catch (e) {
    if (e instanceof HttpError) return text(e.status, e.message);
    if (e instanceof PluginError && e.code === 'usage') return text(400, e.line);
    // the cause goes to the server's log, never to the caller: it may name files or SQL
    o.log?.(`internal error on ${safeUrl(req.url)}: ${String((e as Error).message).split('\n')[0]}`);
    return text(500, '500: Internal Server Error');
  }
}

/** The request line as logged: at most 300 characters, control characters escaped. */
function safeUrl(url: string | undefined): string {
  return JSON.stringify((url ?? '/').slice(0, 300)).slice(1, -1);
}

/**
 * The path and parameters, refused with a 400 when they cannot be names: a bad percent-escape, or a
 * control character (a NUL reaches no SQL and no file name).
 */
function parseRequest(raw: string | undefined): { url: URL; path: string } {
  let url: URL, path: string;
  try {
    url = new URL(raw ?? '/', 'http://heapster');
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new HttpError(400, '400: Bad Request: malformed URL escape');
  }
  for (const s of [path, ...url.searchParams.keys(), ...url.searchParams.values()]) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(s)) throw new HttpError(400, '400: Bad Request: control character in the URL');
  }
  return { url, path: path.replace(/\/+$/, '') || '/' };
}

type Send = (status: number, body: string | Buffer, type: string) => void;

/** Prometheus's API: the URL's parameters and, in a POST, the form's (at most 1 MB). */
async function prometheus(o: ServeOptions, req: http.IncomingMessage, send: Send): Promise<void> {
  const { url, path } = parseRequest(req.url);
  const params = new URLSearchParams(url.searchParams);
  if (req.method === 'POST') {
    let body = '';
    for await (const chunk of req) {
      body += chunk;
      if (body.length > 1 << 20) throw new HttpError(413, '413: Request Entity Too Large');
    }
    for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
  }
  // an instant query without a time is evaluated now: every other answer is the archive's alone
  const key = path === '/api/v1/query' && !params.has('time') ? undefined : `prometheus ${path}?${params}`;
  const version = o.history.version();
  const cached = key === undefined ? undefined : cache.get(key, version);
  if (cached) return send(cached.status, cached.body, cached.type);
  const a = await answerPrometheus(o.history, path, params, (o.now ?? Date.now)(), o.version);
  if (!a) return send(404, '404: Page Not Found', 'text/plain; charset=utf-8');
  const body = JSON.stringify(a.body);
  if (key !== undefined) cache.set(key, version, { status: a.status, body, type: 'application/json' });
  send(a.status, body, 'application/json');
}

async function answer(o: ServeOptions, req: http.IncomingMessage, send: Send, text: (status: number, message: string) => void): Promise<void> {
  const parsed = parseRequest(req.url);
  const url = parsed.url;
  let path = parsed.path;
  const version = o.history.version();
  const cached = cache.get(url.pathname + url.search, version);
  if (cached) return send(cached.status, cached.body, cached.type);
  const remember = (status: number, body: string, type: string) => {
    cache.set(url.pathname + url.search, version, { status, body, type });
    send(status, body, type);
  };
  const json = (a: ApiAnswer) => remember(a.status, JSON.stringify(a.body, null, a.compact ? undefined : 1), 'application/json');
    if (path === '/healthz') {
      const newest = await o.history.newest();
      if (newest === undefined) return text(o.live ? 503 : 500, 'no batch in the archive yet');
      // as Heapster's: a live model whose newest batch is three resolutions old is not healthy
      const age = (o.now ?? Date.now)() - newest;
      if (o.live && age > 3 * o.live.resolutionMs) return text(500, `the newest batch is ${Math.round(age / 1000)}s old, more than three resolutions (${Math.round((3 * o.live.resolutionMs) / 1000)}s)`);
      return text(200, 'ok');
    }
    if (path === '/api/v1/metric-export-schema') return json({ status: 200, body: exportSchema() });
    if (path === '/api/v1/metric-export') return json({ status: 200, body: await metricExport(o.history) });
    for (const [prefix, historical] of [['/api/v1/model', false], ['/api/v1/historical', true]] as const) {
      if (path === prefix || path.startsWith(`${prefix}/`)) {
        path = path.slice(prefix.length);
        const a = await answerModel(o.history, path, url.searchParams, historical, (o.now ?? Date.now)());
        return a ? json(a) : text(404, '404: Page Not Found');
      }
    }
    const d = discovery(path) ?? (await answerMetricsApi(o.history, path, url.searchParams, { ...(o.at !== undefined ? { at: o.at } : {}), ...(o.live ? { firstBatchBy: o.live.firstBatchBy } : {}) }));
    return d ? json(d) : text(404, '404: Page Not Found');
}

import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpSendOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
  /** skip TLS verification (Heapster's `insecuressl`) */
  insecure?: boolean;
}

/**
 * One request to a sink's server. Every request has a timeout (Heapster's had none, and a hung
 * InfluxDB stalled its sink for good); a network failure rejects with the system's message.
 */
export function httpSend(url: URL, o: HttpSendOptions): Promise<HttpAnswer> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, {
      method: o.method, headers: { 'User-Agent': 'kubectl-heapster', ...o.headers, ...(o.body !== undefined ? { 'Content-Length': Buffer.byteLength(o.body) } : {}) },
      ...(o.insecure ? { rejectUnauthorized: false } : {}),
    }, (res) => {
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

export const basicAuth = (user: string, pw: string): string => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

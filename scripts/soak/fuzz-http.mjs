// Fuzzed requests to `serve`: none may end the process or answer with an internal message.
import net from 'node:net';
import { pick, sleep, startPlugin, STACK } from './util.mjs';

const SEGMENTS = ['api', 'v1', 'model', 'historical', 'namespaces', 'web', 'pods', 'nodes', 'node-01', 'containers', 'metrics', 'memory', 'usage', 'cpu',
  'usage_rate', 'metrics-aggregated', 'max,min', '95-perc', 'pod-list', 'pod-id', 'pod-id-list', 'freecontainers', 'debug', 'allkeys', 'apis', 'metrics.k8s.io', 'v1beta1',
  '%', '%zz', '%00', '%E0%A4%A', '..', '.', '', '☃', "'", '"', ';DROP TABLE snapshots;--', 'x'.repeat(5000), '{metric:*}', '*', '\\', '%2F', '%252F'];
const PARAMS = ['start', 'end', 'labels', 'bucket', 'labelSelector', 'fieldSelector', 'at', 'x'];
const VALUES = ['', '2020-01-01T00:00:00Z', 'abc', '%', '%zz', '!!!', 'a:b', ':', '1g', '99999999999999999999m', '-1', 'metadata.name=x', 'status.phase=Running', '☃', '%00', 'x'.repeat(3000)];

function randomPath() {
  const n = 1 + Math.floor(Math.random() * 9);
  const path = '/' + Array.from({ length: n }, () => pick(SEGMENTS)).join('/');
  const q = Array.from({ length: Math.floor(Math.random() * 4) }, () => `${pick(PARAMS)}=${pick(VALUES)}`).join('&');
  return q ? `${path}?${q}` : path;
}

/** A raw request on a socket: whatever an HTTP client would not send, too. */
function raw(port, text) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(text));
    let got = '';
    s.setTimeout(10_000, () => s.destroy());
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(got));
    s.on('error', () => resolve(got));
  });
}

export async function fuzzHttp({ env, count, archive, log }) {
  const p = startPlugin(['serve', '--archive', archive, '--port', '0'], env);
  const t0 = Date.now();
  while (!/ at (http\S+)/.test(p.out.stdout) && Date.now() - t0 < 30_000) await sleep(50);
  const url = / at (http\S+)/.exec(p.out.stdout)?.[1];
  if (!url) throw new Error(`serve did not start: ${p.out.stderr}`);
  const port = Number(new URL(url).port);
  const out = { requests: 0, internal: 0, crashes: 0, statuses: {}, notes: [] };
  let exited = false;
  p.exited.then(() => (exited = true));
  for (let i = 0; i < count && !exited; i++) {
    const path = randomPath();
    let status = 0, body = '';
    if (Math.random() < 0.25) {
      const method = pick(['GET', 'POST', 'DELETE', 'GET', 'BREW']);
      const text = await raw(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\n${pick(['', 'Accept-Encoding: gzip\r\n', `X-Big: ${'y'.repeat(20000)}\r\n`, 'Content-Length: 5\r\n\r\nhello'])}Connection: close\r\n\r\n`);
      status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
      body = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
    } else {
      try {
        const r = await fetch(`${url}${path}`);
        status = r.status;
        body = await r.text();
      } catch {
        status = 0; // the client refused to send it (an invalid URL): nothing reached the server
      }
    }
    out.requests++;
    out.statuses[status] = (out.statuses[status] ?? 0) + 1;
    // a 500 is Heapster's own "No results" for historical routes; anything else is an internal leak
    if ((status === 500 && !/^No results for metric|^500: Internal Server Error$/.test(body)) || STACK.test(body) || /Binder Error|Parser Error|Catalog Error|SQL/.test(body)) {
      out.internal++;
      out.notes.push(`${status} ${path.slice(0, 120)}: ${body.slice(0, 160)}`);
    }
    if (out.requests % 100 === 0) log(`http fuzz: ${out.requests}/${count}`);
  }
  const alive = !exited && (await fetch(`${url}/healthz`).then((r) => r.status, () => 0)) === 200;
  if (!alive) {
    out.crashes++;
    out.notes.push(`serve is gone: ${p.out.stderr.slice(0, 300)}`);
  }
  p.child.kill('SIGTERM');
  await p.exited;
  return out;
}

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, loadKubeConfig } from '../../src/cluster/index.js';

const doc = { kind: 'List', items: [{ name: 'node-01', n: 1 }] };
const text = JSON.stringify(doc);

const server = http.createServer((req, res) => {
  if (req.url === '/plain') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(text);
  }
  res.writeHead(404).end();
});
let client: ApiClient;
test.before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // as `kubectl proxy` serves the API: plain HTTP on loopback, no credentials
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = await ApiClient.create(await loadKubeConfig({ server: url }, { HOME: '/nonexistent' }));
});
test.after(() => {
  client?.close();
  server.close();
});

// ---
test('a plain http: server, as kubectl proxy serves, is spoken to without TLS', async () => {
  assert.equal(await client.getJson('/plain'), doc);
});

test.run();

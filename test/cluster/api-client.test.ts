import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ApiClient, loadKubeConfig } from '../../src/cluster/index.js';

// API servers gzip large lists when asked; bodies arrive in chunks that may split a UTF-8 character
const doc = { kind: 'List', items: [{ name: 'node-01', note: 'café-ünïcødé', n: 1 }] };
const text = JSON.stringify(doc);
const bytes = Buffer.from(text, 'utf8');
const split = bytes.indexOf(Buffer.from('é')) + 1; // between the two bytes of the first é

const server = http.createServer((req, res) => {
  if (req.url === '/plain') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(text);
  }
  if (req.url === '/gzip') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    return res.end(gzipSync(bytes));
  }
  if (req.url === '/gzip-members' || req.url === '/gzip-forged') {
    // two gzip members: the last four bytes name the second's size only. Or a size field that lies
    const big = Buffer.from(JSON.stringify({ ...doc, pad: 'x'.repeat(100_000) }), 'utf8');
    const body = req.url === '/gzip-members' ? Buffer.concat([gzipSync(big.subarray(0, 70_000)), gzipSync(big.subarray(70_000))]) : gzipSync(big);
    if (req.url === '/gzip-forged') body.writeUInt32LE(0xffffffff, body.length - 4);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    return res.end(body);
  }
  if (req.url === '/split') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(bytes.subarray(0, split));
    // a pause, so the two halves reach the client as two chunks
    return setTimeout(() => res.end(bytes.subarray(split)), 30);
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
  assert.equal(await client.getObject('/plain', 0), doc);
});

test('a gzipped body is unzipped and decoded', async () => {
  assert.equal(await client.getObject('/gzip', 0), doc);
});

test('a gzipped body of two members, whose size field names the last one only, is unzipped whole; a forged size is a corrupt body', async () => {
  const got = await client.getObject<typeof doc & { pad: string }>('/gzip-members', 0);
  assert.is(got.pad.length, 100_000);
  assert.equal(got.items, doc.items);
  // gzip checks the size itself: 4 GiB named is neither allocated nor believed
  const err = await client.getObject('/gzip-forged', 0).then(() => undefined, (e: Error) => e.message);
  assert.match(String(err), /^a corrupt gzip body from \/gzip-forged: /);
});

test('a UTF-8 character split between two chunks is decoded whole', async () => {
  assert.ok(bytes[split - 1]! >= 0xc0 && bytes[split]! >= 0x80, 'the split falls inside a two-byte character');
  const res = await client.get('/split');
  assert.is(res.body, text);
});

test.run();

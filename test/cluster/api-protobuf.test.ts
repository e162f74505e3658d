import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient, listNodes, listPods, loadKubeConfig } from '../../src/cluster/index.js';
import { statusError } from '../../src/cluster/api-client.js';
import { decodePodList, PROTOBUF_OR_JSON } from '../../src/cluster/api-protobuf.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
let jsonOnly: TestSim;
let client: ApiClient;
test.before(async () => {
  sim = await testSim({ nodes: 4, podsPerNode: 8 });
  jsonOnly = await testSim({ nodes: 4, podsPerNode: 8, protobuf: false });
  client = await ApiClient.create(await loadKubeConfig({ kubeconfig: sim.kubeconfigPath }, {}));
});
test.after(() => {
  client.close();
  sim.close();
  jsonOnly.close();
});

/** A GET with an Accept header, read as bytes apart from the plugin's client. */
function raw(s: TestSim, p: string, accept: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https.get(`${s.url}${p}`, { ca: s.certs.ca.cert, headers: { Authorization: `Bearer ${s.adminToken}`, Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

// ---
test('pods listed in protobuf are the pods listed in JSON, field for field', async () => {
  const json = await listPods(client, {}, 5000, 5, 'application/json');
  const proto = await listPods(client, {}, 5000, 5);
  assert.ok(json.length > 12, `enough pods for several pages (${json.length})`);
  assert.equal(proto, json);
  // the comparison covers what varies from pod to pod
  assert.ok(json.some((p) => p.containers.some((c) => (c.restartCount ?? 0) > 0)), 'a restarted container');
  assert.ok(json.some((p) => p.containers.some((c) => c.lastTermination?.reason === 'OOMKilled' && c.lastTermination.exitCode === 137 && c.lastTermination.at > 0)), 'how one ended');
  assert.ok(json.some((p) => p.containers.some((c) => Object.keys(c.limits).length === 0)), 'a container without limits');
  assert.ok(new Set(json.map((p) => p.ownerKind)).size >= 2, 'owners of several kinds');
  assert.ok(json.every((p) => Number.isFinite(p.startTime)), 'start times');
  // ...and the pages really came in protobuf, and are smaller than the JSON
  const pb = await raw(sim, '/api/v1/pods', PROTOBUF_OR_JSON);
  const js = await raw(sim, '/api/v1/pods', 'application/json');
  assert.is(pb.type, 'application/vnd.kubernetes.protobuf');
  assert.equal([...pb.body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
  assert.ok(pb.body.length < js.body.length, `${pb.body.length} < ${js.body.length}`);
});

test('nodes listed in protobuf are the nodes listed in JSON, and carry what kubectl shows', async () => {
  const faulty = await testSim({ nodes: 5, podsPerNode: 2, faults: { 'node-02': 'notready', 'node-03': 'windows' } });
  const c = await ApiClient.create(await loadKubeConfig({ kubeconfig: faulty.kubeconfigPath }, {}));
  try {
    const json = await listNodes(c, {}, 5000, 'application/json');
    const proto = await listNodes(c, {}, 5000);
    assert.equal(proto, json);
    // the raw JSON, read apart from the plugin: what the comparison covers varies from node to node
    const raw5 = JSON.parse((await raw(faulty, '/api/v1/nodes', 'application/json')).body.toString()).items as any[];
    assert.equal(json.map((n) => n.name), raw5.map((n) => n.metadata.name));
    assert.equal(json.map((n) => n.ready), raw5.map((n) => n.status.conditions.find((x: any) => x.type === 'Ready').status === 'True'));
    assert.ok(json.some((n) => !n.ready) && json.some((n) => n.ready), 'Ready and not Ready nodes');
    // millicores, as Heapster keeps cpu
    assert.equal(json.map((n) => n.capacity.cpu), raw5.map((n) => Number(n.status.capacity.cpu) * 1000));
    assert.equal(json.map((n) => n.labels['kubernetes.io/os']), raw5.map((n) => n.metadata.labels['kubernetes.io/os']));
    assert.ok(json.some((n) => n.labels['kubernetes.io/os'] === 'windows'), 'a Windows node');
    assert.ok(raw5.every((n) => n.status.images.length > 20), 'nodes report their images, as kubelets do');
    assert.is((await raw(faulty, '/api/v1/nodes', PROTOBUF_OR_JSON)).type, 'application/vnd.kubernetes.protobuf');
  } finally {
    c.close();
    faulty.close();
  }
});

test('a server that answers pods in JSON only still gives every pod', async () => {
  const c = await ApiClient.create(await loadKubeConfig({ kubeconfig: jsonOnly.kubeconfigPath }, {}));
  try {
    const pods = await listPods(c, {}, 5000, 7);
    const expected = JSON.parse((await raw(jsonOnly, '/api/v1/pods', 'application/json')).body.toString()).items as any[];
    assert.is((await raw(jsonOnly, '/api/v1/pods', PROTOBUF_OR_JSON)).type, 'application/json');
    assert.equal(pods.map((p) => p.uid).sort(), expected.map((p) => p.metadata.uid).sort());
  } finally {
    c.close();
  }
});

test('a Status error in protobuf keeps its message', async () => {
  const res = await client.get('/api/v1/namespaces/web/pods/no-such-pod', 5000, PROTOBUF_OR_JSON);
  assert.is(res.status, 404);
  assert.ok(res.bytes, 'the error came as protobuf');
  assert.match(statusError(res, '/api/v1/namespaces/web/pods/no-such-pod', client.server).message, 'pods "no-such-pod" not found');
});

test('large answers come gzipped, as the API server sends them, unless compression is disabled', async () => {
  const big = await testSim({ nodes: 12, podsPerNode: 10 }); // pages of 50 pods are ~175 KB
  const make = async (disableCompression: boolean) => ApiClient.create(await loadKubeConfig({ kubeconfig: big.kubeconfigPath, disableCompression }, {}));
  const [gz, plain] = [await make(false), await make(true)];
  try {
    const listed = (from: number) => big.server.log.slice(from).filter((r) => r.path === '/api/v1/pods');
    let mark = big.server.log.length;
    const a = await listPods(gz, {}, 5000, 50);
    assert.ok(listed(mark).length >= 2 && listed(mark).some((r) => r.gzip), 'the full pages gzipped');
    mark = big.server.log.length;
    const b = await listPods(plain, {}, 5000, 50);
    assert.ok(listed(mark).length >= 2 && listed(mark).every((r) => !r.gzip), 'no page gzipped');
    assert.equal(a, b);
    assert.is(a.length, big.workload.nodes.reduce((n, node) => n + big.workload.podsOn(node, big.clock.t).length, 0));
    // the kubeconfig's own `disable-compression: true` on the cluster, as kubectl 1.26+ reads it
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kh-kc-')), 'kubeconfig');
    writeFileSync(file, readFileSync(big.kubeconfigPath, 'utf8').replace(/^(\s+)server: (.*)$/m, '$1server: $2\n$1disable-compression: true'), { mode: 0o600 });
    assert.match(readFileSync(file, 'utf8'), 'disable-compression: true');
    const fromFile = await ApiClient.create(await loadKubeConfig({ kubeconfig: file }, {}));
    const overridden = await ApiClient.create(await loadKubeConfig({ kubeconfig: file, disableCompression: false }, {}));
    try {
      mark = big.server.log.length;
      await listPods(fromFile, {}, 5000, 50);
      assert.ok(listed(mark).length >= 2 && listed(mark).every((r) => !r.gzip), 'no page gzipped');
      mark = big.server.log.length;
      await listPods(overridden, {}, 5000, 50);
      assert.ok(listed(mark).some((r) => r.gzip), 'the flag, given, wins over the file');
    } finally {
      fromFile.close();
      overridden.close();
    }
  } finally {
    gz.close();
    plain.close();
    big.close();
  }
});

test('a truncated or foreign body is refused, not misread', async () => {
  const pb = (await raw(sim, '/api/v1/pods', PROTOBUF_OR_JSON)).body;
  assert.throws(() => decodePodList(pb.subarray(0, pb.length - 100)), /past the end/);
  assert.throws(() => decodePodList(Buffer.from('{"kind":"PodList"}')), /not Kubernetes protobuf/);
  // a pod whose metadata claims more bytes than the pod holds: caught at the pod's end, not read on into the next
  const pod = Buffer.from([0x0a, 0x05, 0x0a, 0x07, 0x61, 0x62, 0x63]); // Pod { metadata (5 bytes) { name (7 bytes) "abc" } }
  const next = Buffer.from([0x12, 0x04, 0x0a, 0x02, 0x0a, 0x00]); // a second pod for the name to run into
  const list = Buffer.concat([Buffer.from([0x12, pod.length]), pod, next]);
  const kind = Buffer.from('PodList');
  const envelope = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, kind.length + 6, 0x0a, 0x02, 0x76, 0x31, 0x12, kind.length]), kind,
    Buffer.from([0x12, list.length]), list]);
  assert.throws(() => decodePodList(envelope), /past the end/);
  assert.is(decodePodList(pb).items!.length, (await listPods(client, {}, 5000)).length);
});

test.run();

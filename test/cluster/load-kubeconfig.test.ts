import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient, listNodes, loadKubeConfig } from '../../src/cluster/index.js';
import { PluginError } from '../../src/model/index.js';
import { testSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim;
const dir = mkdtempSync(path.join(tmpdir(), 'kh-kc-'));
const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(file: string, o: { current: string; contexts: [string, string, string][]; clusters: [string, string][]; users: [string, string][] }) {
  const yaml = [
    'apiVersion: v1', 'kind: Config', `current-context: ${o.current}`,
    'clusters:', ...o.clusters.map(([n, body]) => `- name: ${n}\n  cluster:\n${body}`),
    'users:', ...o.users.map(([n, body]) => `- name: ${n}\n  user:\n${body}`),
    'contexts:', ...o.contexts.map(([n, c, u]) => `- name: ${n}\n  context:\n    cluster: ${c}\n    user: ${u}\n    namespace: ns-${n}`),
  ].join('\n');
  writeFileSync(file, yaml + '\n');
  return file;
}
const server = (url: string, extra = '') => `    server: ${url}\n${extra}`;

test.before(async () => {
  sim = await testSim();
});
test.after(() => sim.close());

// ---
test('KUBECONFIG merges with the first file winning, current-context included; missing files are skipped', async () => {
  const a = kubeconfig(path.join(dir, 'a'), { current: 'one', clusters: [['c', server('https://first.example:6443')]], users: [['u', '    token: t1']], contexts: [['one', 'c', 'u']] });
  const b = kubeconfig(path.join(dir, 'b'), { current: 'two', clusters: [['c', server('https://second.example:6443')], ['d', server('https://d.example')]], users: [['u', '    token: t2']], contexts: [['one', 'd', 'u'], ['two', 'd', 'u']] });
  const cfg = await loadKubeConfig({}, { KUBECONFIG: [path.join(dir, 'missing'), a, b].join(path.delimiter), HOME: dir });
  assert.is(cfg.contextName, 'one');
  assert.is(cfg.server, 'https://first.example:6443');
  assert.is(cfg.namespace, 'ns-one');
  const two = await loadKubeConfig({ context: 'two' }, { KUBECONFIG: [a, b].join(path.delimiter), HOME: dir });
  assert.is(two.server, 'https://d.example');
});

test('--kubeconfig is one file and must exist; an unknown --context names the known ones', async () => {
  try {
    await loadKubeConfig({ kubeconfig: path.join(dir, 'nope') }, {});
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PluginError);
    assert.match((e as Error).message, 'does not exist');
  }
  const a = kubeconfig(path.join(dir, 'c1'), { current: 'one', clusters: [['c', server('https://x')]], users: [['u', '    token: t']], contexts: [['one', 'c', 'u']] });
  try {
    await loadKubeConfig({ kubeconfig: a, context: 'other' }, {});
    assert.unreachable();
  } catch (e) {
    assert.match((e as PluginError).line, 'known contexts: one');
  }
});

test('relative certificate paths and exec commands resolve from the kubeconfig folder; client certs authenticate', async () => {
  const sub = path.join(dir, 'certs-case');
  mkdirSync(path.join(sub, 'pki'), { recursive: true });
  writeFileSync(path.join(sub, 'pki/ca.crt'), sim.certs.ca.cert);
  writeFileSync(path.join(sub, 'pki/admin.crt'), sim.certs.clients.admin!.cert);
  writeFileSync(path.join(sub, 'pki/admin.key'), sim.certs.clients.admin!.key);
  const file = kubeconfig(path.join(sub, 'config'), {
    current: 'cert',
    clusters: [['sim', server(sim.url, '    certificate-authority: pki/ca.crt')]],
    users: [['admin', '    client-certificate: pki/admin.crt\n    client-key: pki/admin.key']],
    contexts: [['cert', 'sim', 'admin']],
  });
  const cfg = await loadKubeConfig({ kubeconfig: file }, {});
  const client = await ApiClient.create(cfg);
  try {
    const nodes = await listNodes(client, {}, 5000);
    assert.equal(nodes.map((n) => n.name), sim.workload.nodes.map((n) => n.name));
  } finally {
    client.close();
  }
});

test('a client key that cannot be read is one config error that shows none of it', async () => {
  const garbage = '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n';
  const file = kubeconfig(path.join(dir, 'bad-key'), {
    current: 'cert',
    clusters: [['sim', server(sim.url, `    certificate-authority-data: ${b64(sim.certs.ca.cert)}`)]],
    users: [['admin', `    client-certificate-data: ${b64(sim.certs.clients.admin!.cert)}\n    client-key-data: ${b64(garbage)}`]],
    contexts: [['cert', 'sim', 'admin']],
  });
  const err = await ApiClient.create(await loadKubeConfig({ kubeconfig: file }, {})).then(() => undefined, (e: unknown) => e);
  assert.instance(err, PluginError);
  assert.is((err as PluginError).code, 'config');
  assert.match((err as PluginError).message, 'certificate data cannot be used');
  assert.not.match(`${(err as PluginError).message} ${(err as PluginError).hint ?? ''}`, 'bm90IGEga2V5');
});

test('exec credential plugins give the token', async () => {
  const sub = path.join(dir, 'exec-case');
  mkdirSync(path.join(sub, 'bin'), { recursive: true });
  const script = path.join(sub, 'bin/cred');
  writeFileSync(script, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${sim.adminToken}"}}'\n`);
  chmodSync(script, 0o755);
  const file = kubeconfig(path.join(sub, 'config'), {
    current: 'x',
    clusters: [['sim', server(sim.url, `    certificate-authority-data: ${b64(sim.certs.ca.cert)}`)]],
    users: [['e', '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./bin/cred\n      interactiveMode: Never']],
    contexts: [['x', 'sim', 'e']],
  });
  const cwd = process.cwd();
  process.chdir(tmpdir()); // the command must resolve from the kubeconfig's folder, not from here
  try {
    const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: file }, {}));
    const nodes = await listNodes(client, {}, 5000);
    client.close();
    assert.is(nodes.length, sim.workload.nodes.length);
  } finally {
    process.chdir(cwd);
  }
});

test('--server, --token and --insecure-skip-tls-verify work without any kubeconfig', async () => {
  const cfg = await loadKubeConfig({ server: sim.url, token: sim.adminToken, insecureSkipTlsVerify: true }, { HOME: dir });
  const client = await ApiClient.create(cfg);
  const nodes = await listNodes(client, { labelSelector: 'kubernetes.io/hostname=node-02' }, 5000);
  client.close();
  assert.equal(nodes.map((n) => n.name), ['node-02']);
  assert.ok(sim.server.log.every((r) => r.method === 'GET'), 'only GET requests reach the API server');
});

test("in a pod without a kubeconfig, the service account's token and CA reach the API server", async () => {
  // a pod's filesystem and environment, with the simulator as the in-cluster API server
  const root = path.join(dir, 'pod-root');
  const sa = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(sa, { recursive: true });
  writeFileSync(path.join(sa, 'token'), sim.viewerToken);
  writeFileSync(path.join(sa, 'ca.crt'), sim.certs.ca.cert);
  const url = new URL(sim.url);
  const env = { HOME: path.join(dir, 'pod-home'), KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port };
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  // client-node reads the service address from the process environment itself
  Object.assign(process.env, { KUBERNETES_SERVICE_HOST: env.KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT: env.KUBERNETES_SERVICE_PORT });
  try {
    const cfg = await loadKubeConfig({}, env, root);
    assert.is(cfg.server, sim.url);
    const client = await ApiClient.create(cfg);
    const nodes = await listNodes(client, {}, 5000);
    client.close();
    assert.is(nodes.length, sim.workload.nodes.length);
    assert.ok(sim.server.log.some((r) => r.user === 'viewer' && r.path === '/api/v1/nodes'), 'the service account token was the identity');
  } finally {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('no kubeconfig at all is one clear config error', async () => {
  try {
    await loadKubeConfig({}, { HOME: path.join(dir, 'empty-home') });
    assert.unreachable();
  } catch (e) {
    assert.is((e as PluginError).code, 'config');
    assert.match((e as PluginError).line, 'no kubeconfig found');
  }
});

test.run();

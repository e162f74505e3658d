import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KubeClient } from '../../src/cluster/kube-client.js';
import { ROOT } from '../helpers/paths.js';

// the bundle `npm run build` makes is what the installed plugin loads: tried here as it is shipped
const bundle = path.join(ROOT, 'dist/vendor/kube-client.js');
const dir = mkdtempSync(path.join(tmpdir(), 'kh-kube-client-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the built client bundle loads a kubeconfig and gives its credentials, as client-node does', async () => {
  const k = (await import(pathToFileURL(bundle).href)) as KubeClient;
  const file = path.join(dir, 'config');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    'clusters:', '- name: k', '  cluster:', '    server: https://127.0.0.1:6443', '    disable-compression: true',
    'users:', '- name: u', '  user:', '    token: abc123',
    'contexts:', '- name: c', '  context:', '    cluster: k', '    user: u', ''].join('\n'));
  const kc = new k.KubeConfig();
  kc.loadFromFile(file);
  assert.is(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
  const opts: { headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(opts);
  assert.is(opts.headers?.Authorization, 'Bearer abc123');
  // the file's YAML as written: the field client-node drops is there
  const raw = k.loadYaml(`clusters:\n- name: k\n  cluster:\n    disable-compression: true\n`) as { clusters: { cluster: Record<string, unknown> }[] };
  assert.is(raw.clusters[0]!.cluster['disable-compression'], true);
});

test('the bundle leaves out the generated API: what would need it says so instead of loading it', async () => {
  const k = (await import(pathToFileURL(bundle).href)) as KubeClient;
  const kc = new k.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'k', server: 'https://127.0.0.1:1', skipTLSVerify: false }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'k', user: 'u' }], currentContext: 'c' });
  assert.throws(() => kc.makeApiClient(class {} as never), /bundles no generated-api/);
});

test('the built plugin loads the bundle, not the package: a wrong path would fall back to the slow index unnoticed', async () => {
  const { kubeClient } = (await import(pathToFileURL(path.join(ROOT, 'dist/cluster/kube-client.js')).href)) as typeof import('../../src/cluster/kube-client.js');
  const k = await kubeClient();
  const kc = new k.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'k', server: 'https://127.0.0.1:1', skipTLSVerify: false }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'k', user: 'u' }], currentContext: 'c' });
  assert.throws(() => kc.makeApiClient(class {} as never), /bundles no generated-api/);
});

test.run();

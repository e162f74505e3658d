import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSummary } from '../../src/cluster/index.js';
import { processBatch, podKey, type Batch, type NodeInfo, type PodInfo } from '../../src/model/index.js';
import { fixture } from '../helpers/paths.js';

const NOW = Date.parse('2020-04-16T20:30:00Z');
const raw = fixture('summary/kind-v1.17-metrics-server-e2e.json');
const NODE = raw.node.nodeName as string;

function batchOf(summary: any, ts = NOW): Batch {
  return { timestamp: ts, sets: new Map(decodeSummary(summary, { now: NOW }).map((s) => [s.key, s])) };
}
const podInfo = (name: string, containers: PodInfo['containers'], ns = 'default'): PodInfo => ({
  namespace: ns, name, uid: `uid-${name}`, nodeName: NODE, labels: { app: name.replace(/\s/g, '-') }, containers, phase: 'Running', qosClass: 'Burstable',
});
const node: NodeInfo = {
  name: NODE, hostname: NODE, hostId: '', labels: { role: 'cp' }, ready: true, kubeletVersion: 'v1.17.0',
  capacity: { cpu: 8000, memory: 16 * 2 ** 30, 'ephemeral-storage': 500e9 },
  allocatable: { cpu: 7900, memory: 15 * 2 ** 30, 'ephemeral-storage': 450e9 },
};
const objects = (pods: PodInfo[]) => ({ pods: new Map(pods.map((p) => [podKey(p.namespace, p.name), p])), nodes: new Map([[NODE, node]]) });

// ---
test('namespace memory/usage sums pods, pod-level kubelet values winning over container sums', () => {
  const b = processBatch(batchOf(raw), undefined, objects([]));
  // expected from the payload: each pod's own usageBytes, else the sum of its containers' usageBytes
  let expected = 0;
  for (const p of raw.pods) {
    const own = p.memory?.usageBytes;
    const sum = (p.containers ?? []).reduce((s: number, c: any) => s + (c.memory?.usageBytes ?? 0), 0);
    const has = own !== undefined || (p.containers ?? []).some((c: any) => c.memory?.usageBytes !== undefined);
    if (has) expected += own ?? sum;
  }
  assert.is(b.sets.get('namespace:default')!.values.get('memory/usage'), expected);
  assert.is(b.sets.get('cluster')!.values.get('memory/usage'), expected);
  const allFields = b.sets.get('namespace:default/pod:all-fields')!;
  assert.is(allFields.values.get('memory/working_set'), raw.pods[0].memory.workingSetBytes, 'pod-level value wins');
  const noCpu = b.sets.get('namespace:default/pod:no CPU')!;
  assert.is(noCpu.values.get('memory/working_set'), raw.pods[3].containers[0].memory.workingSetBytes, 'summed from containers');
  assert.not.ok(noCpu.values.has('cpu/usage'), 'cumulative metrics are never summed to pods');
});

test('requests and limits flow container → pod → namespace, node and cluster; ephemeral stops at the node', () => {
  const pods = [
    podInfo('all-fields', [
      { name: 'container', image: 'nginx:1', requests: { cpu: 250, memory: 2 ** 27, 'ephemeral-storage': 2 ** 30, 'nvidia.com/gpu': 1 }, limits: { cpu: 500 }, restartCount: 2 },
      { name: 'sidecar', image: 'envoy:1', requests: { cpu: 100 }, limits: { memory: 2 ** 26 }, restartCount: 1 },
    ]),
    podInfo('no CPU', [{ name: 'container', image: 'busybox', requests: { cpu: 50 }, limits: {} }]),
  ];
  const b = processBatch(batchOf(raw), undefined, objects(pods));
  const pod = b.sets.get('namespace:default/pod:all-fields')!;
  assert.is(pod.values.get('cpu/request'), 350);
  assert.is(pod.values.get('cpu/limit'), 500);
  assert.is(pod.values.get('memory/limit'), 2 ** 26);
  assert.is(pod.values.get('restart_count'), 3);
  assert.is(pod.values.get('nvidia.com/gpu/request'), 1);
  const stub = b.sets.get('namespace:default/pod:all-fields/container:sidecar')!;
  assert.ok(stub, 'a spec container without stats gets a stub set');
  assert.equal([...stub.values.keys()].sort(), ['cpu/limit', 'cpu/request', 'ephemeral_storage/limit', 'ephemeral_storage/request', 'memory/limit', 'memory/request', 'restart_count']);
  assert.is(stub.labels.container_base_image, 'envoy:1');
  const ns = b.sets.get('namespace:default')!;
  assert.is(ns.values.get('cpu/request'), 400);
  assert.not.ok(ns.values.has('ephemeral_storage/request'));
  const nodeSet = b.sets.get(`node:${NODE}`)!;
  assert.is(nodeSet.values.get('cpu/request'), 400);
  assert.is(nodeSet.values.get('ephemeral_storage/request'), 2 ** 30);
  assert.is(b.sets.get('cluster')!.values.get('cpu/request'), 400);
  assert.is(pod.labels.labels, 'app:all-fields');
  assert.is(pod.labels.pod_id, 'uid-all-fields');
});

test('node capacity, allocatable, utilization and reservation', () => {
  const b = batchOf(raw);
  b.sets.get(`node:${NODE}`)!.values.set('cpu/usage_rate', 790);
  const pods = [podInfo('all-fields', [{ name: 'container', image: 'x', requests: { cpu: 1975, memory: 2 ** 30 }, limits: {} }])];
  processBatch(b, undefined, objects(pods));
  const n = b.sets.get(`node:${NODE}`)!.values;
  assert.is(n.get('cpu/node_capacity'), 8000);
  assert.is(n.get('cpu/node_allocatable'), 7900);
  assert.is(n.get('cpu/node_utilization'), 790 / 7900);
  assert.is(n.get('cpu/node_reservation'), 1975 / 7900);
  assert.is(n.get('memory/node_utilization'), raw.node.memory.usageBytes / (15 * 2 ** 30));
  assert.is(n.get('memory/node_reservation'), 2 ** 30 / (15 * 2 ** 30));
  assert.is(n.get('ephemeral_storage/node_utilization'), raw.node.fs.usedBytes / 450e9);
  assert.is(b.sets.get(`node:${NODE}`)!.labels.labels, 'role:cp');
});

test('a cluster set is written even for an empty batch', () => {
  const b = processBatch({ timestamp: NOW, sets: new Map() }, undefined, objects([]));
  assert.ok(b.sets.has('cluster'));
  assert.is(b.sets.get('cluster')!.values.size, 0);
});

test('a container whose pod set is missing gets a stub pod that carries its requests', () => {
  const summary = structuredClone(raw);
  const b = batchOf(summary);
  b.sets.delete('namespace:default/pod:all-fields');
  const pods = [podInfo('all-fields', [{ name: 'container', image: 'x', requests: { cpu: 300 }, limits: {} }])];
  processBatch(b, undefined, objects(pods));
  const stub = b.sets.get('namespace:default/pod:all-fields')!;
  assert.is(stub.values.get('cpu/request'), 300);
  assert.is(b.sets.get('namespace:default')!.values.get('cpu/request'), 300);
  assert.is(stub.values.get('memory/working_set'), summary.pods[0].containers[0].memory.workingSetBytes, 'gauges summed from its container');
});

test.run();

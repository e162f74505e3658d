import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSummary } from '../../src/cluster/index.js';
import type { MetricSet } from '../../src/model/index.js';
import { fixture } from '../helpers/paths.js';

const NOW = Date.parse('2020-04-16T20:30:00Z');
const kind = () => fixture('summary/kind-v1.17-metrics-server-e2e.json');
const byKey = (sets: MetricSet[]) => new Map(sets.map((s) => [s.key, s]));
const labeled = (s: MetricSet, name: string, resourceId: string) =>
  [...s.labeled].find((l) => l.name === name && l.labels.resource_id === resourceId)?.value;

// ---
test('node metrics come straight from the node section', () => {
  const raw = kind();
  const n = raw.node;
  const set = byKey(decodeSummary(raw, { now: NOW })).get(`node:${n.nodeName}`)!;
  assert.is(set.type, 'node');
  assert.is(set.values.get('cpu/usage'), n.cpu.usageCoreNanoSeconds);
  assert.is(set.values.get('memory/usage'), n.memory.usageBytes);
  assert.is(set.values.get('memory/working_set'), n.memory.workingSetBytes);
  assert.is(set.values.get('memory/rss'), n.memory.rssBytes);
  assert.is(set.values.get('memory/page_faults'), n.memory.pageFaults);
  assert.is(set.values.get('memory/major_page_faults'), n.memory.majorPageFaults);
  assert.is(set.values.get('network/rx'), n.network.rxBytes);
  assert.is(set.values.get('network/tx'), n.network.txBytes);
  assert.is(set.values.get('ephemeral_storage/usage'), n.fs.usedBytes);
  assert.is(labeled(set, 'filesystem/usage', '/'), n.fs.usedBytes);
  assert.is(labeled(set, 'filesystem/limit', '/'), n.fs.capacityBytes);
  assert.is(labeled(set, 'filesystem/available', '/'), n.fs.availableBytes);
  assert.is(labeled(set, 'filesystem/inodes', '/'), n.fs.inodes);
  assert.is(labeled(set, 'filesystem/inodes_free', '/'), n.fs.inodesFree);
  assert.is(set.values.get('uptime'), NOW - Date.parse(n.startTime));
  assert.is(set.scrapeTime, Date.parse(n.cpu.time));
  assert.is(set.startTime, Date.parse(n.startTime));
  assert.equal(set.labels, { type: 'node', nodename: n.nodeName, hostname: n.nodeName, host_id: '' });
});

test('pod-level stats, volumes and ephemeral storage are kept; a pod without network has no scrape time', () => {
  const raw = kind();
  const p = raw.pods[0];
  const set = byKey(decodeSummary(raw, { now: NOW })).get(`namespace:default/pod:all-fields`)!;
  assert.is(set.values.get('cpu/usage'), p.cpu.usageCoreNanoSeconds);
  assert.is(set.values.get('memory/usage'), p.memory.usageBytes);
  assert.is(set.values.get('ephemeral_storage/usage'), p['ephemeral-storage'].usedBytes);
  assert.is(labeled(set, 'filesystem/usage', `Volume:${p.volume[0].name}`), p.volume[0].usedBytes);
  assert.is(set.scrapeTime, 0);
  assert.is(set.labels.pod_id, p.podRef.uid);
});

test('the next scrape of a pod gives the same keys and volume labels; a UID seen under another name does not', () => {
  const first = byKey(decodeSummary(kind(), { now: NOW }));
  const next = byKey(decodeSummary(kind(), { now: NOW }));
  const key = 'namespace:default/pod:all-fields';
  assert.equal([...next.keys()], [...first.keys()]);
  const volume = (s: MetricSet) => [...s.labeled].find((l) => l.labels.resource_id?.startsWith('Volume:'))!.labels;
  assert.is(volume(next.get(key)!), volume(first.get(key)!));
  assert.is(volume(next.get(key)!).resource_id, 'Volume:default-token-sd9l8');
  // a kubelet naming one UID differently gets the name it sends, not the one kept
  const renamed = kind();
  renamed.pods[0].podRef.name = 'renamed';
  const sets = byKey(decodeSummary(renamed, { now: NOW }));
  assert.ok(sets.has('namespace:default/pod:renamed'));
  assert.ok(sets.has('namespace:default/pod:renamed/container:container'));
  assert.not.ok(sets.has(key));
});

test('container ephemeral storage is rootfs + logs; filesystems are labeled / and logs', () => {
  const raw = kind();
  const c = raw.pods[0].containers[0];
  const set = byKey(decodeSummary(raw, { now: NOW })).get('namespace:default/pod:all-fields/container:container')!;
  assert.is(set.values.get('ephemeral_storage/usage'), c.rootfs.usedBytes + c.logs.usedBytes);
  assert.is(labeled(set, 'filesystem/usage', '/'), c.rootfs.usedBytes);
  assert.is(labeled(set, 'filesystem/usage', 'logs'), c.logs.usedBytes);
  assert.is(set.values.get('memory/working_set'), c.memory.workingSetBytes);
  assert.not.ok(set.values.has('memory/usage'), 'absent usageBytes stays absent');
});

test('absent fields stay absent and a zero CPU counter is not a sample', () => {
  const sets = byKey(decodeSummary(kind(), { now: NOW }));
  const c = (pod: string) => sets.get(`namespace:default/pod:${pod}/container:container`)!;
  assert.not.ok(c('zero usageCoreNanoSeconds').values.has('cpu/usage'));
  assert.not.ok(c('no usageCoreNanoSeconds').values.has('cpu/usage'));
  assert.not.ok(c('no CPU').values.has('cpu/usage'));
  assert.is(c('zero workingSetBytes').values.get('memory/working_set'), 0);
  assert.not.ok(c('no workingSetBytes').values.has('memory/working_set'));
  assert.not.ok(c('no memory').values.has('memory/working_set'));
  assert.is(c('no memory').values.get('cpu/usage'), 29328792);
});

test('system containers runtime and misc are renamed as Heapster did', () => {
  const raw = fixture('summary/kubeedge-edge-node.json');
  raw.node.systemContainers.push({ name: 'misc', startTime: raw.node.startTime });
  const sets = decodeSummary(raw, { now: NOW });
  const names = sets.filter((s) => s.type === 'sys_container').map((s) => s.labels.container_name).sort();
  assert.equal(names, ['docker-daemon', 'kubelet', 'pods', 'system']);
  assert.is(sets.filter((s) => s.type === 'pod').length, 0, 'pods: [] gives no pod sets');
});

test('null slices and null numbers are tolerated', () => {
  const raw = kind();
  raw.node.systemContainers = null;
  raw.node.memory.usageBytes = null;
  raw.pods[0].containers = null;
  let sets = decodeSummary(raw, { now: NOW });
  assert.not.ok(byKey(sets).get(`node:${raw.node.nodeName}`)!.values.has('memory/usage'));
  assert.is(sets.filter((s) => s.key.startsWith('namespace:default/pod:all-fields/')).length, 0);
  raw.pods = null;
  sets = decodeSummary(raw, { now: NOW });
  assert.is(sets.length, 1);
});

test('of two containers with one name, the older start time is dropped', () => {
  const raw = kind();
  const c = raw.pods[0].containers[0];
  const older = { ...c, startTime: '2020-04-16T20:00:00Z', cpu: { ...c.cpu, usageCoreNanoSeconds: 1 } };
  raw.pods[0].containers = [c, older];
  const set = byKey(decodeSummary(raw, { now: NOW })).get('namespace:default/pod:all-fields/container:container')!;
  assert.is(set.values.get('cpu/usage'), c.cpu.usageCoreNanoSeconds);
  raw.pods[0].containers = [older, c];
  const again = byKey(decodeSummary(raw, { now: NOW })).get('namespace:default/pod:all-fields/container:container')!;
  assert.is(again.values.get('cpu/usage'), c.cpu.usageCoreNanoSeconds);
});

test('kubelet rates: usageNanoCores truncated to millicores when asked', () => {
  const raw = kind();
  const set = byKey(decodeSummary(raw, { now: NOW, cpuRateFromKubelet: true })).get(`node:${raw.node.nodeName}`)!;
  assert.is(set.values.get('cpu/usage_rate'), Math.floor(raw.node.cpu.usageNanoCores / 1e6));
  const plain = byKey(decodeSummary(raw, { now: NOW })).get(`node:${raw.node.nodeName}`)!;
  assert.not.ok(plain.values.has('cpu/usage_rate'));
});

test('node hostname and host_id come from the Node object', () => {
  const raw = kind();
  const node = { name: raw.node.nodeName, hostname: 'host-a', hostId: 'i-123', labels: {}, capacity: {}, allocatable: {}, ready: true, kubeletVersion: '' };
  const set = byKey(decodeSummary(raw, { now: NOW, node })).get(`node:${raw.node.nodeName}`)!;
  assert.is(set.labels.hostname, 'host-a');
  assert.is(set.labels.host_id, 'i-123');
});

test.run();

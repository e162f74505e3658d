import { between, hex, unit } from './random.js';
import { kubeTime } from './summary.js';
import { restartCount, containerStart } from './stats.js';
import type { Fault, SimContainer, SimNode, SimPod, Workload } from './workload.js';

const GiB = 2 ** 30;

/** Kubelets with node leases post their status every 5 minutes when nothing changes. */
const NODE_STATUS_PERIOD_MS = 5 * 60_000;

/** The time of a node's last status post at `t`: what changes its object, and the watch's cue. */
export function nodeHeartbeat(n: SimNode, t: number): number {
  return n.bootMs + Math.floor(Math.max(0, t - n.bootMs) / NODE_STATUS_PERIOD_MS) * NODE_STATUS_PERIOD_MS;
}

/**
 * A node as the API server returns it at `t`. Real nodes are 10-50 KB of JSON, most of it the
 * images the kubelet reports (up to 50) and managed fields; a simulator sending only what the
 * plugin reads would flatter the node list every scrape makes.
 */
export function nodeObject(w: Workload, n: SimNode, fault: Fault | undefined, t: number): Record<string, unknown> {
  const ready = fault !== 'notready' && fault !== 'down';
  const windows = fault === 'windows';
  const os = windows ? 'windows' : 'linux';
  const zone = `sim-zone-${'abc'[n.index % 3]}`;
  const type = n.cpuCores === 8 ? 'sim.2xlarge' : 'sim.xlarge';
  const boot = kubeTime(n.bootMs);
  const id = (what: string) => hex(w.opts.seed, `${n.name}/${what}`, 32);
  const uuid = (what: string) => id(what).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  const heartbeat = kubeTime(nodeHeartbeat(n, t));
  const condition = (type: string, ok: boolean, reason: string, message: string) =>
    ({ type, status: ok ? 'True' : 'False', lastHeartbeatTime: heartbeat, lastTransitionTime: boot, reason, message });
  return {
    kind: 'Node', apiVersion: 'v1',
    metadata: {
      name: n.name, uid: `node-uid-${w.opts.seed}-${n.index}`, creationTimestamp: boot, resourceVersion: '1',
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/instance-type': type, 'beta.kubernetes.io/os': os,
        'failure-domain.beta.kubernetes.io/region': 'sim-region', 'failure-domain.beta.kubernetes.io/zone': zone,
        'kubernetes.io/hostname': n.name, 'kubernetes.io/os': os, 'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': type, 'topology.kubernetes.io/region': 'sim-region', 'topology.kubernetes.io/zone': zone,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'csi.volume.kubernetes.io/nodeid': `{"ebs.csi.sim":"i-${id('instance').slice(0, 17)}"}`,
      },
      managedFields: NODE_MANAGED_FIELDS.map((m) => ({ ...m, time: boot })),
    },
    spec: { podCIDR: `10.244.${n.index % 256}.0/24`, podCIDRs: [`10.244.${n.index % 256}.0/24`], providerID: `sim://${zone}/${n.name}` },
    status: {
      capacity: { cpu: String(n.cpuCores), memory: `${n.memBytes / 1024}Ki`, 'ephemeral-storage': `${n.fsBytes / 1024}Ki`, pods: '110', 'hugepages-2Mi': '0' },
      allocatable: {
        cpu: `${n.cpuCores * 1000 - 100}m`, memory: `${(n.memBytes - GiB) / 1024}Ki`,
        'ephemeral-storage': String(n.fsBytes - 10 * GiB), pods: '110', 'hugepages-2Mi': '0',
      },
      conditions: [
        condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', ready, ready ? 'KubeletReady' : 'KubeletNotReady', ready ? 'kubelet is posting ready status' : 'container runtime is down'),
      ],
      addresses: [{ type: 'InternalIP', address: n.ip }, { type: 'Hostname', address: n.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id('machine'), systemUUID: uuid('system'), bootID: uuid(`boot-${n.bootMs}`),
        kernelVersion: '6.1.0-sim', osImage: windows ? 'Windows Server 2022 Datacenter' : 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.20', kubeletVersion: 'v1.30.4', kubeProxyVersion: 'v1.30.4',
        operatingSystem: os, architecture: 'amd64',
      },
      images: nodeImages(w.opts.seed, n.name),
    },
  };
}

/** Which pods' images a node has pulled: about 40 of a registry of 50, each by digest and by tag. */
function nodeImages(seed: number, node: string): { names: string[]; sizeBytes: number }[] {
  const images: { names: string[]; sizeBytes: number }[] = [];
  for (let i = 0; i < 50; i++) {
    if (unit(seed, `${node}/image/${i}`) >= 0.8) continue;
    const repo = `registry.sim.example/team-${i % 8}/service-${i}`;
    images.push({ names: [`${repo}@sha256:${hex(seed, repo, 64)}`, `${repo}:v1.${i % 7}.${i % 5}`], sizeBytes: Math.round(between(seed, repo, 2e7, 9e8)) });
  }
  return images;
}

/** What the kubelet and the node controller own of a node, as server-side apply records them. */
const NODE_MANAGED_FIELDS: Record<string, unknown>[] = (() => {
  const field = (names: string[]) => Object.fromEntries([['.', {}], ...names.map((n) => [`f:${n}`, {}])]);
  const condition = field(['lastHeartbeatTime', 'lastTransitionTime', 'message', 'reason', 'status', 'type']);
  return [
    {
      manager: 'kubelet', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:annotations': field(['kubeadm.alpha.kubernetes.io/cri-socket', 'volumes.kubernetes.io/controller-managed-attach-detach']), 'f:labels': field(['beta.kubernetes.io/arch', 'beta.kubernetes.io/os', 'kubernetes.io/arch', 'kubernetes.io/hostname', 'kubernetes.io/os']) }, 'f:spec': { 'f:providerID': {} } },
    },
    { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:node.alpha.kubernetes.io/ttl': {} } }, 'f:spec': { 'f:podCIDR': {}, 'f:podCIDRs': { '.': {}, 'v:"10.244.0.0/24"': {} } } } },
    {
      manager: 'kubelet', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', subresource: 'status',
      fieldsV1: {
        'f:status': {
          'f:allocatable': field(['cpu', 'ephemeral-storage', 'hugepages-2Mi', 'memory', 'pods']), 'f:capacity': field(['cpu', 'ephemeral-storage', 'hugepages-2Mi', 'memory', 'pods']),
          'f:conditions': Object.fromEntries(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready'].map((t) => [`k:{"type":"${t}"}`, condition])),
          'f:daemonEndpoints': { 'f:kubeletEndpoint': { 'f:Port': {} } }, 'f:images': {},
          'f:nodeInfo': field(['architecture', 'bootID', 'containerRuntimeVersion', 'kernelVersion', 'kubeProxyVersion', 'kubeletVersion', 'machineID', 'operatingSystem', 'osImage', 'systemUUID']),
        },
      },
    },
  ];
})();

/**
 * A pod as the API server returns it, with what real pods carry besides what the plugin reads:
 * managed fields, annotations, env, mounts, tolerations, conditions. Real pods are 4-8 KB of JSON
 * each, and a simulator sending only the fields the plugin reads would flatter every decoder.
 */
export function podObject(p: SimPod, t: number): Record<string, unknown> {
  const o = podCore(p, t) as { metadata: Record<string, unknown>; spec: Record<string, unknown>; status: Record<string, unknown> };
  const created = kubeTime(p.startMs);
  const token = `kube-api-access-${p.uid.slice(0, 5)}`;
  const uidHex = p.uid.replace(/-/g, '');
  Object.assign(o.metadata, {
    generateName: `${p.ownerName}-`, annotations: ANNOTATIONS,
    managedFields: managedFields(p, Object.keys(o.metadata.labels as object), created),
  });
  (o.metadata.ownerReferences as Record<string, unknown>[])[0]!.blockOwnerDeletion = true;
  for (const c of o.spec.containers as Record<string, unknown>[]) {
    Object.assign(c, {
      env: ENV,
      volumeMounts: [{ name: token, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
        ...(p.hasDataVolume ? [{ name: 'data', mountPath: '/data' }] : [])],
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
    });
  }
  Object.assign(o.spec, {
    volumes: [{ name: token, projected: TOKEN_VOLUME }, ...(p.hasDataVolume ? [{ name: 'data', emptyDir: {} }] : [])],
    restartPolicy: p.ownerKind === 'Job' ? 'Never' : 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default', serviceAccount: 'default', securityContext: {},
    schedulerName: 'default-scheduler', tolerations: TOLERATIONS, priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
  });
  Object.assign(o.status, {
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']
      .map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: created })),
    hostIP: hostIp(p.node), podIPs: [{ ip: '10.244.0.1' }],
  });
  (o.status.containerStatuses as Record<string, unknown>[]).forEach((c, k) => Object.assign(c, {
    imageID: `${String(c.image)}@sha256:${uidHex}${uidHex}`,
    // a container's ID: 64 hex digits, different for each container of the pod
    containerID: `containerd://${uidHex.slice(k)}${uidHex}${uidHex.slice(0, k)}`,
  }));
  return o;
}

/**
 * How a restarted container last ended: a container with a memory limit was OOM-killed (exit 137),
 * one without exited with an error, at the instant it was started again.
 */
function lastState(p: SimPod, c: SimContainer, t: number): Record<string, unknown> {
  if (restartCount(p, c, t) === 0) return {};
  const at = containerStart(p, c, t);
  const oom = c.limits.memory !== undefined;
  return { terminated: { exitCode: oom ? 137 : 1, reason: oom ? 'OOMKilled' : 'Error', startedAt: kubeTime(at - c.restartEveryMs), finishedAt: kubeTime(at) } };
}

/** The parts of a pod the plugin reads: the archive bench builds 30,000 of these a tick and needs no more. */
export function podCore(p: SimPod, t: number): Record<string, unknown> {
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: {
      name: p.name, namespace: p.namespace, uid: p.uid, creationTimestamp: kubeTime(p.startMs), resourceVersion: '1',
      labels: podLabels(p),
      ownerReferences: [{ apiVersion: p.ownerKind === 'Job' ? 'batch/v1' : 'apps/v1', kind: p.ownerKind, name: p.ownerName, uid: `${p.uid}-owner`, controller: true }],
    },
    spec: {
      nodeName: p.node,
      containers: p.containers.map((c) => ({ name: c.name, image: c.image, resources: { requests: c.requests, ...(Object.keys(c.limits).length ? { limits: c.limits } : {}) } })),
    },
    status: {
      phase: 'Running', qosClass: 'Burstable', startTime: kubeTime(p.startMs), podIP: '10.244.0.1',
      containerStatuses: p.containers.map((c) => ({
        name: c.name, image: c.image, ready: true, started: true, restartCount: restartCount(p, c, t),
        state: { running: { startedAt: kubeTime(containerStart(p, c, t)) } },
        lastState: lastState(p, c, t),
      })),
    },
  };
}

export function podLabels(p: SimPod): Record<string, string> {
  return { app: p.app, ...(p.ownerKind === 'ReplicaSet' ? { 'pod-template-hash': p.ownerName.slice(p.app.length + 1) } : {}) };
}

/** The node's InternalIP as nodeObject gives it, from the node's number. */
function hostIp(node: string): string {
  const i = Number(/(\d+)$/.exec(node)?.[1] ?? 1) - 1;
  return `10.${(i >> 8) & 255}.${i & 255}.1`;
}

const ANNOTATIONS = { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T10:00:00Z', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' };
const ENV = [
  { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
  { name: 'LOG_LEVEL', value: 'info' },
];
const TOKEN_VOLUME = { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }], defaultMode: 420 };
const TOLERATIONS = ['not-ready', 'unreachable'].map((why) => ({ key: `node.kubernetes.io/${why}`, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));

/** What the controller that made the pod and the kubelet own of it, as server-side apply records them. */
function managedFields(p: SimPod, labelKeys: string[], created: string): Record<string, unknown>[] {
  const field = (names: string[]) => Object.fromEntries([['.', {}], ...names.map((n) => [`f:${n}`, {}])]);
  const container = field(['env', 'image', 'imagePullPolicy', 'name', 'resources', 'terminationMessagePath', 'terminationMessagePolicy', 'volumeMounts']);
  const spec = {
    'f:metadata': { 'f:generateName': {}, 'f:labels': field(labelKeys), 'f:ownerReferences': { '.': {}, [`k:{"uid":"${p.uid}-owner"}`]: {} } },
    'f:spec': {
      'f:containers': Object.fromEntries(p.containers.map((c) => [`k:{"name":"${c.name}"}`, container])),
      'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {},
      'f:volumes': Object.fromEntries([['.', {}], ...(p.hasDataVolume ? [['k:{"name":"data"}', field(['emptyDir', 'name'])]] : [])]),
    },
  };
  const status = {
    'f:status': {
      'f:conditions': Object.fromEntries(['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'Ready']
        .map((type) => [`k:{"type":"${type}"}`, field(['lastProbeTime', 'lastTransitionTime', 'status', 'type'])])),
      'f:containerStatuses': {}, 'f:hostIP': {}, 'f:hostIPs': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': { '.': {}, 'k:{"ip":"10.244.0.1"}': field(['ip']) }, 'f:startTime': {},
    },
  };
  const manager = p.ownerKind === 'Job' ? 'job-controller' : 'kube-controller-manager';
  return [
    { manager, operation: 'Update', apiVersion: 'v1', time: created, fieldsType: 'FieldsV1', fieldsV1: spec },
    { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: created, fieldsType: 'FieldsV1', fieldsV1: status, subresource: 'status' },
  ];
}

export function namespaceObject(name: string, seed: number): Record<string, unknown> {
  return { kind: 'Namespace', apiVersion: 'v1', metadata: { name, uid: `ns-${seed}-${name}`, resourceVersion: '1' }, status: { phase: 'Active' } };
}

/** Label selectors as the API server takes them: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`. */
export function matchesLabels(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  for (const term of selector.match(/[^,(]+(\([^)]*\))?/g) ?? []) {
    const s = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s))) {
      const has = m[3]!.split(',').map((v) => v.trim()).includes(labels[m[1]!] ?? '\u0000');
      if (has !== (m[2] === 'in')) return false;
    } else if ((m = /^([^!=]+)!=(.*)$/.exec(s))) {
      if (labels[m[1]!.trim()] === m[2]!.trim()) return false;
    } else if ((m = /^([^!=]+)==?(.*)$/.exec(s))) {
      if (labels[m[1]!.trim()] !== m[2]!.trim()) return false;
    } else if (s.startsWith('!')) {
      if (s.slice(1) in labels) return false;
    } else if (!(s in labels)) return false;
  }
  return true;
}

/** Field selectors on the fields the API server supports for pods (`spec.nodeName`, `metadata.name`, ...). */
export function matchesFields(fields: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term.trim());
    if (!m) return false;
    const v = fields[m[1]!] ?? '';
    return m[2] === '!=' ? v !== m[3] : v === m[3];
  });
}

/** What `kubectl get` asks for (`as=Table`): a meta.k8s.io/v1 Table of the items. */
export function toTable(items: Record<string, unknown>[], kind: string, t: number): Record<string, unknown> {
  const age = (ts: unknown) => shortAge(t - Date.parse(String(ts)));
  const col = (name: string, type = 'string') => ({ name, type, format: name === 'Name' ? 'name' : '', description: '', priority: 0 });
  const columns: Record<string, ReturnType<typeof col>[]> = {
    Node: [col('Name'), col('Status'), col('Roles'), col('Age'), col('Version')],
    Pod: [col('Name'), col('Ready'), col('Status'), col('Restarts', 'integer'), col('Age'), { ...col('Node'), priority: 1 }],
    Namespace: [col('Name'), col('Status'), col('Age')],
  };
  const rows = items.map((o) => {
    const md = o.metadata as Record<string, unknown>, st = o.status as Record<string, any>;
    const cells: Record<string, unknown[]> = {
      Node: [md.name, st.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady', '<none>', age(md.creationTimestamp), st.nodeInfo?.kubeletVersion],
      Pod: [md.name, `${st.containerStatuses?.length}/${st.containerStatuses?.length}`, st.phase,
        (st.containerStatuses ?? []).reduce((s: number, c: { restartCount: number }) => s + c.restartCount, 0), age(md.creationTimestamp), (o.spec as any)?.nodeName],
      Namespace: [md.name, 'Active', age(md.creationTimestamp ?? new Date(t - 86400_000).toISOString())],
    };
    return { cells: cells[kind], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: md } };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '1' }, columnDefinitions: columns[kind], rows };
}

function shortAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

import { kubeTime } from './summary.js';
import { restartCount, containerStart } from './stats.js';
import type { Fault, SimNode, SimPod, Workload } from './workload.js';

const GiB = 2 ** 30;

export function nodeObject(w: Workload, n: SimNode, fault: Fault | undefined): Record<string, unknown> {
  const ready = fault !== 'notready' && fault !== 'down';
  const windows = fault === 'windows';
  return {
    kind: 'Node', apiVersion: 'v1',
    metadata: {
      name: n.name, uid: `node-uid-${w.opts.seed}-${n.index}`, creationTimestamp: kubeTime(n.bootMs), resourceVersion: '1',
      labels: {
        'kubernetes.io/hostname': n.name, 'kubernetes.io/os': windows ? 'windows' : 'linux', 'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': n.cpuCores === 8 ? 'sim.2xlarge' : 'sim.xlarge',
        'topology.kubernetes.io/zone': `sim-zone-${'abc'[n.index % 3]}`,
      },
    },
    spec: { podCIDR: `10.244.${n.index % 256}.0/24` },
    status: {
      capacity: { cpu: String(n.cpuCores), memory: `${n.memBytes / 1024}Ki`, 'ephemeral-storage': `${n.fsBytes / 1024}Ki`, pods: '110' },
      allocatable: {
        cpu: `${n.cpuCores * 1000 - 100}m`, memory: `${(n.memBytes - GiB) / 1024}Ki`,
        'ephemeral-storage': String(n.fsBytes - 10 * GiB), pods: '110',
      },
      conditions: [{
        type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady',
        message: ready ? 'kubelet is posting ready status' : 'container runtime is down',
        lastHeartbeatTime: kubeTime(n.bootMs), lastTransitionTime: kubeTime(n.bootMs),
      }],
      addresses: [{ type: 'InternalIP', address: n.ip }, { type: 'Hostname', address: n.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        kubeletVersion: 'v1.30.4', kubeProxyVersion: 'v1.30.4', operatingSystem: windows ? 'windows' : 'linux',
        architecture: 'amd64', osImage: windows ? 'Windows Server 2022 Datacenter' : 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.20', kernelVersion: '6.1.0-sim',
      },
    },
  };
}

export function podObject(p: SimPod, t: number): Record<string, unknown> {
  return {
    kind: 'Pod', apiVersion: 'v1',
    metadata: {
      name: p.name, namespace: p.namespace, uid: p.uid, creationTimestamp: kubeTime(p.startMs), resourceVersion: '1',
      labels: { app: p.app, ...(p.ownerKind === 'ReplicaSet' ? { 'pod-template-hash': p.ownerName.slice(p.app.length + 1) } : {}) },
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
      })),
    },
  };
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
      Node: [md.name, st.conditions?.[0]?.status === 'True' ? 'Ready' : 'NotReady', '<none>', age(md.creationTimestamp), st.nodeInfo?.kubeletVersion],
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

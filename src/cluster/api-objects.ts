import type { ContainerSpec, NodeInfo, PodInfo, Termination } from '../model/index.js';
import { resourceAmount } from './quantity.js';

/** The parts of the core/v1 Node and Pod objects the plugin reads. */
export interface WireNode {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { externalID?: string };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
    nodeInfo?: { kubeletVersion?: string };
  };
}
interface WireContainer {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
export interface WirePod {
  metadata: {
    name: string; namespace: string; uid: string; labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  spec?: { nodeName?: string; containers?: WireContainer[] };
  status?: {
    /** RFC 3339 in JSON; milliseconds from the protobuf decoder */
    phase?: string; qosClass?: string; startTime?: string | number;
    containerStatuses?: WireContainerStatus[];
  };
}
export interface WireContainerStatus {
  name: string;
  restartCount?: number;
  /** finishedAt: RFC 3339 in JSON; milliseconds from the protobuf decoder */
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string | number } };
}
export interface WireList<T> { items?: T[] | null; metadata?: { continue?: string; resourceVersion?: string } }

export function toNodeInfo(n: WireNode): NodeInfo {
  const addresses = n.status?.addresses ?? [];
  return {
    name: n.metadata.name,
    hostname: addresses.find((a) => a.type === 'Hostname')?.address || n.metadata.name,
    hostId: n.spec?.externalID ?? '',
    labels: n.metadata.labels ?? {},
    capacity: amounts(n.status?.capacity),
    allocatable: amounts(n.status?.allocatable),
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? '',
  };
}

/** A restarted container's last end, kept so a report can say a pod was OOM-killed. */
function termination(s: WireContainerStatus | undefined): { lastTermination?: Termination } {
  const t = s?.lastState?.terminated;
  if (!t) return {};
  const at = typeof t.finishedAt === 'number' ? t.finishedAt : t.finishedAt ? Date.parse(t.finishedAt) : 0;
  return { lastTermination: { reason: shared(t.reason ?? ''), exitCode: t.exitCode ?? 0, at: Number.isFinite(at) ? at : 0 } };
}

export function toPodInfo(p: WirePod, namespaceUids?: ReadonlyMap<string, string>): PodInfo {
  const statuses = new Map((p.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const owner = p.metadata.ownerReferences?.find((o) => o.controller) ?? p.metadata.ownerReferences?.[0];
  const containers: ContainerSpec[] = (p.spec?.containers ?? []).map((c) => ({
    name: shared(c.name),
    image: shared(c.image ?? ''),
    requests: amounts(c.resources?.requests),
    limits: amounts(c.resources?.limits),
    ...(statuses.has(c.name) ? { restartCount: statuses.get(c.name)!.restartCount ?? 0 } : {}),
    ...termination(statuses.get(c.name)),
  }));
  const started = p.status?.startTime;
  const start = typeof started === 'number' ? started : started ? Date.parse(started) : NaN;
  return {
    namespace: shared(p.metadata.namespace),
    name: p.metadata.name,
    uid: p.metadata.uid,
    nodeName: shared(p.spec?.nodeName ?? ''),
    ...(namespaceUids?.has(p.metadata.namespace) ? { namespaceUid: namespaceUids.get(p.metadata.namespace)! } : {}),
    labels: p.metadata.labels ?? {},
    containers,
    phase: shared(p.status?.phase ?? ''),
    qosClass: shared(p.status?.qosClass ?? ''),
    ...(owner ? { ownerKind: shared(owner.kind), ownerName: shared(owner.name) } : {}),
    ...(Number.isNaN(start) ? {} : { startTime: start }),
  };
}

/**
 * The pods a watch keeps are read by every major garbage collection for as long as the plugin
 * runs: 30,000 pods held 300,000 strings, most of them the same few namespaces, nodes, images,
 * phases and owners. One copy of each is kept instead (the table is emptied when it grows large).
 */
const SHARED = new Map<string, string>();
function shared(s: string): string {
  const seen = SHARED.get(s);
  if (seen !== undefined) return seen;
  if (SHARED.size >= 50_000) SHARED.clear();
  SHARED.set(s, s);
  return s;
}

/** Clusters repeat a few quantities thousands of times: parse each (resource, quantity) once. */
const parsed = new Map<string, number | undefined>();
/** ...and a few requests and limits as a whole: containers that ask the same share one frozen object. */
const sharedAmounts = new Map<string, Readonly<Record<string, number>>>();
const NO_AMOUNTS: Readonly<Record<string, number>> = Object.freeze({});

function amounts(list: Record<string, string> | undefined): Readonly<Record<string, number>> {
  if (!list) return NO_AMOUNTS;
  let all = '';
  for (const r in list) all += `${r}=${list[r]}\n`;
  const seen = sharedAmounts.get(all);
  if (seen) return seen;
  const out: Record<string, number> = {};
  for (const r in list) {
    const q = list[r]!;
    const id = `${r}=${q}`;
    let v = parsed.get(id);
    if (v === undefined && !parsed.has(id)) {
      v = resourceAmount(r, q);
      if (parsed.size > 10_000) parsed.clear();
      parsed.set(id, v);
    }
    if (v !== undefined) out[r] = v;
  }
  if (sharedAmounts.size > 10_000) sharedAmounts.clear();
  sharedAmounts.set(all, Object.freeze(out));
  return out;
}

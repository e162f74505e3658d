import type { WireContainerStatus, WireList, WireNode, WirePod } from './api-objects.js';
import { ProtoReader } from './proto-reader.js';

/**
 * Kubernetes' protobuf encoding of pod and node lists, as metrics-server and client-go's informers
 * ask for them, and of the Status errors that come instead when a request fails. Real pods are 4-8
 * KB of JSON and real nodes 10-50 KB, most of it managed fields, env, volumes and (on nodes) pulled
 * images that JSON.parse must build objects for; here each of those is one skip by its length. Only
 * what `toPodInfo` and `toNodeInfo` read is decoded. Field numbers: k8s.io/api core/v1 and
 * apimachinery meta/v1 generated.proto.
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
/** protobuf first, JSON if the server cannot (a proxy or an aggregated API in the way) */
export const PROTOBUF_OR_JSON = `${PROTOBUF}, application/json`;

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** Field tags: field number << 3 | wire type (2 for strings and messages, 0 for varints). */
const F = (n: number) => n * 8 + 2;
const V = (n: number) => n * 8;

/** A PodList answer: the object inside the envelope, decoded into the JSON shapes `toPodInfo` takes. */
export const decodePodList = (body: Buffer): WireList<WirePod> => decodeList(body, 'PodList', pod);
/** A NodeList answer, decoded into the JSON shapes `toNodeInfo` takes. */
export const decodeNodeList = (body: Buffer): WireList<WireNode> => decodeList(body, 'NodeList', node);

function decodeList<T>(body: Buffer, kind: string, item: (r: ProtoReader) => T): WireList<T> {
  const { r, end } = unwrap(body, kind);
  const items: T[] = [];
  const metadata: { continue?: string; resourceVersion?: string } = {};
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(2)) items.push(item(r));
    else if (t === F(1)) listMeta(r, metadata);
    else r.skip(t);
  }
  return { items, metadata };
}

/** A `Status` error's message and reason, as the API server sends one to a protobuf client. */
export function decodeStatus(body: Buffer): { kind: 'Status'; message?: string; reason?: string; code?: number } {
  const { r, end } = unwrap(body, 'Status');
  const s: { kind: 'Status'; message?: string; reason?: string; code?: number } = { kind: 'Status' };
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(3)) s.message = r.string();
    else if (t === F(4)) s.reason = r.string();
    else if (t === V(6)) s.code = r.uint();
    else r.skip(t);
  }
  return s;
}

/** The envelope: magic, then runtime.Unknown { typeMeta = 1 { apiVersion = 1, kind = 2 }, raw = 2 }. */
function unwrap(body: Buffer, want: string): { r: ProtoReader; end: number } {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw new Error('not Kubernetes protobuf (no "k8s" prefix)');
  const r = new ProtoReader(body, 4);
  let kind = '', raw: { start: number; end: number } | undefined;
  for (let t = r.tag(body.length); t; t = r.tag(body.length)) {
    if (t === F(1)) kind = r.stringIn(2);
    else if (t === F(2)) {
      const end = r.enter();
      raw = { start: r.pos, end };
      r.pos = end;
    } else r.skip(t);
  }
  if (kind !== want) throw new Error(`expected a ${want}, got ${kind ? `a ${kind}` : 'no kind'}`);
  if (!raw) throw new Error(`the ${want} has no content`);
  r.pos = raw.start;
  return { r, end: raw.end };
}

function listMeta(r: ProtoReader, into: { continue?: string; resourceVersion?: string }): void {
  const end = r.enter();
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(2)) into.resourceVersion = r.string();
    else if (t === F(3)) into.continue = r.string();
    else r.skip(t);
  }
}

function pod(r: ProtoReader): WirePod {
  const end = r.enter();
  const p: WirePod = { metadata: { name: '', namespace: '', uid: '' }, spec: {}, status: {} };
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) objectMeta(r, p.metadata);
    else if (t === F(2)) podSpec(r, p.spec!);
    else if (t === F(3)) podStatus(r, p.status!);
    else r.skip(t);
  }
  return p;
}

function objectMeta(r: ProtoReader, m: WirePod['metadata']): void {
  const end = r.enter();
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) m.name = r.string();
    else if (t === F(3)) m.namespace = r.string();
    else if (t === F(5)) m.uid = r.string();
    else if (t === F(11)) r.entry((m.labels ??= {}));
    else if (t === F(13)) (m.ownerReferences ??= []).push(ownerReference(r));
    else r.skip(t); // managedFields (17), annotations (12), ... stepped over whole
  }
}

function node(r: ProtoReader): WireNode {
  const end = r.enter();
  const metadata = { name: '', namespace: '', uid: '' };
  const n: WireNode = { metadata, spec: {}, status: {} };
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) objectMeta(r, metadata);
    else if (t === F(2)) n.spec!.externalID = r.stringIn(2);
    else if (t === F(3)) nodeStatus(r, n.status!);
    else r.skip(t);
  }
  return n;
}

function nodeStatus(r: ProtoReader, s: NonNullable<WireNode['status']>): void {
  const end = r.enter();
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) r.quantityEntry((s.capacity ??= {}));
    else if (t === F(2)) r.quantityEntry((s.allocatable ??= {}));
    else if (t === F(4)) (s.conditions ??= []).push(pair(r, 'type', 'status'));
    else if (t === F(5)) (s.addresses ??= []).push(pair(r, 'type', 'address'));
    else if (t === F(7)) s.nodeInfo = { kubeletVersion: r.stringIn(7) };
    else r.skip(t); // images (8), the bulk of a node, stepped over whole
  }
}

/** A message's fields 1 and 2, both strings (a condition's type and status, an address's type and address). */
function pair<A extends string, B extends string>(r: ProtoReader, a: A, b: B): Record<A | B, string> {
  const end = r.enter();
  const out = { [a]: '', [b]: '' } as Record<A | B, string>;
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) out[a] = r.string();
    else if (t === F(2)) out[b] = r.string();
    else r.skip(t);
  }
  return out;
}

function ownerReference(r: ProtoReader): { kind: string; name: string; controller?: boolean } {
  const end = r.enter();
  const o: { kind: string; name: string; controller?: boolean } = { kind: '', name: '' };
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) o.kind = r.string();
    else if (t === F(3)) o.name = r.string();
    else if (t === V(6)) o.controller = r.bool();
    else r.skip(t);
  }
  return o;
}

function podSpec(r: ProtoReader, s: NonNullable<WirePod['spec']>): void {
  const end = r.enter();
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(2)) (s.containers ??= []).push(container(r));
    else if (t === F(10)) s.nodeName = r.string();
    else r.skip(t);
  }
}

type WireContainer = NonNullable<NonNullable<WirePod['spec']>['containers']>[number];

function container(r: ProtoReader): WireContainer {
  const end = r.enter();
  const c: WireContainer = { name: '' };
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) c.name = r.string();
    else if (t === F(2)) c.image = r.string();
    else if (t === F(8)) c.resources = resources(r);
    else r.skip(t);
  }
  return c;
}

function resources(r: ProtoReader): NonNullable<WireContainer['resources']> {
  const end = r.enter();
  const out: NonNullable<WireContainer['resources']> = {};
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) r.quantityEntry((out.limits ??= {}));
    else if (t === F(2)) r.quantityEntry((out.requests ??= {}));
    else r.skip(t);
  }
  return out;
}

function podStatus(r: ProtoReader, s: NonNullable<WirePod['status']>): void {
  const end = r.enter();
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) s.phase = r.string();
    else if (t === F(7)) s.startTime = r.time();
    else if (t === F(8)) (s.containerStatuses ??= []).push(containerStatus(r));
    else if (t === F(9)) s.qosClass = r.string();
    else r.skip(t);
  }
}

function containerStatus(r: ProtoReader): WireContainerStatus {
  const end = r.enter();
  const c: WireContainerStatus = { name: '' };
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t === F(1)) c.name = r.string();
    else if (t === V(5)) c.restartCount = r.uint();
    else if (t === F(3)) c.lastState = containerState(r);
    else r.skip(t);
  }
  return c;
}

/** ContainerState: only `terminated` (field 3) is read, for how a restarted container ended. */
function containerState(r: ProtoReader): NonNullable<WireContainerStatus['lastState']> {
  const end = r.enter();
  const s: NonNullable<WireContainerStatus['lastState']> = {};
  for (let t = r.tag(end); t; t = r.tag(end)) {
    if (t !== F(3)) {
      r.skip(t);
      continue;
    }
    const tEnd = r.enter();
    const term: NonNullable<typeof s.terminated> = {};
    for (let u = r.tag(tEnd); u; u = r.tag(tEnd)) {
      if (u === V(1)) term.exitCode = r.uint();
      else if (u === F(3)) term.reason = r.string();
      else if (u === F(6)) term.finishedAt = r.time();
      else r.skip(u);
    }
    s.terminated = term;
  }
  return s;
}

/**
 * Kubernetes' protobuf encoding of what the simulator serves, for clients that ask for
 * `application/vnd.kubernetes.protobuf` as client-go's informers do: the magic "k8s\0", then a
 * runtime.Unknown holding the type and the object's bytes. Field numbers are those of k8s.io/api
 * core/v1 and k8s.io/apimachinery meta/v1 generated.proto; a JSON field with no number here is an
 * error, so the two encodings of one object cannot drift apart.
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

type Scalar = 'string' | 'int' | 'bool' | 'time' | 'fields';
interface Message { [json: string]: Field }
/** [number, type]; a map is an array of {key, value} entries, an inline struct is nested under its number */
type Field = readonly [number, Scalar | Message] | readonly [number, 'map', Scalar | Message] | readonly [number, 'inline', Message];

const S = 'string', I = 'int', B = 'bool', T = 'time';
const QUANTITY: Message = { string: [1, S] };
const LIST_META: Message = { resourceVersion: [2, S], continue: [3, S] };
const OWNER: Message = { kind: [1, S], name: [3, S], uid: [4, S], apiVersion: [5, S], controller: [6, B], blockOwnerDeletion: [7, B] };
const MANAGED: Message = { manager: [1, S], operation: [2, S], apiVersion: [3, S], time: [4, T], fieldsType: [6, S], fieldsV1: [7, 'fields'], subresource: [8, S] };
const OBJECT_META: Message = {
  name: [1, S], generateName: [2, S], namespace: [3, S], uid: [5, S], resourceVersion: [6, S], creationTimestamp: [8, T],
  labels: [11, 'map', S], annotations: [12, 'map', S], ownerReferences: [13, OWNER], managedFields: [17, MANAGED],
};
const VOLUME: Message = {
  name: [1, S],
  volumeSource: [2, 'inline', {
    emptyDir: [2, {}],
    projected: [26, {
      sources: [1, { serviceAccountToken: [4, { audience: [1, S], expirationSeconds: [2, I], path: [3, S] }] }],
      defaultMode: [2, I],
    }],
  }],
};
const CONTAINER: Message = {
  name: [1, S], image: [2, S],
  env: [7, { name: [1, S], value: [2, S], valueFrom: [3, { fieldRef: [1, { apiVersion: [1, S], fieldPath: [2, S] }] }] }],
  resources: [8, { limits: [1, 'map', QUANTITY], requests: [2, 'map', QUANTITY] }],
  volumeMounts: [9, { name: [1, S], readOnly: [2, B], mountPath: [3, S] }],
  terminationMessagePath: [13, S], imagePullPolicy: [14, S], terminationMessagePolicy: [20, S],
};
const POD_SPEC: Message = {
  volumes: [1, VOLUME], containers: [2, CONTAINER], restartPolicy: [3, S], terminationGracePeriodSeconds: [4, I], dnsPolicy: [6, S],
  serviceAccountName: [8, S], serviceAccount: [9, S], nodeName: [10, S], securityContext: [14, {}], schedulerName: [19, S],
  tolerations: [22, { key: [1, S], operator: [2, S], value: [3, S], effect: [4, S], tolerationSeconds: [5, I] }],
  priority: [25, I], enableServiceLinks: [30, B], preemptionPolicy: [31, S],
};
const CONTAINER_STATE: Message = {
  waiting: [1, { reason: [1, S], message: [2, S] }],
  running: [2, { startedAt: [1, T] }],
  terminated: [3, { exitCode: [1, I], reason: [3, S], startedAt: [5, T], finishedAt: [6, T], containerID: [7, S] }],
};
const POD_STATUS: Message = {
  phase: [1, S],
  conditions: [2, { type: [1, S], status: [2, S], lastProbeTime: [3, T], lastTransitionTime: [4, T], reason: [5, S], message: [6, S] }],
  hostIP: [5, S], podIP: [6, S], startTime: [7, T],
  containerStatuses: [8, {
    name: [1, S], state: [2, CONTAINER_STATE], lastState: [3, CONTAINER_STATE], ready: [4, B], restartCount: [5, I],
    image: [6, S], imageID: [7, S], containerID: [8, S], started: [9, B],
  }],
  qosClass: [9, S], podIPs: [12, { ip: [1, S] }],
};
const POD: Message = { metadata: [1, OBJECT_META], spec: [2, POD_SPEC], status: [3, POD_STATUS] };
const NODE: Message = {
  metadata: [1, OBJECT_META],
  spec: [2, { podCIDR: [1, S], externalID: [2, S], providerID: [3, S], unschedulable: [4, B], podCIDRs: [7, S] }],
  status: [3, {
    capacity: [1, 'map', QUANTITY], allocatable: [2, 'map', QUANTITY],
    conditions: [4, { type: [1, S], status: [2, S], lastHeartbeatTime: [3, T], lastTransitionTime: [4, T], reason: [5, S], message: [6, S] }],
    addresses: [5, { type: [1, S], address: [2, S] }],
    daemonEndpoints: [6, { kubeletEndpoint: [1, { Port: [1, I] }] }],
    nodeInfo: [7, {
      machineID: [1, S], systemUUID: [2, S], bootID: [3, S], kernelVersion: [4, S], osImage: [5, S],
      containerRuntimeVersion: [6, S], kubeletVersion: [7, S], kubeProxyVersion: [8, S], operatingSystem: [9, S], architecture: [10, S],
    }],
    images: [8, { names: [1, S], sizeBytes: [2, I] }],
  }],
};
const STATUS: Message = {
  metadata: [1, LIST_META], status: [2, S], message: [3, S], reason: [4, S],
  details: [5, { name: [1, S], group: [2, S], kind: [3, S], uid: [6, S], retryAfterSeconds: [5, I] }], code: [6, I],
};
const SCHEMAS = { Pod: POD, Node: NODE, Status: STATUS };
export type ListedKind = 'Pod' | 'Node';

/** An item's bytes (without envelope), to be cached and put into lists. */
export function encodeItem(kind: ListedKind, obj: Record<string, unknown>): Buffer {
  const w = new Writer();
  fields(w, obj, SCHEMAS[kind]);
  return w.finish();
}

/** A whole list answer (a PodList, a NodeList): envelope, list metadata and items already encoded by `encodeItem`. */
export function encodeList(kind: ListedKind, meta: Record<string, unknown>, items: readonly Buffer[]): Buffer {
  const w = new Writer();
  const list = envelopeStart(w, `${kind}List`);
  const at = w.begin(1);
  message(w, meta, LIST_META);
  w.end(at);
  for (const b of items) w.bytes(2, b);
  w.end(list);
  return w.finish();
}

/** One object, or a `Status` error as the API server sends it to a protobuf client. */
export function encodeObject(kind: keyof typeof SCHEMAS, obj: Record<string, unknown>): Buffer {
  const w = new Writer();
  const raw = envelopeStart(w, kind);
  fields(w, obj, SCHEMAS[kind]);
  w.end(raw);
  return w.finish();
}

/** Whether the client prefers protobuf: the first media type it names that the server can give. */
export function wantsProtobuf(accept: string | undefined): boolean {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0]!.trim();
    if (type === PROTOBUF) return true;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return false;
  }
  return false;
}

/** Writes the magic and the Unknown's type, and opens its `raw` field (close it with `end`). */
function envelopeStart(w: Writer, kind: string): number {
  w.raw([0x6b, 0x38, 0x73, 0x00]);
  const typeMeta = w.begin(1);
  w.string(1, 'v1');
  w.string(2, kind);
  w.end(typeMeta);
  return w.begin(2);
}

/** An object's own fields: its kind and apiVersion are the envelope's (a list's items have none). */
function fields(w: Writer, obj: Record<string, unknown>, schema: Message): void {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = obj;
  message(w, rest, schema);
}

function message(w: Writer, obj: Record<string, unknown>, schema: Message): void {
  let inline: Map<number, [Message, Record<string, unknown>]> | undefined;
  for (const key in obj) {
    const value = obj[key];
    if (value === null || value === undefined) continue; // absent in protobuf, as Go's nil pointers are
    const f = schema[key];
    if (!f) {
      // a struct Go inlines in JSON (a Volume's source) is a nested message in protobuf
      const holder = Object.values(schema).find((x) => x[1] === 'inline' && (x[2] as Message)[key]);
      if (!holder) throw new Error(`the simulator has no protobuf field for "${key}"`);
      inline ??= new Map();
      const entry = inline.get(holder[0]) ?? [holder[2] as Message, {}];
      entry[1][key] = value;
      inline.set(holder[0], entry);
      continue;
    }
    const [n, type, valueType] = f as readonly [number, Scalar | Message | 'map', Scalar | Message | undefined];
    if (type === 'map') {
      for (const k in value as Record<string, unknown>) {
        const at = w.begin(n);
        w.string(1, k);
        const v = (value as Record<string, unknown>)[k];
        // the only message-valued maps are of quantities, which JSON writes as their string
        if (typeof valueType === 'string') scalar(w, 2, valueType, v);
        else {
          const q = w.begin(2);
          w.string(1, String(v));
          w.end(q);
        }
        w.end(at);
      }
    } else if (Array.isArray(value)) {
      for (const v of value) one(w, n, type, v);
    } else one(w, n, type, value);
  }
  if (inline) {
    for (const [n, [sub, values]] of inline) {
      const at = w.begin(n);
      message(w, values, sub);
      w.end(at);
    }
  }
}

function one(w: Writer, n: number, type: Scalar | Message, v: unknown): void {
  if (typeof type === 'string') return scalar(w, n, type, v);
  const at = w.begin(n);
  message(w, v as Record<string, unknown>, type);
  w.end(at);
}

function scalar(w: Writer, n: number, type: Scalar, v: unknown): void {
  switch (type) {
    case 'string': return w.string(n, String(v));
    case 'int': return w.uint(n, Number(v));
    case 'bool': return w.uint(n, v ? 1 : 0);
    case 'time': {
      const at = w.begin(n);
      w.uint(1, Math.floor(Date.parse(String(v)) / 1000));
      return w.end(at);
    }
    case 'fields': {
      // FieldsV1 holds its JSON as raw bytes (field 1)
      const at = w.begin(n);
      w.string(1, JSON.stringify(v));
      return w.end(at);
    }
  }
}

/**
 * One growing buffer. A nested message gets one byte for its length up front; a longer one moves
 * its bytes to make room, so nothing is encoded twice.
 */
class Writer {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  raw(bytes: readonly number[]): void {
    this.room(bytes.length);
    for (const b of bytes) this.buf[this.pos++] = b;
  }

  uint(n: number, v: number): void {
    this.varint(n * 8);
    this.varint(v);
  }

  string(n: number, s: string): void {
    const len = Buffer.byteLength(s);
    this.varint(n * 8 + 2);
    this.varint(len);
    this.room(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(n: number, b: Buffer): void {
    this.varint(n * 8 + 2);
    this.varint(b.length);
    this.room(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }

  /** Opens a length-delimited field; returns where its length goes. */
  begin(n: number): number {
    this.varint(n * 8 + 2);
    this.room(1);
    return this.pos++;
  }

  end(at: number): void {
    const len = this.pos - at - 1;
    const size = varintSize(len);
    if (size > 1) {
      this.room(size - 1);
      this.buf.copyWithin(at + size, at + 1, this.pos);
      this.pos += size - 1;
    }
    let p = at, v = len;
    while (v > 127) {
      this.buf[p++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[p] = v;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private varint(v: number): void {
    if (v < 0 || !Number.isSafeInteger(v)) throw new Error(`the simulator encodes no negative or huge integers (${v})`);
    this.room(8);
    while (v > 127) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

function varintSize(v: number): number {
  let size = 1;
  while (v > 127) {
    size++;
    v = Math.floor(v / 128);
  }
  return size;
}

import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { matchesFields, matchesLabels, namespaceObject, nodeHeartbeat, nodeObject, podLabels, podObject, toTable } from './objects.js';
import { restartCount } from './stats.js';
import { encodeItem, encodeList, encodeObject, PROTOBUF, wantsProtobuf, type ListedKind } from './protobuf.js';
import { buildSummary, cpuAndMemorySummary } from './summary.js';
import { METRICS_GROUP, METRICS_RESOURCES, metricsList, nodeMetrics, podMetrics } from './resource-metrics.js';
import type { Fault, SimNode, SimPod, Workload } from './workload.js';
import type { SimCerts } from './certs.js';

export interface Identity { user: string; groups: string[] }
export interface ServerOptions {
  workload: Workload;
  certs: SimCerts;
  /** bearer token → identity */
  tokens: Record<string, Identity>;
  faults: Record<string, Fault>;
  now: () => number;
  /** whether pods are served in protobuf to clients that ask for it */
  protobuf: boolean;
  /** whether metrics.k8s.io is served, as with metrics-server installed */
  metricsApi: boolean;
}
/**
 * A pod as served, until it restarts: its JSON and protobuf once asked for. The object itself is
 * made again when needed: 30,000 objects of 6 KB kept made every collection of the simulator's heap
 * mark a million more objects, and it shares the machine's two cores with the plugin.
 */
interface Encoded { json?: string; proto?: Buffer }
interface PodEntry extends Encoded { signature: string; pod: SimPod; t: number }
/** A node as served, until its next status post or fault: built and encoded once until then. */
interface NodeEntry extends Encoded { signature: string; object: Record<string, unknown>; labels: Record<string, string> }
const objectOf = (e: PodEntry) => podObject(e.pod, e.t);
export interface RequestLogEntry {
  method: string;
  path: string;
  /** the query string, `?` included, or '' */
  query: string;
  user: string;
  status: number;
  /** whether the answer was gzipped */
  gzip?: boolean;
}

const NAMESPACES = ['default', 'kube-system', 'kube-public', 'spark-cluster', 'web', 'batch', 'monitoring'];
/** What each simulated user may do; `system:masters` may do everything. */
const GRANTS: Record<string, string[]> = {
  viewer: ['list nodes', 'get nodes', 'list pods', 'get pods', 'list namespaces', 'get namespaces', 'list nodes.metrics.k8s.io', 'get nodes.metrics.k8s.io',
    'list pods.metrics.k8s.io', 'get pods.metrics.k8s.io'],
};

/** The API server of the simulated cluster: real TLS, token and client-certificate auth, Status errors. */
export class SimApiServer {
  readonly log: RequestLogEntry[] = [];
  /** a test's fault switch: the next this many pod watches answer 500, as with an unwell etcd */
  failWatches = 0;
  private server?: https.Server;
  /** tokens that expire: token → identity and when it stops working (wall clock, ms) */
  private readonly expiring = new Map<string, { who: Identity; until: number }>();

  /** Issues a token for `who` that works for `ttlMs`; tokens long expired are forgotten. */
  issueToken(who: Identity, token: string, ttlMs: number): number {
    const until = Date.now() + ttlMs;
    for (const [t, e] of this.expiring) if (e.until < Date.now() - 60_000) this.expiring.delete(t);
    this.expiring.set(token, { who, until });
    return until;
  }

  /** Serves with other certificates from now on: a CA rotation, which clients holding the old CA fail. */
  rotateCertificates(certs: SimCerts): void {
    this.o.certs = certs;
    this.server?.setSecureContext({ cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert });
    // as an API server restarted with the new certificates: open connections go, new ones handshake anew
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
  }
  private readonly hanging = new Set<ServerResponse>();
  private podCache = { at: -1, pods: [] as SimPod[] };
  private readonly podMemo = new Map<string, PodEntry>();
  private readonly nodeMemo = new Map<string, NodeEntry>();
  private readonly summaryCache = new Map<string, Buffer>();

  /** setFault's changes, in order: the faults given at start hold until a change says otherwise */
  private readonly faultChanges: { node: string; at: number; fault: Fault | undefined }[] = [];

  constructor(private readonly o: ServerOptions) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const { certs } = this.o;
    this.server = https.createServer(
      { cert: certs.server.cert, key: certs.server.key, ca: certs.ca.cert, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 30_000 },
      (req, res) => this.handle(req, res),
    );
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address() as { port: number };
    return `https://${host}:${addr.port}`;
  }

  /**
   * Builds and encodes the pods and nodes of now, as an API server's watch cache holds its objects
   * ready: the first list of 30,000 pods of 6 KB would otherwise wait seconds for the simulator, not
   * the plugin.
   */
  warm(): void {
    const t = this.o.now();
    for (const p of this.pods(t)) {
      const e = this.podEntry(p, t);
      if (this.o.protobuf) e.proto ??= encodeItem('Pod', objectOf(e));
    }
    for (const n of this.o.workload.nodes) {
      const e = this.nodeEntry(n, t);
      if (this.o.protobuf) e.proto ??= encodeItem('Node', e.object);
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // the Date header is the server's clock, as a real API server's is: here the simulator's
    res.setHeader('Date', new Date(this.o.now()).toUTCString());
    const url = new URL(req.url ?? '/', 'https://sim');
    const who = this.authenticate(req);
    const done = (status: number, body: string | Buffer, type = 'application/json') => {
      this.log.push({ method: req.method ?? '', path: url.pathname, query: url.search, user: who?.user ?? '', status });
      if (this.log.length > 100_000) this.log.splice(0, 50_000);
      // the API server gzips its own answers over 128 KiB, at level 1, for clients that accept it;
      // what it proxies from a kubelet passes as the kubelet sent it
      if (Buffer.byteLength(body) > 128 * 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && !url.pathname.includes('/proxy/')) {
        const gz = gzipSync(body, { level: 1 });
        this.log.at(-1)!.gzip = true;
        res.writeHead(status, { 'Content-Type': type, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Content-Length': gz.length });
        res.end(gz);
        return;
      }
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    // errors come in the encoding the client asked for, as the API server's do
    const status = (code: number, reason: string, message: string, details?: object) => {
      const s = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
      if (!this.o.protobuf || !wantsProtobuf(req.headers.accept)) return done(code, JSON.stringify(s));
      done(code, encodeObject('Status', s), PROTOBUF);
    };
    if (!who) return status(401, 'Unauthorized', 'Unauthorized');
    if (req.method !== 'GET') return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    try {
      const hold = () => {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
      };
      this.route(url, req, res, who, done, status, hold);
    } catch (e) {
      status(500, 'InternalError', `simulator: ${(e as Error).message}`);
    }
  }

  private authenticate(req: IncomingMessage): Identity | undefined {
    const auth = req.headers.authorization;
    if (auth) {
      if (!auth.startsWith('Bearer ')) return undefined;
      const token = auth.slice(7);
      const short = this.expiring.get(token);
      // short-lived tokens expire by the wall clock, as an EKS or bound service-account token does
      if (short) return short.until > Date.now() ? short.who : undefined;
      return this.o.tokens[token];
    }
    const sock = req.socket as TLSSocket;
    if (!sock.authorized) return undefined;
    const subject = sock.getPeerCertificate()?.subject as unknown as Record<string, string | string[]> | undefined;
    if (!subject?.CN) return undefined;
    const o = subject.O;
    return { user: String(subject.CN), groups: Array.isArray(o) ? o : o ? [o] : [] };
  }

  private allowed(who: Identity, verb: string, resource: string): boolean {
    return who.groups.includes('system:masters') || (GRANTS[who.user] ?? []).includes(`${verb} ${resource}`);
  }

  private route(
    url: URL, req: IncomingMessage, res: ServerResponse, who: Identity,
    done: (s: number, b: string | Buffer, t?: string) => void,
    status: (c: number, r: string, m: string, d?: object) => void,
    hold: () => void,
  ): void {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const t = this.o.now();
    const w = this.o.workload;
    const asTable = (req.headers.accept ?? '').includes('as=Table');
    const protobuf = this.o.protobuf && wantsProtobuf(req.headers.accept);
    const forbid = (verb: string, resource: string, name?: string) =>
      status(403, 'Forbidden', `${resource.split('/')[0]}${name ? ` "${name}"` : ''} is forbidden: User "${who.user}" cannot ${verb} resource "${resource}" in API group "" at the cluster scope`,
        { ...(name ? { name } : {}), kind: resource.split('/')[0] });
    const list = (kind: string, items: Record<string, unknown>[]) => {
      if (asTable) return done(200, JSON.stringify(toTable(items, kind, t)));
      const { page, meta } = paginate(items, url.searchParams, t);
      done(200, JSON.stringify({ kind: `${kind}List`, apiVersion: 'v1', metadata: meta, items: page }));
    };
    /** a watch, unless a test asked the next ones to fail */
    const watch = <E extends { signature: string }>(kind: ListedKind, at: (t: number) => Map<string, E>, object: (e: E) => Record<string, unknown>) => {
      if (this.failWatches > 0) {
        this.failWatches--;
        return status(500, 'InternalError', 'etcdserver: request timed out');
      }
      this.log.push({ method: 'GET', path: url.pathname, query: url.search, user: who.user, status: 200 });
      this.watchObjects(res, url.searchParams, kind, at, object);
    };
    /** a page of pods or nodes, each encoded once and kept in its entry */
    const encodedList = <E extends Encoded>(kind: ListedKind, meta: Record<string, unknown>, page: E[], object: (e: E) => Record<string, unknown>) =>
      protobuf
        ? done(200, encodeList(kind, meta, page.map((e) => (e.proto ??= encodeItem(kind, object(e))))), PROTOBUF)
        : done(200, `{"kind":"${kind}List","apiVersion":"v1","metadata":${JSON.stringify(meta)},"items":[${page.map((e) => (e.json ??= JSON.stringify(object(e)))).join(',')}]}`);
    if (p === '/version') return done(200, JSON.stringify({ major: '1', minor: '30', gitVersion: 'v1.30.4-heapster-sim', platform: 'linux/amd64' }));
    if (p === '/healthz' || p === '/readyz' || p === '/livez') return done(200, 'ok', 'text/plain');
    if (p === '/api') return done(200, JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host }] }));
    if (p === '/apis') return done(200, JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: this.o.metricsApi ? [METRICS_GROUP] : [] }));
    if (p.startsWith('/apis/metrics.k8s.io')) {
      if (!this.o.metricsApi) return status(404, 'NotFound', 'the server could not find the requested resource');
      return this.resourceMetrics(p, url, who, t, done, status);
    }
    if (p === '/api/v1') return done(200, JSON.stringify(RESOURCES));
    let m: RegExpExecArray | null;
    if (p === '/api/v1/nodes') {
      const selector = url.searchParams.get('labelSelector'), fields = url.searchParams.get('fieldSelector');
      const nodesAt = (at: number) => new Map(w.nodes.filter((n) => matchesFields({ 'metadata.name': n.name }, fields))
        .map((n) => [n.name, this.nodeEntry(n, at)] as const).filter(([, e]) => matchesLabels(e.labels, selector)));
      if (isWatch(url.searchParams)) {
        if (!this.allowed(who, 'watch', 'nodes')) return forbid('watch', 'nodes');
        return watch('Node', nodesAt, (e) => e.object);
      }
      if (!this.allowed(who, 'list', 'nodes')) return forbid('list', 'nodes');
      const at = snapshotOf(url.searchParams) ?? t;
      const nodes = [...nodesAt(at).values()];
      if (asTable) return list('Node', nodes.map((e) => e.object));
      const { page, meta } = paginate(nodes, url.searchParams, at);
      return encodedList('Node', meta, page, (e) => e.object);
    }
    if ((m = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/.exec(p))) {
      const name = decodeURIComponent(m[1]!);
      if (!this.allowed(who, 'get', 'nodes/proxy')) return forbid('get', 'nodes/proxy', name);
      const node = w.node(name);
      if (!node) return status(404, 'NotFound', `nodes "${name}" not found`, { name, kind: 'nodes' });
      const fault = this.faultAt(name, t);
      if (fault === 'down') return status(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${node.ip}:10250: connect: connection refused`);
      if (m[2] !== '/stats/summary') return done(404, '404 page not found\n', 'text/plain; charset=utf-8');
      if (fault === 'timeout') return hold();
      if (fault === 'error500') return done(500, 'Internal Error: failed to get node info: node "' + name + '" not found in cache\n', 'text/plain; charset=utf-8');
      // the kubelet's rule: one value, the exact string `true`; anything else gets the whole summary
      const only = url.searchParams.getAll('only_cpu_and_memory');
      const body = this.summary(name, t, fault === 'windows', only.length === 1 && only[0] === 'true');
      return done(200, fault === 'malformed' ? body.subarray(0, Math.floor(body.length / 2)) : body);
    }
    if ((m = /^\/api\/v1\/nodes\/([^/]+)$/.exec(p))) {
      if (!this.allowed(who, 'get', 'nodes')) return forbid('get', 'nodes', m[1]);
      const node = w.node(decodeURIComponent(m[1]!));
      if (!node) return status(404, 'NotFound', `nodes "${m[1]}" not found`);
      const object = this.nodeEntry(node, t).object;
      return protobuf ? done(200, encodeObject('Node', object), PROTOBUF) : done(200, JSON.stringify(object));
    }
    if (p === '/api/v1/namespaces') {
      if (!this.allowed(who, 'list', 'namespaces')) return forbid('list', 'namespaces');
      return list('Namespace', NAMESPACES.map((n) => namespaceObject(n, w.opts.seed)));
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p))) {
      return NAMESPACES.includes(m[1]!) ? done(200, JSON.stringify(namespaceObject(m[1]!, w.opts.seed))) : status(404, 'NotFound', `namespaces "${m[1]}" not found`);
    }
    if (p === '/api/v1/pods' || (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(p))) {
      const ns = m?.[1] ? decodeURIComponent(m[1]) : undefined;
      if (m?.[2]) {
        const pod = this.pods(t).find((x) => x.namespace === ns && x.name === decodeURIComponent(m![2]!));
        if (!this.allowed(who, 'get', 'pods')) return forbid('get', 'pods', m[2]);
        if (!pod) return status(404, 'NotFound', `pods "${m[2]}" not found`);
        const object = podObject(pod, t);
        return protobuf ? done(200, encodeObject('Pod', object), PROTOBUF) : done(200, JSON.stringify(object));
      }
      const fields = url.searchParams.get('fieldSelector'), labels = url.searchParams.get('labelSelector');
      const keep = (x: SimPod) => (!ns || x.namespace === ns) &&
        matchesFields({ 'spec.nodeName': x.node, 'metadata.name': x.name, 'metadata.namespace': x.namespace, 'status.phase': 'Running' }, fields) &&
        matchesLabels(podLabels(x), labels);
      if (isWatch(url.searchParams)) {
        if (!this.allowed(who, 'watch', 'pods')) return forbid('watch', 'pods');
        return watch('Pod', (at) => this.podStates(at, keep), objectOf);
      }
      if (!this.allowed(who, 'list', 'pods')) return forbid('list', 'pods');
      // the pages of one list are one snapshot, as the API server's are: later pages name its second
      const at = snapshotOf(url.searchParams) ?? t;
      const kept = this.pods(at).filter(keep);
      if (asTable) return list('Pod', kept.map((x) => podObject(x, at)));
      const { page: pods, meta } = paginate(kept, url.searchParams, at);
      const page = pods.map((x) => this.podEntry(x, at));
      return encodedList('Pod', meta, page, objectOf);
    }
    status(404, 'NotFound', 'the server could not find the requested resource');
  }

  /**
   * A pod or node watch as the API server streams one: newline-separated events for what changed
   * (an entry's signature), looked at each second after the resourceVersion asked for (the
   * simulator's versions are its clock's seconds), bookmarks when asked, 410 Expired for a version
   * more than five minutes old, and the stream ended after timeoutSeconds. Always JSON: the plugin
   * watches in JSON (its events are few), so the simulator does not frame protobuf watch events.
   */
  private watchObjects<E extends { signature: string }>(res: ServerResponse, q: URLSearchParams, kind: ListedKind,
    at: (t: number) => Map<string, E>, objectOf: (e: E) => Record<string, unknown>): void {
    const from = Number(q.get('resourceVersion') ?? 0) || 0;
    const timeoutS = Math.min(Number(q.get('timeoutSeconds')) || 1800, 1800);
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    this.hanging.add(res);
    const send = (type: string, object: object) => res.write(`${JSON.stringify({ type, object })}\n`);
    const versioned = (o: Record<string, unknown>, sec: number) => ({ ...o, metadata: { ...(o.metadata as object), resourceVersion: String(sec) } });
    const startSec = Math.floor(this.o.now() / 1000);
    if (from && startSec - from > 300) {
      send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${startSec})`, reason: 'Expired', code: 410 });
      res.end();
      return;
    }
    // what the watcher knows: the objects at `from`; without a version, nothing, so every one comes as ADDED
    let known = from ? at(from * 1000) : new Map<string, E>();
    let bookmarkSec = startSec;
    const tick = () => {
      const sec = Math.floor(this.o.now() / 1000);
      const current = at(this.o.now());
      for (const [uid, now] of current) {
        const before = known.get(uid);
        if (!before) send('ADDED', versioned(objectOf(now), sec));
        else if (before.signature !== now.signature) send('MODIFIED', versioned(objectOf(now), sec));
      }
      for (const [uid, before] of known) if (!current.has(uid)) send('DELETED', versioned(objectOf(before), sec));
      known = current;
      if (bookmarks && sec - bookmarkSec >= 10) {
        send('BOOKMARK', { kind, apiVersion: 'v1', metadata: { resourceVersion: String(sec) } });
        bookmarkSec = sec;
      }
    };
    tick();
    const timer = setInterval(tick, 1000);
    const end = setTimeout(() => res.end(), timeoutS * 1000);
    res.on('close', () => {
      clearInterval(timer);
      clearTimeout(end);
      this.hanging.delete(res);
    });
  }

  /** The pods a watch keeps, by uid; a MODIFIED event is sent when the signature (restart counts) changes. */
  private podStates(t: number, keep: (p: SimPod) => boolean): Map<string, PodEntry> {
    const out = new Map<string, PodEntry>();
    for (const p of this.pods(t)) if (keep(p)) out.set(p.uid, this.podEntry(p, t));
    return out;
  }

  /** Every running pod at `t`, cached for the second. */
  private pods(t: number): SimPod[] {
    const at = Math.floor(t / 1000);
    if (this.podCache.at !== at) this.podCache = { at, pods: this.o.workload.nodes.flatMap((n) => this.o.workload.podsOn(n, t)) };
    return this.podCache.pods;
  }

  /**
   * A pod's entry, kept until the pod restarts: a pod's object changes only then, and building,
   * stringifying and encoding 30,000 objects of 6 KB each per list cost the simulator seconds.
   */
  private podEntry(p: SimPod, t: number): PodEntry {
    const signature = p.containers.map((c) => restartCount(p, c, t)).join(',');
    let e = this.podMemo.get(p.uid);
    if (e?.signature !== signature) {
      if (this.podMemo.size > 3 * this.o.workload.nodes.length * this.o.workload.opts.podsPerNode) this.podMemo.clear();
      e = { signature, pod: p, t };
      this.podMemo.set(p.uid, e);
    }
    return e;
  }

  /** A node's entry at `t`, kept until its next status post or a change of its fault. */
  private nodeEntry(n: SimNode, t: number): NodeEntry {
    const fault = this.faultAt(n.name, t);
    const signature = `${fault ?? ''}@${nodeHeartbeat(n, t)}`;
    let e = this.nodeMemo.get(n.name);
    if (e?.signature !== signature) {
      const object = nodeObject(this.o.workload, n, fault, t);
      e = { signature, object, labels: (object.metadata as { labels: Record<string, string> }).labels };
      this.nodeMemo.set(n.name, e);
    }
    return e;
  }

  /**
   * Breaks a node, or mends it (`undefined`), from now on: its object changes, and watches say so.
   * The change is kept with its time, so the node as of an earlier resourceVersion (the clock's
   * seconds) is still the node of then, and a watch resumed from there is told of it.
   */
  setFault(node: string, fault: Fault | undefined): void {
    this.faultChanges.push({ node, at: this.o.now(), fault });
  }

  private faultAt(node: string, t: number): Fault | undefined {
    let fault = this.o.faults[node];
    for (const c of this.faultChanges) if (c.node === node && c.at <= t) fault = c.fault;
    return fault;
  }

  /** metrics.k8s.io: node and pod metrics from the nodes' summaries, as metrics-server builds them */
  private resourceMetrics(p: string, url: URL, who: Identity, t: number, done: (s: number, b: string) => void,
    status: (c: number, r: string, m: string, d?: object) => void): void {
    if (p === '/apis/metrics.k8s.io/v1beta1') return done(200, JSON.stringify(METRICS_RESOURCES));
    const m = /^\/apis\/metrics\.k8s\.io\/v1beta1(?:\/namespaces\/([^/]+))?\/(nodes|pods)(?:\/([^/]+))?$/.exec(p);
    if (!m || (m[1] && m[2] === 'nodes')) return status(404, 'NotFound', 'the server could not find the requested resource');
    const [, ns, resource, name] = m;
    const verb = name ? 'get' : 'list';
    if (!this.allowed(who, verb, `${resource}.metrics.k8s.io`)) {
      return status(403, 'Forbidden', `${resource}.metrics.k8s.io is forbidden: User "${who.user}" cannot ${verb} resource "${resource}" in API group "metrics.k8s.io" at the cluster scope`);
    }
    const w = this.o.workload;
    // metrics-server leaves out a node whose kubelet it could not scrape
    const healthy = w.nodes.filter((n) => ['windows', 'notready', undefined].includes(this.faultAt(n.name, t)));
    // as metrics-server up to v0.5 scraped: the kubelets' cpu and memory alone
    const summaries = () => healthy.map((n) => JSON.parse(this.summary(n.name, t, false, true).toString()));
    const selector = url.searchParams.get('labelSelector');
    if (resource === 'nodes') {
      const items = healthy.filter((n) => !name || n.name === decodeURIComponent(name))
        .map((n) => ({ n, labels: this.nodeEntry(n, t).labels })).filter((x) => matchesLabels(x.labels, selector))
        .map((x) => nodeMetrics(JSON.parse(this.summary(x.n.name, t, false, true).toString()), x.labels));
      if (name) return items[0] ? done(200, JSON.stringify(items[0])) : status(404, 'NotFound', `nodemetrics.metrics.k8s.io "${name}" not found`);
      return done(200, JSON.stringify(metricsList('NodeMetricsList', items)));
    }
    const pods = new Map(this.pods(t).map((x) => [`${x.namespace}/${x.name}`, x]));
    const items = summaries().flatMap((s) => podMetrics(s))
      .filter((x) => (!ns || x.namespace === decodeURIComponent(ns)) && (!name || x.name === decodeURIComponent(name)))
      .filter((x) => { const pod = pods.get(`${x.namespace}/${x.name}`); return !!pod && matchesLabels(podLabels(pod), selector); })
      .map((x) => x.object);
    if (name) return items[0] ? done(200, JSON.stringify(items[0])) : status(404, 'NotFound', `podmetrics.metrics.k8s.io "${name}" not found`);
    done(200, JSON.stringify(metricsList('PodMetricsList', items)));
  }

  /** Kubelets cache their stats; so does the simulator, per node and stats time. */
  private summary(name: string, t: number, windows: boolean, cpuAndMemoryOnly: boolean): Buffer {
    const node = this.o.workload.node(name)!;
    const key = `${name}@${this.o.workload.statsTime(node, t)}${cpuAndMemoryOnly ? '/cpu+memory' : ''}`;
    let body = this.summaryCache.get(key);
    if (!body) {
      if (this.summaryCache.size > 4 * this.o.workload.nodes.length) this.summaryCache.clear();
      const full = buildSummary(this.o.workload, node, t, windows);
      body = Buffer.from(JSON.stringify(cpuAndMemoryOnly ? cpuAndMemorySummary(full as Parameters<typeof cpuAndMemorySummary>[0]) : full, null, 1));
      this.summaryCache.set(key, body);
    }
    return body;
  }
}

/**
 * A page of a list, and the list metadata to send with it. The continue token carries the snapshot's
 * time and the offset; every page names the snapshot's second as its resourceVersion.
 */
function paginate<T>(items: T[], q: URLSearchParams, t: number): { page: T[]; meta: { resourceVersion: string; continue?: string } } {
  const limit = Number(q.get('limit') ?? 0);
  const offset = Number(continueToken(q)?.[1] ?? 0) || 0;
  const resourceVersion = String(Math.floor(t / 1000));
  if (!limit) return { page: items.slice(offset), meta: { resourceVersion } };
  const end = offset + limit;
  return {
    page: items.slice(offset, end),
    meta: { resourceVersion, ...(end < items.length ? { continue: Buffer.from(`${t}.${end}`).toString('base64url') } : {}) },
  };
}

/** The time of the list snapshot a continue token belongs to. */
function snapshotOf(q: URLSearchParams): number | undefined {
  const at = Number(continueToken(q)?.[0]);
  return Number.isFinite(at) && at > 0 ? at : undefined;
}

function isWatch(q: URLSearchParams): boolean {
  const watch = q.get('watch');
  return watch === '1' || watch === 'true';
}

function continueToken(q: URLSearchParams): string[] | undefined {
  const c = q.get('continue');
  return c ? Buffer.from(c, 'base64url').toString().split('.') : undefined;
}

const RESOURCES = {
  kind: 'APIResourceList', groupVersion: 'v1',
  resources: [
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] },
    { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list'], shortNames: ['no'] },
    { name: 'nodes/proxy', singularName: '', namespaced: false, kind: 'NodeProxyOptions', verbs: ['get'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
  ],
};

import { existsSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Archive, archiveDir, selectRecordings } from '../archive/index.js';
import { ApiClient, loadKubeConfig, statusError, type ApiResponse, type KubeFlags, type LoadedConfig } from '../cluster/index.js';
import { PluginError } from '../model/index.js';
import { formatBytes, formatDuration } from '../render/index.js';

export type Verdict = 'ok' | 'FAIL' | 'note';

export interface Check {
  name: string;
  verdict: Verdict;
  /** what was found */
  detail: string;
  /** the exact thing to do, on a failure or a note */
  fix?: string;
}

export interface DoctorOptions {
  kube: KubeFlags;
  archive: string | undefined;
  /** nodes whose kubelet is asked for a summary */
  sample: number;
  timeoutMs: number;
  /** the resolution a recording would use, for the disk estimate */
  resolutionMs: number;
}

const RBAC = 'apply deploy/clusterrole.yaml from the README (kubectl apply -f deploy/clusterrole.yaml), or ask the cluster admin for it';
const MAX_SKEW_MS = 5_000;

/**
 * Everything the plugin depends on, checked in the order it would meet them, each with one verdict.
 * Only GET requests go to the cluster (the watch ends itself after a second); the archive is read,
 * never changed.
 */
export async function runChecks(o: DoctorOptions, report: (c: Check) => void): Promise<void> {
  let config: LoadedConfig;
  try {
    config = await loadKubeConfig(o.kube);
    report({ name: 'kubeconfig', verdict: 'ok', detail: `context ${config.contextName || '(none: in-cluster)'}, server ${config.server}, namespace ${config.namespace}` });
  } catch (e) {
    report({ name: 'kubeconfig', verdict: 'FAIL', detail: lineOf(e), fix: 'set KUBECONFIG or --kubeconfig, and --context; `kubectl config get-contexts` lists them' });
    await archiveChecks(o, undefined, report);
    return;
  }
  let client: ApiClient | undefined;
  try {
    client = await ApiClient.create(config);
    const sampled = await serverChecks(client, o, report);
    await archiveChecks(o, sampled, report);
  } catch (e) {
    report({ name: 'api server', verdict: 'FAIL', detail: lineOf(e), fix: 'check that the cluster is up and the kubeconfig server (or --server) is right' });
    await archiveChecks(o, undefined, report);
  } finally {
    client?.close();
  }
}

/** What the kubelet probes saw, for the disk estimate: metric sets per sampled node, and the cluster's nodes. */
interface Sampled {
  setsPerNode: number;
  nodes: number;
}

async function serverChecks(client: ApiClient, o: DoctorOptions, report: (c: Check) => void): Promise<Sampled | undefined> {
  const t0 = Date.now();
  const version = await client.get('/version', o.timeoutMs);
  const t1 = Date.now();
  if (version.status === 401) {
    report({ name: 'credentials', verdict: 'FAIL', detail: lineOf(statusError(version, '/version', client.server)), fix: 'log in again (or renew the token) for this context; `kubectl auth whoami` shows who you are' });
    return undefined;
  }
  const v = version.status === 200 ? (JSON.parse(version.body) as { gitVersion?: string }).gitVersion : undefined;
  report({ name: 'api server', verdict: 'ok', detail: `${client.server} answered in ${t1 - t0} ms${v ? `, Kubernetes ${v}` : ''}` });
  if (version.date) {
    const skew = Date.parse(version.date) - (t0 + t1) / 2;
    const text = `${skew >= 0 ? 'server ahead by' : 'server behind by'} ${formatDuration(Math.abs(skew))} (its Date header is to the second)`;
    report(Math.abs(skew) > MAX_SKEW_MS
      ? { name: 'clock', verdict: 'FAIL', detail: text, fix: 'sync this machine\'s clock (timedatectl set-ntp true, or chronyc makestep): --since and live answers compare times with the cluster\'s' }
      : { name: 'clock', verdict: 'ok', detail: text });
  }
  const probe = async (name: string, p: string, why: string): Promise<ApiResponse | undefined> => {
    const r = await client.get(p, o.timeoutMs);
    if (r.status === 200) {
      report({ name, verdict: 'ok', detail: `GET ${p}` });
      return r;
    }
    report({ name, verdict: 'FAIL', detail: `GET ${p}: ${lineOf(statusError(r, p, client.server))}`, fix: r.status === 403 ? `${why}; ${RBAC}` : 'see the message; -v 6 logs the request' });
    return undefined;
  };
  const nodes = await probe('list nodes', `/api/v1/nodes?limit=${Math.max(1, o.sample)}`, 'the plugin lists nodes to know which kubelets to scrape');
  await probe('list pods', '/api/v1/pods?limit=1', 'the plugin lists pods for requests, limits, labels and restarts');
  const ns = await client.get('/api/v1/namespaces?limit=1', o.timeoutMs);
  report(ns.status === 200 ? { name: 'list namespaces', verdict: 'ok', detail: 'GET /api/v1/namespaces?limit=1' }
    : { name: 'list namespaces', verdict: 'note', detail: `optional, not granted (${ns.status}): Heapster's namespace_id label is left out`, fix: RBAC });
  await watchCheck(client, report);
  const metricsApi = await client.get('/apis/metrics.k8s.io/v1beta1/nodes?limit=1', o.timeoutMs);
  const served = metricsApi.status === 200;
  report(served ? { name: 'metrics.k8s.io', verdict: 'ok', detail: 'served: top and query --live fall back to it where kubelets are refused' }
    : { name: 'metrics.k8s.io', verdict: 'note', detail: `not served (${metricsApi.status}): no fallback when nodes/proxy is denied`, fix: 'optional: install metrics-server for it' });
  if (!nodes) return undefined;
  const items = (JSON.parse(nodes.body) as { items?: { metadata: { name: string } }[] }).items ?? [];
  if (!items.length) {
    report({ name: 'nodes/proxy', verdict: 'FAIL', detail: 'the cluster has no nodes to scrape', fix: 'check `kubectl get nodes`' });
    return undefined;
  }
  let sets = 0, answered = 0;
  for (const n of items.slice(0, Math.max(1, o.sample))) {
    const p = `/api/v1/nodes/${encodeURIComponent(n.metadata.name)}/proxy/stats/summary`;
    const start = Date.now();
    try {
      const r = await client.get(p, o.timeoutMs);
      const ms = Date.now() - start;
      if (r.status === 200) {
        report({ name: `kubelet ${n.metadata.name}`, verdict: 'ok', detail: `summary in ${ms} ms, ${formatBytes(Buffer.byteLength(r.body))}` });
        const summary = JSON.parse(r.body) as { pods?: { containers?: unknown[] }[] };
        sets += 1 + (summary.pods ?? []).reduce((x, p) => x + 1 + (p.containers?.length ?? 0), 0);
        answered++;
        continue;
      }
      if (r.status === 403) {
        // one permission for every node: asking the others would print the same line again
        report({ name: 'nodes/proxy', verdict: 'FAIL', detail: `GET ${p}: ${lineOf(statusError(r, p, client.server))}`,
          fix: `the plugin needs get on nodes/proxy; ${RBAC}${served ? ' (meanwhile top and query --live fall back to metrics.k8s.io for cpu and memory)' : ''}` });
        break;
      }
      report({ name: `kubelet ${n.metadata.name}`, verdict: 'FAIL', detail: `GET ${p}: ${lineOf(statusError(r, p, client.server))}`,
        fix: 'the node may be down or its kubelet unwell: `kubectl describe node` shows its conditions' });
    } catch (e) {
      report({ name: `kubelet ${n.metadata.name}`, verdict: 'FAIL', detail: `${lineOf(e)} after ${Date.now() - start} ms`, fix: 'the node may be down or unreachable from the API server: `kubectl describe node`; --node-timeout gives it longer' });
    }
  }
  if (!answered) return undefined;
  // the node count, for scaling the sample: the list probed above was cut at --sample
  const list = (JSON.parse(nodes.body) as { metadata?: { remainingItemCount?: number } }).metadata;
  const total = items.length + (list?.remainingItemCount ?? 0);
  return { setsPerNode: sets / answered, nodes: list?.remainingItemCount !== undefined || items.length < Math.max(1, o.sample) ? total : await countNodes(client, o, total) };
}

async function countNodes(client: ApiClient, o: DoctorOptions, fallback: number): Promise<number> {
  const r = await client.get('/api/v1/nodes', o.timeoutMs).catch(() => undefined);
  return r?.status === 200 ? ((JSON.parse(r.body) as { items?: unknown[] }).items ?? []).length : fallback;
}

/** A pod watch that the server ends after one second, as the recorder's would run for half an hour. */
async function watchCheck(client: ApiClient, report: (c: Check) => void): Promise<void> {
  const p = '/api/v1/pods?watch=true&timeoutSeconds=1&limit=1';
  try {
    let events = 0;
    await client.watch(p, 10_000, () => events++).done;
    report({ name: 'watch pods', verdict: 'ok', detail: `GET ${p} (${events} events, ended by the server after 1s)` });
  } catch (e) {
    const forbidden = e instanceof PluginError && e.code === 'forbidden';
    report(forbidden
      ? { name: 'watch pods', verdict: 'note', detail: `optional, not granted: ${lineOf(e)}`, fix: `record lists pods every tick instead of watching; ${RBAC}` }
      : { name: 'watch pods', verdict: 'FAIL', detail: lineOf(e), fix: 'a proxy or load balancer in front of the API server may cut long requests' });
  }
}

async function archiveChecks(o: DoctorOptions, sampled: Sampled | undefined, report: (c: Check) => void): Promise<void> {
  const dir = archiveDir(o.archive);
  let rate: { bytesPerDay: number; from: string } | undefined;
  if (!existsSync(dir)) {
    report({ name: 'archive', verdict: 'ok', detail: `${dir} does not exist yet: record creates it, private (0700)` });
  } else if (!Archive.exists(dir)) {
    report({ name: 'archive', verdict: 'FAIL', detail: `${dir} is a folder but not an archive (no catalog or marker): the plugin will not write into it`, fix: 'pass --archive with an empty or new folder' });
    return;
  } else {
    const mode = statSync(dir).mode & 0o777;
    report((mode & 0o077) === 0 ? { name: 'archive folder', verdict: 'ok', detail: `${dir}, mode ${mode.toString(8)}` }
      : { name: 'archive folder', verdict: 'FAIL', detail: `${dir} is mode ${mode.toString(8)}: others can read the cluster's data`, fix: `chmod 700 ${dir}` });
    try {
      const archive = await Archive.open(dir, false, { notice: () => {}, reconcile: false });
      const recs = await archive.catalog(true, (con) => selectRecordings(con));
      const files = await archive.allSnapshots();
      const missing = files.filter((s) => !existsSync(path.join(dir, s.file)));
      report(missing.length ? { name: 'catalog', verdict: 'FAIL', detail: `${missing.length} of ${files.length} files in the catalog are missing (e.g. ${missing[0]!.file})`, fix: 'kubectl heapster archive repair' }
        : { name: 'catalog', verdict: 'ok', detail: `${recs.length} recordings, ${files.length} files, all present` });
      const last = recs.filter((r) => r.ticks > 0 && r.bytes > 0).sort((a, b) => b.startedAt - a.startedAt)[0];
      if (last) rate = { bytesPerDay: (last.bytes / last.ticks) * (86_400_000 / last.resolutionMs), from: `recording ${last.name}'s ${formatBytes(last.bytes / last.ticks)} a tick at ${formatDuration(last.resolutionMs)}` };
    } catch (e) {
      report({ name: 'catalog', verdict: 'FAIL', detail: lineOf(e), fix: 'kubectl heapster archive repair --rebuild' });
    }
  }
  // before anything is recorded: about 25 metrics for each node, pod and container the sampled
  // kubelets reported, scaled to every node, at the 1.25 bytes a sample compacted files take on the bench
  if (!rate && sampled) {
    rate = { bytesPerDay: sampled.setsPerNode * sampled.nodes * 25 * 1.25 * (86_400_000 / o.resolutionMs), from: `estimated for ${sampled.nodes} nodes at ${formatDuration(o.resolutionMs)}` };
  }
  let probe = dir;
  while (!existsSync(probe)) probe = path.dirname(probe);
  const fs = statfsSync(probe);
  const free = fs.bavail * fs.bsize;
  const days = rate ? free / rate.bytesPerDay : undefined;
  const text = `${formatBytes(free)} free at ${probe}${rate && days !== undefined ? `: ${days >= 365 ? 'over a year' : formatDuration(days * 86_400_000)} of recording at ${formatBytes(rate.bytesPerDay)} a day (${rate.from})` : ''}`;
  report(days !== undefined && days < 1 ? { name: 'disk space', verdict: 'FAIL', detail: text, fix: 'free space, prune old recordings (kubectl heapster archive prune --older-than 7d), or record at a coarser --resolution' }
    : { name: 'disk space', verdict: 'ok', detail: text });
}

function lineOf(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

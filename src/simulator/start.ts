import { randomBytes } from 'node:crypto';
import { SimApiServer } from './api-server.js';
import { generateCerts, type SimCerts } from './certs.js';
import { simKubeconfig } from './kubeconfig.js';
import { RotatingCredentials } from './rotating-credentials.js';
import { Workload, type Fault } from './workload.js';

export interface SimulatorOptions {
  seed?: number;
  nodes?: number;
  podsPerNode?: number;
  /** ms; default: the start of the current hour */
  epoch?: number;
  faults?: Record<string, Fault>;
  now?: () => number;
  port?: number;
  host?: string;
  /** false: pods only in JSON, as behind a proxy or an API that does not speak protobuf (default true) */
  protobuf?: boolean;
  /**
   * short-lived credentials: tokens valid this long (ms), kept in `credentialsDir` for the kubeconfig's
   * `heapster-sim-exec` and `heapster-sim-tokenfile` contexts, which trust the CA file there
   */
  tokenTtlMs?: number;
  credentialsDir?: string;
  /** false: no metrics.k8s.io, as a cluster without metrics-server (default true) */
  metricsApi?: boolean;
}

export interface Simulator {
  url: string;
  kubeconfig: string;
  workload: Workload;
  server: SimApiServer;
  certs: SimCerts;
  adminToken: string;
  viewerToken: string;
  /** with tokenTtlMs: the rotating token and CA, and their switches */
  rotating?: RotatingCredentials;
  close(): Promise<void>;
}

/** Starts a simulated cluster's API server on loopback and returns how to reach it. */
export async function startSimulator(o: SimulatorOptions = {}): Promise<Simulator> {
  const now = o.now ?? Date.now;
  const workload = new Workload({
    seed: o.seed ?? 1,
    nodes: o.nodes ?? 3,
    podsPerNode: o.podsPerNode ?? 10,
    epoch: o.epoch ?? Math.floor(now() / 3600_000) * 3600_000,
  });
  const certs = await generateCerts({ admin: ['system:masters'], viewer: [] });
  const adminToken = randomBytes(16).toString('hex');
  const viewerToken = randomBytes(16).toString('hex');
  const server = new SimApiServer({
    workload, certs, now, faults: o.faults ?? {}, protobuf: o.protobuf ?? true, metricsApi: o.metricsApi ?? true,
    tokens: { [adminToken]: { user: 'admin', groups: ['system:masters'] }, [viewerToken]: { user: 'viewer', groups: [] } },
  });
  server.warm();
  const url = await server.listen(o.port ?? 0, o.host ?? '127.0.0.1');
  const rotating = o.tokenTtlMs !== undefined && o.credentialsDir ? new RotatingCredentials(server, o.credentialsDir, o.tokenTtlMs, certs) : undefined;
  return {
    url, workload, server, certs, adminToken, viewerToken, ...(rotating ? { rotating } : {}),
    kubeconfig: simKubeconfig(url, certs, { adminToken, viewerToken }, rotating && { dir: rotating.dir, caFile: rotating.caPath, tokenFile: rotating.tokenPath, helper: rotating.helperPath, node: process.execPath }),
    close: async () => {
      rotating?.close();
      await server.close();
    },
  };
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LoadedConfig } from './load-kubeconfig.js';

/**
 * A stable name for a cluster from its API server URL and CA, not the context name, so two
 * contexts for one cluster share an archive and two clusters with one context name do not.
 */
export function clusterIdentity(cfg: Pick<LoadedConfig, 'server' | 'cluster'>): string {
  const url = new URL(cfg.server);
  let ca = cfg.cluster.caData ?? '';
  if (!ca && cfg.cluster.caFile) {
    try {
      ca = readFileSync(cfg.cluster.caFile, 'utf8');
    } catch {
      ca = cfg.cluster.caFile;
    }
  }
  const digest = createHash('sha256').update(`${url.origin}\n${ca}`).digest('hex').slice(0, 8);
  const host = url.hostname.replace(/[^a-zA-Z0-9.-]/g, '-');
  return `${host}-${url.port || (url.protocol === 'http:' ? '80' : '443')}-${digest}`;
}

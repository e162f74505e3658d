import { PluginError } from '../model/index.js';
import { statusError, type ApiClient } from './api-client.js';
import type { SummaryGetter } from './scrape.js';

/**
 * Reads `/stats/summary` through the API server's node proxy (`GET /api/v1/nodes/NAME/proxy/stats/summary`).
 * `cpuAndMemoryOnly` asks the kubelet for its cpu and memory alone (`?only_cpu_and_memory=true`, as
 * metrics-server up to v0.5 asked): no filesystems, volumes or network, two fifths of the bytes
 * to send, parse and decode. A kubelet that does not know the parameter sends the whole summary.
 */
export class ProxySummaryGetter implements SummaryGetter {
  constructor(private readonly client: ApiClient, private readonly cpuAndMemoryOnly = false) {}

  async getSummary(node: string, timeoutMs: number): Promise<string> {
    const path = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary${this.cpuAndMemoryOnly ? '?only_cpu_and_memory=true' : ''}`;
    const res = await this.client.get(path, timeoutMs);
    if (res.status === 200) return res.body;
    if (res.status === 503) {
      throw new PluginError('unreachable', `the API server cannot reach the kubelet (503)`);
    }
    const err = statusError(res, path, this.client.server);
    // a kubelet's own refusal is plain text: the API server's identity, not the user's, was refused
    if (res.status === 403 && err.code !== 'forbidden') throw new PluginError('http', `the kubelet refused the API server (403): ${err.message}`);
    throw err;
  }
}

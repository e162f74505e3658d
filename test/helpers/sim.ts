import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

export interface TestSim extends Simulator {
  kubeconfigPath: string;
  clock: { t: number };
  /** a node's summary exactly as the simulator serves it, read over HTTPS with the admin token */
  rawSummary(node: string): Promise<any>;
}

/** A simulator on loopback whose clock stands still unless the test moves it. */
export async function testSim(o: SimulatorOptions = {}): Promise<TestSim> {
  const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 30) };
  const sim = await startSimulator({ seed: 7, nodes: 3, podsPerNode: 6, now: () => clock.t, epoch: Date.UTC(2026, 10, 26, 11), ...o });
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-sim-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, sim.kubeconfig, { mode: 0o600 });
  const rawSummary = (node: string) => getJson(sim, `/api/v1/nodes/${node}/proxy/stats/summary`);
  return Object.assign(sim, { kubeconfigPath, clock, rawSummary });
}

export function getJson(sim: Simulator, p: string, token = sim.adminToken): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${sim.url}${p}`, { ca: sim.certs.ca.cert, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new Error(`${res.statusCode}: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
  });
}

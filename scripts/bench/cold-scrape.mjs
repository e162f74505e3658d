// One full scrape in a fresh process, as `query --live` and record's first tick run it: the JIT cold,
// the heap small, no socket open. Prints its figures as one JSON line for scrape.mjs.
import { ApiClient, collectBatch, loadKubeConfig } from '../../dist/cluster/index.js';
import { processBatch } from '../../dist/model/index.js';

const client = await ApiClient.create(await loadKubeConfig({ kubeconfig: process.argv[2] }, {}), { maxSockets: 64 });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const got = await collectBatch(client, { resolutionMs: 60_000, now: Date.now, concurrency: 0, nodeTimeoutMs: 10_000, requestTimeoutMs: 30_000, jitterMs: 0 });
processBatch(got.batch, undefined, got.objects);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
client.close();
console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wall, ok: got.nodesOk, failed: got.failures.length }));

// Issue 4: the REST API on the 24-hour benchmark archive, 16 concurrent clients on loopback.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { RUN, RUN_FLAGS } from './run-flags.mjs';

const iso = (ms) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

async function load(url, clients, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const one = () => new Promise((resolve) => {
    const t0 = performance.now();
    http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) errors++;
        latencies.push(performance.now() - t0);
        resolve();
      });
    }).on('error', () => (errors++, resolve()));
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < until) await one();
  }));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN, p50: latencies[Math.floor(latencies.length / 2)] ?? NaN, errors };
}

export async function serveBench(archiveDir, ns, end) {
  const child = spawn(process.execPath, [...RUN_FLAGS, RUN, 'serve', '--archive', archiveDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  try {
    const model = `${base}/api/v1/model/namespaces/${ns}/metrics/memory/usage?start=${iso(end - 15 * 60_000)}`;
    const agg = `${base}/api/v1/historical/namespaces/${ns}/metrics-aggregated/95-perc/cpu/usage_rate?start=${iso(end - 24 * 3_600_000)}&bucket=1h`;
    // the first answer to a URL is computed; repeats come from the cache until a batch arrives
    const uncached = async (url) => {
      const t = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await fetch(`${url}&uncached=${i}`).then((r) => r.text());
        t.push(performance.now() - t0);
      }
      return t.sort((x, y) => x - y)[2];
    };
    const coldModel = await uncached(model), coldAgg = await uncached(agg);
    const a = await load(model, 16, 10);
    const b = await load(agg, 16, 10);
    return [
      ['serve: model memory/usage last 15 min, requests/s (16 clients)', Math.round(a.rps), '≥ 2,000'],
      ['serve: model route p99 ms (p50)', `${a.p99.toFixed(1)} (${a.p50.toFixed(1)})`, '< 50 ms'],
      ['serve: 24 h metrics-aggregated p95 by 1h, requests/s', Math.round(b.rps)],
      ['serve: aggregated route p99 ms (p50)', `${b.p99.toFixed(1)} (${b.p50.toFixed(1)})`],
      ['serve: model route, an uncached answer ms', coldModel.toFixed(0)],
      ['serve: aggregated route, an uncached answer ms', coldAgg.toFixed(0)],
      ['serve: errors', a.errors + b.errors],
    ];
  } finally {
    child.kill('SIGTERM');
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real server the tests started on loopback, in a folder of its own. */
export interface RunningServer {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}: ${log().slice(-2000)}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms: ${log().slice(-2000)}`);
}

function start(cmd: string, args: string[], dir: string): { child: ChildProcess; log: () => string } {
  let out = '';
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  return { child, log: () => out };
}

const stopper = (child: ChildProcess) => () => new Promise<void>((resolve) => {
  if (child.exitCode !== null) return resolve();
  child.once('exit', () => resolve());
  child.kill('SIGTERM');
});

/**
 * InfluxDB 1.x from Debian's `influxdb` package; `auth`: with auth-enabled, as production servers
 * run; `again`: the same server started again (its port and data), after `stop`.
 */
export async function startInflux(o: { auth?: boolean; again?: RunningServer } = {}): Promise<RunningServer> {
  const dir = o.again?.dir ?? mkdtempSync(path.join(tmpdir(), 'kh-influx-'));
  const [port, rpc] = o.again ? [o.again.port, await freePort()] : [await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'influxdb.conf'), `reporting-disabled = true
bind-address = "127.0.0.1:${rpc}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${port}"
  auth-enabled = ${o.auth ? 'true' : 'false'}
  log-enabled = false
[continuous_queries]
  enabled = false
`);
  const { child, log } = start('influxd', ['-config', path.join(dir, 'influxdb.conf')], dir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/ping`, child, log);
  return { url, port, dir, stop: stopper(child) };
}

/** Prometheus 2.42 from Debian's `prometheus` package, taking remote writes; `dir`: one whose `data` already holds blocks. */
export async function startPrometheus(o: { dir?: string } = {}): Promise<RunningServer> {
  const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), 'kh-prom-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const { child, log } = start('prometheus', [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=3650d'], dir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ready`, child, log);
  return { url, port, dir, stop: stopper(child) };
}

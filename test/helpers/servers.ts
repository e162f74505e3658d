import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** A stop that also removes the server's folder, for servers no test starts again. */
const removing = (stop: () => Promise<void>, dir: string) => async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
};

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
  # a 1,000-node batch is some 2 million series; the default limit of a million refuses the rest
  max-series-per-database = 0
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

/**
 * Prometheus 2.42 from Debian's `prometheus` package, taking remote writes; `dir`: one whose `data`
 * already holds blocks, left where it is; else a folder of its own, removed when it stops.
 */
export async function startPrometheus(o: { dir?: string } = {}): Promise<RunningServer> {
  const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), 'kh-prom-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const { child, log } = start('prometheus', [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=3650d'], dir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ready`, child, log);
  return { url, port, dir, stop: o.dir ? stopper(child) : removing(stopper(child), dir) };
}

/**
 * carbon-cache from Debian's `graphite-carbon`, its TCP and UDP line receivers on one port, whisper
 * files in its own folder. The schema keeps a point a minute for `since` and two days more (the
 * packaged one keeps a day at full resolution, and the simulator's clock may be older), and creates
 * every new series at once (the packaged MAX_CREATES_PER_MINUTE of 50 would hold most of a batch
 * back). Whisper files are full size from the start, so they are made sparse: a ten-year schema
 * preallocated filled a 250 GB disk with a few hundred series.
 */
export async function startCarbon(since: number): Promise<RunningServer & { whisper: string }> {
  const days = Math.ceil((Date.now() - since) / 86_400_000) + 2;
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-carbon-'));
  const [port, pickle, query] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'carbon.conf'), `[cache]
STORAGE_DIR = ${dir}/
LOCAL_DATA_DIR = ${dir}/whisper/
WHISPER_DIR = ${dir}/whisper/
LOG_DIR = ${dir}/log/
PID_DIR = ${dir}/
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${port}
ENABLE_UDP_LISTENER = True
UDP_RECEIVER_INTERFACE = 127.0.0.1
UDP_RECEIVER_PORT = ${port}
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${query}
LOG_UPDATES = False
LOG_CREATES = False
LOG_LISTENER_CONNECTIONS = False
WHISPER_AUTOFLUSH = True
WHISPER_SPARSE_CREATE = True
WHISPER_FALLOCATE_CREATE = False
`);
  writeFileSync(path.join(dir, 'storage-schemas.conf'), `[everything]\npattern = .*\nretentions = 60s:${days}d\n`);
  const { child, log } = start('carbon-cache', [`--config=${dir}/carbon.conf`, '--nodaemon', `--pidfile=${dir}/carbon.pid`, '--logfile=-', 'start'], dir);
  // the line receiver takes connections once it is up
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`carbon-cache exited ${child.exitCode}: ${log().slice(-2000)}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() - t0 > 30_000) throw new Error(`carbon-cache did not listen on ${port}: ${log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `tcp://127.0.0.1:${port}`, port, dir, whisper: path.join(dir, 'whisper'), stop: removing(stopper(child), dir) };
}

/**
 * VictoriaMetrics from Debian's `victoria-metrics`: remote write and PromQL on `url`, OpenTSDB's
 * HTTP /api/put on `opentsdbUrl`, Graphite's plaintext protocol on `graphiteUrl` (TCP). Kept for 100 years (the default month refuses older samples), and
 * answering for the time asked rather than 30 s before it, uncached, so a test reads what it wrote.
 */
export async function startVictoria(): Promise<RunningServer & { opentsdbUrl: string; graphiteUrl: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kh-vm-'));
  const [port, tsdb, graphite] = [await freePort(), await freePort(), await freePort()];
  const { child, log } = start('victoria-metrics', [`-storageDataPath=${dir}/data`, `-httpListenAddr=127.0.0.1:${port}`, `-opentsdbHTTPListenAddr=127.0.0.1:${tsdb}`,
    `-graphiteListenAddr=127.0.0.1:${graphite}`,
    '-retentionPeriod=100y', '-search.latencyOffset=0s', '-search.disableCache'], dir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, child, log);
  return { url, port, dir, opentsdbUrl: `http://127.0.0.1:${tsdb}`, graphiteUrl: `tcp://127.0.0.1:${graphite}`, stop: removing(stopper(child), dir) };
}

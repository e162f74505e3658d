// `serve --prometheus` over an archive as its own process, started as kubectl would run the plugin:
// what the benches ask beside a real Prometheus.
import { spawn } from 'node:child_process';
import { RUN, RUN_FLAGS } from './run-flags.mjs';

/** Starts the server on a free port; resolves with its URL once it says it listens. */
export function startServe(archiveDir) {
  const child = spawn(process.execPath, [...RUN_FLAGS, RUN, 'serve', '--archive', archiveDir, '--port', '0', '--prometheus'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, KUBECONFIG: '' } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

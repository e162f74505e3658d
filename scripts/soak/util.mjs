// What the soak's parts share: running the plugin as a process, and waiting.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RUN = path.join(ROOT, 'bin/run.js');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** Runs the plugin to its end (killed after `timeoutMs`): exit code, signal, output. */
export function runPlugin(args, env, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    // 'close', not 'exit': the output may still be in the pipes when the process has exited
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut: signal === 'SIGKILL' });
    });
  });
}

/**
 * Starts the plugin and returns the child with its output so far, for a kill at a chosen moment.
 * `nodeFlags`: Node's flags for it (the benchmarks give it those of the bin's shebang).
 */
export function startPlugin(args, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, RUN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  return { child, out, exited };
}

/** The environment a plugin process gets: no colours, no kubeconfig but the one given. */
export function pluginEnv(extra = {}) {
  const { KUBECONFIG: _k, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1', ...extra };
}

/** A line of an agent's stack trace, as a crash prints it. */
export const STACK = /\n\s+at \S+ \(|\n\s+at (file|node):|internal error/;

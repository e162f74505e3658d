import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A private HOME and a PATH folder holding `kubectl-heapster` and `kubectl_complete-heapster`, so
 * the real kubectl finds the plugin and its completion.
 */
export function pluginEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(tmpdir(), 'kh-home-'));
  const bin = path.join(home, 'bin');
  mkdirSync(bin);
  if (!existsSync(path.join(bin, 'kubectl-heapster'))) symlinkSync(path.join(ROOT, 'bin/run.js'), path.join(bin, 'kubectl-heapster'));
  symlinkSync(path.join(ROOT, 'bin/complete.js'), path.join(bin, 'kubectl_complete-heapster'));
  return { ...process.env, HOME: home, PATH: `${bin}${path.delimiter}${process.env.PATH}`, NO_COLOR: '1', KUBECONFIG: '', ...extra };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The built CLI, as `node bin/run.js ...`. */
export const cli = (args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number) =>
  run(process.execPath, [path.join(ROOT, 'bin/run.js'), ...args], env, timeoutMs);

/** The real kubectl binary, which finds `kubectl-heapster` on PATH. */
export const kubectl = (args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number) => run('kubectl', args, env, timeoutMs);

// A recording into a file system that fills up: one clear line, the recording interrupted, and
// everything written before readable and verifying clean once there is room again.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runPlugin, STACK } from './util.mjs';

export async function diskFullSoak({ dir, env }) {
  // a small tmpfs inside the soak's own folder; mounting needs root, as here and on CI
  const mnt = path.join(dir, 'small-disk');
  mkdirSync(mnt, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1500k', 'tmpfs', mnt]).status !== 0) return { skipped: 'cannot mount a tmpfs (not root?)' };
  try {
    const archive = path.join(mnt, 'archive');
    const r = await runPlugin(['record', '--archive', archive, '--resolution', '1s', '--for', '60s', '--name', 'full'], env, 90_000);
    const clear = r.code === 1 && /^error: cannot write \S+: no space left on the device; /m.test(r.stderr) && !STACK.test(r.stderr);
    spawnSync('mount', ['-o', 'remount,size=64m', mnt]);
    const ls = await runPlugin(['archive', 'ls', '--archive', archive, '-o', 'json'], env);
    const rec = JSON.parse(ls.stdout || '{"items":[]}').items[0] ?? {};
    const verify = await runPlugin(['archive', 'verify', '--archive', archive], env);
    const q = await runPlugin(['query', 'cluster', 'memory/usage', '--archive', archive, '-o', 'json'], env);
    const points = q.code === 0 ? JSON.parse(q.stdout).metrics.length : -1;
    return { clear, ticks: rec.ticks ?? 0, status: rec.status, verifyOk: verify.code === 0 && /^ok: /.test(verify.stdout), intact: points === rec.ticks, line: r.stderr.trim().split('\n').at(-1) };
  } finally {
    spawnSync('umount', [mnt]);
  }
}

// The recorder's resident memory, sampled while it records: it should stay flat after a warm-up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep, startPlugin } from './util.mjs';

const rssMb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

/**
 * Starts `record` (at 1 s unless told) and returns a stop() that ends it and reports its RSS samples:
 * after warm-up, at the end, the peak after warm-up and over the whole run, MB/min after warm-up.
 */
export function rssSoak({ dir, env, resolution = '1s', nodeFlags = [] }) {
  const p = startPlugin(['record', '--archive', path.join(dir, 'rss-archive'), '--resolution', resolution, '--name', 'rss'], env, nodeFlags);
  const samples = [];
  const started = Date.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push({ t: (Date.now() - started) / 1000, mb: rssMb(p.child.pid) });
      await sleep(5000);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    p.child.kill('SIGINT');
    const { code } = await p.exited;
    const seconds = (Date.now() - started) / 1000;
    // warm-up: the first third, at most two minutes
    const warm = Math.min(120, seconds / 3);
    const after = samples.filter((s) => s.t >= warm && s.mb > 0);
    const first = after[0]?.mb ?? 0, last = after.at(-1)?.mb ?? 0, peak = Math.max(0, ...after.map((s) => s.mb));
    const minutes = after.length > 1 ? (after.at(-1).t - after[0].t) / 60 : 0;
    return {
      minutes: seconds / 60, warmMb: first, lastMb: last, peakMb: peak, peakEverMb: Math.max(0, ...samples.map((s) => s.mb)),
      mbPerMin: minutes ? (last - first) / minutes : 0, exit: code, stderr: p.out.stderr,
    };
  };
}

// Times the built CLI as a user runs it: a fresh process each time, so "warm" means warm OS caches.
import { spawnSync } from 'node:child_process';
import { RUN, RUN_FLAGS } from './run-flags.mjs';

export async function timeCli(args, env, runs = 5) {
  return timeCommand(process.execPath, [...RUN_FLAGS, RUN, ...args], env, runs);
}

/** Any command the same way (the real kubectl beside the plugin): first run, median of the rest, peak RSS. */
export async function timeCommand(cmd, args, env, runs = 5) {
  const times = [];
  let rssMb = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    rssMb = Math.max(rssMb, Number(r.stderr.trim().split('\n').at(-1)) / 1024);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  return { coldMs: times[0], warmMs: warm.length ? warm[Math.floor(warm.length / 2)] : times[0], rssMb };
}

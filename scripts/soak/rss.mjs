// The recorder's resident memory, sampled while it records: it should stay flat after a warm-up.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep, startPlugin } from './util.mjs';

/** VmRSS and its parts (RssAnon: heaps and every allocator; RssFile: mapped code, DuckDB's library), MB */
const rssOf = (pid) => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
    return { mb: kb('VmRSS'), anonMb: kb('RssAnon'), fileMb: kb('RssFile') };
  } catch {
    return { mb: 0, anonMb: 0, fileMb: 0 };
  }
};

/**
 * Starts `record` (at 1 s unless told) and returns a stop() that ends it and reports its RSS samples:
 * after warm-up, at the end, the peak after warm-up and over the whole run, MB/min after warm-up.
 * `heapProbe` (a file the recorder's --import of ../bench/heap-probe.mjs writes) adds what made up
 * the peak: V8's heap and ArrayBuffers as the probe last saw them before it, the rest from /proc.
 */
export function rssSoak({ dir, env, resolution = '1s', nodeFlags = [], heapProbe }) {
  const p = startPlugin(['record', '--archive', path.join(dir, 'rss-archive'), '--resolution', resolution, '--name', 'rss'], env, nodeFlags);
  const samples = [];
  const started = Date.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      samples.push({ t: (Date.now() - started) / 1000, at: Date.now(), ...rssOf(p.child.pid) });
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
      ...(heapProbe ? { atPeak: partsAtPeak(samples, heapProbe) } : {}),
    };
  };
}

/** The peak sample's RSS in parts: V8's heap (committed), ArrayBuffers, other anonymous memory, mapped files. */
function partsAtPeak(samples, heapProbe) {
  const peak = samples.reduce((a, b) => (b.mb > a.mb ? b : a), { mb: 0, anonMb: 0, fileMb: 0, at: 0 });
  let probes = [];
  try {
    probes = readFileSync(heapProbe, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  } catch {
    return undefined;
  }
  const seen = probes.filter((x) => x.at <= peak.at).at(-1) ?? probes[0];
  if (!seen) return undefined;
  const heapMb = seen.heap / 2 ** 20, buffersMb = seen.arrayBuffers / 2 ** 20;
  return { rssMb: peak.mb, heapMb, heapUsedMb: seen.heapUsed / 2 ** 20, buffersMb, otherAnonMb: Math.max(0, peak.anonMb - heapMb - buffersMb), fileMb: peak.fileMb };
}

// The machine's own speed on the three things the plugin's figures rest on, so figures taken on
// different days can be told apart from changes in the code. On 2026-12-05 the build that had
// measured 0.775 ms CPU per node for a watched scrape on 2026-11-27 measured 1.73 here, beside the
// current build's 1.68 in the same hour: the machine, not the code, had slowed down.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timeCommand } from './time-cli.mjs';

const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/summary/kind-v1.17-metrics-server-e2e.json', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** JSON.parse of a real kubelet summary, MB a second: most of a scrape's CPU is parsing such text. */
function parseRate() {
  const text = readFileSync(FIXTURE, 'utf8');
  const rates = [];
  for (let run = 0; run < 7; run++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 100) {
      JSON.parse(text);
      n++;
    }
    rates.push((n * text.length) / 1e6 / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

/**
 * Microseconds to allocate and fill a fresh 256 KB array. V8 maps a new page range for each (its
 * large-object space), so this is mostly the cost of first touching memory: on 2026-12-05 ~1 ms here,
 * against ~0.1 ms for the same bytes as 8 KB arrays, which the young generation's pages hold.
 */
function freshMemoryUs() {
  const runs = [];
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) new Array(1 << 15).fill(NaN);
    runs.push(((performance.now() - t0) * 1000) / 20);
  }
  return median(runs);
}

export async function machineBench() {
  const node = await timeCommand(process.execPath, ['-e', '0'], process.env, 8);
  return [
    ['machine: node -e 0, whole process, median ms (the floor of every start-up figure)', node.warmMs.toFixed(0)],
    ['machine: JSON.parse of a kubelet summary, MB/s (median of 7)', parseRate().toFixed(0)],
    ['machine: a fresh 256 KB array, allocated and filled, µs (median of 7)', freshMemoryUs().toFixed(0)],
  ];
}

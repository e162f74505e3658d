// Fuzzed command lines, each with at least one thing wrong: the answer must be one clear line and a
// non-zero exit, never a stack trace, a crash or a hang. Everything written goes under `dir`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pick, runPlugin, STACK } from './util.mjs';

const GARBAGE = ['', ' ', '-', '--', '%%%', '\u0001', 'a\nb', '☃', '../../x', '0', '-1', '1e309', '99999999999999999999', 'NaN', 'null', '{}', "'", '"', '\\', 'x'.repeat(3000)];
const DURATIONS = ['', '0s', 'abc', '-5m', '99999999999999999999d', '1x', 'now', '5'];
const TIMES = ['', 'yesterday-ish', '2026-13-45T99:00:00Z', '+275760-09-14T00:00:00Z', '99999999999999999999d', 'tomorrow'];
const TARGETS = ['namespaces/', 'pods/a/b/c/d/e', '%%%', 'ns//pods', 'nodes/☃/x', 'cluster/extra', 'namespaces/web/pods/p/containers/c/x', 'pod-list'];

/** One invocation that must fail: a command, its usual arguments, and one to three wrong ones. */
function invocation(dir, archive) {
  const out = path.join(dir, `o-${Math.random().toString(36).slice(2)}`);
  const bad = [
    () => ['--no-such-flag'],
    () => ['--since', pick(DURATIONS.filter((d) => d !== '5'))],
    () => ['--start', pick(TIMES)],
    () => ['-o', pick(['yaml', 'xml', '', 'tablee'])],
    () => ['--concurrency', pick(['-1', 'x', '1.5'])],
    () => ['--archive', path.join(dir, 'a-file')],
    () => ['-l', pick(['!!!', '==', 'a in (', '(', ','])],
    () => ['--start', '-1h', '--end', '-2h'],
  ];
  const commands = [
    () => ['query', pick(TARGETS), '--archive', archive],
    () => ['query', 'namespaces', pick(['no/such/metric', 'memory/nope', '☃']), '--archive', archive],
    () => ['export', '--archive', archive, '--output', `${out}${pick(['.parquet', '.csv', '', '.xyz'])}`, '--format', pick(['parquet', 'csv', 'yaml', ''])],
    () => ['archive', pick(['ls', 'info', 'compact', 'prune', 'verify', 'repair']), '--archive', archive],
    () => ['archive', 'info', pick(GARBAGE), '--archive', archive],
    () => ['record', '--archive', path.join(dir, 'rec'), '--resolution', pick(['0s', '500ms', 'abc', '']), '--for', '2s'],
    () => ['record', '--archive', path.join(dir, 'rec'), '--for', pick(DURATIONS)],
    () => ['record', '--archive', path.join(dir, 'a-file'), '--for', '2s'],
    () => ['serve', '--archive', archive, '--port', pick(['-1', '70000', 'x'])],
    () => ['serve', '--archive', archive, '--address', '0.0.0.0', '--port', '0'],
    () => ['serve', '--archive', archive, '--port', '0', '--at', pick(TIMES)],
    () => ['simulate', '--nodes', pick(['0', '-3', 'x', '999999'])],
    () => ['simulate', '--fault', pick(['node-01', 'x=y', 'node-99=timeout', '=timeout'])],
    () => [pick(['qeury', 'top', 'ns/web', 'recrod', '☃', 'archive:ls'])],
    () => ['metrics', pick(['-o', '--output']), pick(['yaml', '', 'x'])],
  ];
  const args = pick(commands)();
  // and one or two flags or values that are wrong for any command, on top of whatever its own part got wrong
  for (let k = 0, n = 1 + Math.floor(Math.random() * 2); k < n; k++) args.push(...pick(bad)());
  return args;
}

export async function fuzzCli({ dir, env, count, archive, parallel = 4, log }) {
  const work = path.join(dir, 'fuzz-cli');
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'a-file'), 'not an archive');
  const out = { runs: 0, stackTraces: 0, crashes: 0, exitZero: 0, hangs: 0, manyLines: 0, notes: [] };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const args = invocation(work, archive);
      const r = await runPlugin(args, env, 30_000);
      out.runs++;
      const shown = JSON.stringify(args).slice(0, 200);
      if (r.timedOut) {
        out.hangs++;
        out.notes.push(`hang: ${shown}`);
      } else if (r.signal || (r.code !== 1 && r.code !== 2 && r.code !== 0)) {
        out.crashes++;
        out.notes.push(`crash (${r.signal ?? r.code}): ${shown}`);
      } else if (r.code === 0) {
        out.exitZero++;
        out.notes.push(`exit 0: ${shown}`);
      }
      if (STACK.test(r.stderr)) {
        out.stackTraces++;
        out.notes.push(`stack: ${shown}: ${r.stderr.slice(0, 200)}`);
      }
      if (r.code !== 0 && r.stderr.split('\n').filter((l) => l.startsWith('error:')).length !== 1) {
        out.manyLines++;
        out.notes.push(`not one error line: ${shown}: ${r.stderr.slice(0, 200)}`);
      }
      if (out.runs % 100 === 0) log(`cli fuzz: ${out.runs}/${count}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

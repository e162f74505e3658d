#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=64 --heap-growing-percent=200
// Two malloc arenas, not glibc's 8 per core: DuckDB's and Node's threads each took one, and the
// memory freed in one arena is not reused by the others. A 20-node recorder at 1 s held ~20 MB less
// (in process, 326-337 against 347-364 MB), with ingest and an 8-hour export as fast within noise.
// A larger young generation: a scrape allocates ~100 MB of short-lived JSON per 1,000 nodes, and
// with the default semi-space too much of it is promoted and collected again. Measured again on
// 2026-12-06 (watched scrape of 1,000 nodes, CPU per node / peak RSS): 64 MB 1.70 ms / 925 MB,
// 32 MB 2.17 / 1,150, V8's default 16 MB 2.42 / 1,111. Its price is at small clusters: a 20-node
// recorder at 1 s holds ~70 MB more (two full semi-spaces), 313-324 against 247-252 MB.
// A fixed old-generation growth of 3x the live heap: V8 sizes the next limit from how fast the
// program allocated lately, and after the idle seconds between `record`'s scrapes it chose ~1.3x,
// so a 1,000-node scrape then ran two to four full collections back to back. At 3x there is one
// every third scrape. The heap stays proportional to the cluster (at most ~3x what it holds).
// The old generation starts at V8's default size. With --initial-old-space-size=600 (no full
// collection before 600 MB: a fifth less CPU for a one-shot 1,000-node `query --live`) a 20-node
// recorder at 1 s went 416 → 439 MB in three minutes and kept growing, its garbage uncollected;
// without it, 380-410 MB over five minutes and no longer growing (issue 18, `npm run bench -- recorder`).
const args = process.argv.slice(2);
// --version and help pages without loading oclif, which is most of a start-up (~150 of ~250 ms here):
// `kubectl version --client` and kubectl's help are what users compare these with
const fast = await import('../dist/cli/static-help.js').catch(() => undefined);
const page = fast?.fastAnswer(args, new URL('../', import.meta.url));
if (page !== undefined) {
  process.stdout.write(page);
} else {
  // oclif bundled with the commands, which must extend its Command class (scripts/bundle-app.mjs)
  const { execute } = await import('../dist/app/cli/execute.js');
  await execute({ dir: import.meta.url });
}

#!/usr/bin/env -S node --max-semi-space-size=64 --heap-growing-percent=200
// A larger young generation: a scrape allocates ~100 MB of short-lived JSON per 1,000 nodes, and
// with the default semi-space too much of it is promoted and collected again (about 25% less CPU).
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

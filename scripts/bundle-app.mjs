#!/usr/bin/env node
// Part of `npm run build`, after tsc: dist/app/, the commands oclif runs, bundled. Loaded as tsc
// leaves them, a command is ~140 of our modules and ~180 of @duckdb/node-api's, each resolved,
// read and linked one by one: ~170 ms of an archived `query` before it did anything, and the
// DuckDB package as many again. Bundled, each command is one file importing a few shared chunks
// (esbuild's code splitting), DuckDB a chunk of its own loaded on first use (issue 18).
// The tree under dist/ stays as tsc made it, for scripts and benches that import modules; the
// chunks sit one level under dist/, as every module tsc emits does, so that a path such as
// '../vendor/kube-client.js' means the same file from both.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'app');

const entries = [path.join(DIST, 'cli/command-not-found.js'), path.join(DIST, 'cli/execute.js')];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) walk(path.join(dir, e.name));
    else if (e.name.endsWith('.js')) entries.push(path.join(dir, e.name));
  }
})(path.join(DIST, 'commands'));

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: OUT,
  outbase: DIST,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'inline',
  // oclif is bundled too: loaded from node_modules it was ~160 CommonJS modules, each resolved,
  // read and compiled, ~100 ms of every command's start-up; bundled and minified, ~55 ms. bin/run.js
  // takes execute() from dist/app/cli/execute.js, so the commands extend the Command class of the
  // oclif that runs them. TypeScript is oclif's only for commands written in it, which these are
  // not. The DuckDB bindings load a native library. client-node is only the fallback when
  // dist/vendor is missing.
  external: ['typescript', '@duckdb/node-bindings', '@kubernetes/client-node', 'snappy'],
  minifyWhitespace: true,
  minifySyntax: true,
  // CommonJS dependencies call require() for Node's own modules
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
});

#!/usr/bin/env node
// npm run krew: the krew archive for linux/amd64 and plugins/heapster.yaml with its sha256.
//   node scripts/krew.mjs [--out DIR] [--manifest FILE] [--release-url URL]
// The archive holds the packed package with its production dependencies installed (DuckDB's binary
// is per platform, so an archive is built on the platform it is for), a launcher named as krew's
// `bin`, and the LICENSE krew's index asks for.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const out = path.resolve(arg('--out', path.join(ROOT, 'release')));
const manifest = path.resolve(arg('--manifest', path.join(ROOT, 'plugins', 'heapster.yaml')));
const releaseUrl = arg('--release-url', `https://github.com/kubectl-heapster/kubectl-heapster/releases/download/v${pkg.version}`);
const PLATFORMS = { linux: 'linux', darwin: 'darwin' };
const ARCHES = { x64: 'amd64', arm64: 'arm64' };
const os = PLATFORMS[process.platform], arch = ARCHES[process.arch];
if (!os || !arch) throw new Error(`no krew archive for ${process.platform}/${process.arch}`);

const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
};

mkdirSync(out, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'kh-krew-'));
const tgz = run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').at(-1);
const stage = path.join(work, 'stage');
mkdirSync(stage);
run('tar', ['xzf', path.join(work, tgz), '-C', stage], ROOT);
// the bundled Kubernetes client stays as packed; the rest is installed for this platform
run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], path.join(stage, 'package'));
copyFileSync(path.join(ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
// krew links `bin` into ~/.krew/bin: the launcher finds the package beside its real path. It runs
// bin/run.js itself, not `node bin/run.js`: the Node flags and malloc setting of its shebang are
// part of the plugin's speed and memory (a krew install ran without them)
chmodSync(path.join(stage, 'package/bin/run.js'), 0o755);
writeFileSync(path.join(stage, 'kubectl-heapster'), '#!/bin/sh\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/package/bin/run.js" "$@"\n');
chmodSync(path.join(stage, 'kubectl-heapster'), 0o755);
const name = `kubectl-heapster-${os}-${arch}.tar.gz`;
const archive = path.join(out, name);
run('tar', ['czf', archive, '--owner=0', '--group=0', '-C', stage, ...readdirSync(stage).sort()], ROOT);
const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');

mkdirSync(path.dirname(manifest), { recursive: true });
writeFileSync(manifest, `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: heapster
spec:
  version: v${pkg.version}
  homepage: https://github.com/kubectl-heapster/kubectl-heapster
  shortDescription: Heapster's metrics and history, from the kubelets
  description: |
    Scrapes every kubelet's Summary API through the API server's node proxy with
    your kubeconfig, turns it into Heapster's metric model, and answers live or
    from a local archive: top with history, query, record, export to Parquet,
    Heapster's REST API, and an HTML incident report. Installs nothing in the
    cluster; needs list nodes, list pods and get nodes/proxy.
  caveats: |
    This plugin runs on Node.js ${pkg.engines.node.replace('>=', '')} or later, which must be on PATH as \`node\`.
    Check what it needs of the cluster with:
      kubectl heapster doctor
  platforms:
    - selector:
        matchLabels:
          os: ${os}
          arch: ${arch}
      uri: ${releaseUrl}/${name}
      sha256: ${sha256}
      files:
        - from: "*"
          to: "."
      bin: kubectl-heapster
`);
process.stdout.write(`${archive}\n${manifest} (sha256 ${sha256})\n`);

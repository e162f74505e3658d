#!/usr/bin/env node
// Part of `npm run build`: dist/vendor/kube-client.js, the parts of @kubernetes/client-node the plugin
// calls (KubeConfig: kubeconfig loading and its auth providers; js-yaml's load) in one file. Two
// modules are left out, each replaced by a stub that throws if ever called: the generated API
// (`gen/index.js`, needed only by makeApiClient) and undici (needed only by the fetch agents of that
// API). Nothing else of client-node changes. See src/cluster/kube-client.ts.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const refuse = (what) => `throw new Error('kubectl-heapster bundles no ${what}');`;
const STUBS = {
  'generated-api': `export class ServerConfiguration { constructor() { ${refuse('generated-api')} } }
export function createConfiguration() { ${refuse('generated-api')} }`,
  undici: `export class Agent { constructor() { ${refuse('undici')} } }
export class ProxyAgent extends Agent {}`,
};

await build({
  stdin: {
    contents: "export { KubeConfig } from '@kubernetes/client-node/dist/config.js';\nexport { load as loadYaml } from 'js-yaml';\n",
    resolveDir: ROOT,
    sourcefile: 'kube-client-entry.js',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: path.join(ROOT, 'dist/vendor/kube-client.js'),
  logLevel: 'warning',
  legalComments: 'inline',
  // CommonJS dependencies (debug, socks) call require() for Node's own modules
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  plugins: [{
    name: 'stubs',
    setup(b) {
      b.onResolve({ filter: /\/gen\/index\.js$/ }, () => ({ path: 'generated-api', namespace: 'stub' }));
      b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({ contents: STUBS[a.path], loader: 'js' }));
    },
  }],
});

import type { SimCerts } from './certs.js';

export interface SimCredentials {
  adminToken: string;
  viewerToken: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Where the short-lived credentials live, for the contexts that use them. */
export interface RotatingFiles {
  dir: string;
  caFile: string;
  tokenFile: string;
  helper: string;
  /** the node binary that runs the exec helper */
  node: string;
}

/**
 * A kubeconfig for the simulated cluster with three contexts: `heapster-sim` (admin by token),
 * `heapster-sim-cert` (admin by client certificate) and `heapster-sim-viewer` (no nodes/proxy); with
 * rotating credentials two more, `heapster-sim-exec` (an exec credential plugin issuing short-lived
 * tokens) and `heapster-sim-tokenfile` (a token file rotated in place), both trusting the CA file.
 */
export function simKubeconfig(server: string, certs: SimCerts, creds: SimCredentials, rotating?: RotatingFiles): string {
  const ctx = (name: string, user: string, cluster = 'heapster-sim') => `- name: ${name}\n  context:\n    cluster: ${cluster}\n    user: ${user}\n`;
  return `apiVersion: v1
kind: Config
clusters:
- name: heapster-sim
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(certs.ca.cert)}
${rotating ? `- name: heapster-sim-cafile
  cluster:
    server: ${server}
    certificate-authority: ${rotating.caFile}
` : ''}users:
- name: sim-admin
  user:
    token: ${creds.adminToken}
- name: sim-admin-cert
  user:
    client-certificate-data: ${b64(certs.clients.admin!.cert)}
    client-key-data: ${b64(certs.clients.admin!.key)}
- name: sim-viewer
  user:
    token: ${creds.viewerToken}
${rotating ? `- name: sim-exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${rotating.node}
      args: [${rotating.helper}]
      interactiveMode: Never
- name: sim-tokenfile
  user:
    tokenFile: ${rotating.tokenFile}
` : ''}contexts:
${ctx('heapster-sim', 'sim-admin')}${ctx('heapster-sim-cert', 'sim-admin-cert')}${ctx('heapster-sim-viewer', 'sim-viewer')}${rotating ? ctx('heapster-sim-exec', 'sim-exec', 'heapster-sim-cafile') + ctx('heapster-sim-tokenfile', 'sim-tokenfile', 'heapster-sim-cafile') : ''}current-context: heapster-sim
`;
}

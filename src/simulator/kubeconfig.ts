import type { SimCerts } from './certs.js';

export interface SimCredentials {
  adminToken: string;
  viewerToken: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * A kubeconfig for the simulated cluster with three contexts: `heapster-sim` (admin by token),
 * `heapster-sim-cert` (admin by client certificate) and `heapster-sim-viewer` (no nodes/proxy).
 */
export function simKubeconfig(server: string, certs: SimCerts, creds: SimCredentials): string {
  const ctx = (name: string, user: string) => `- name: ${name}\n  context:\n    cluster: heapster-sim\n    user: ${user}\n`;
  return `apiVersion: v1
kind: Config
clusters:
- name: heapster-sim
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(certs.ca.cert)}
users:
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
contexts:
${ctx('heapster-sim', 'sim-admin')}${ctx('heapster-sim-cert', 'sim-admin-cert')}${ctx('heapster-sim-viewer', 'sim-viewer')}current-context: heapster-sim
`;
}

import { Flags } from '@oclif/core';
import type { KubeFlags } from '../cluster/index.js';
import { parseDuration } from '../query/index.js';

const G = 'KUBECTL';

/** kubectl's global flags, parsed by the plugin since kubectl passes argv through untouched. */
export const kubeFlags = {
  kubeconfig: Flags.string({ description: 'path to the kubeconfig file to use', helpGroup: G }),
  context: Flags.string({ description: 'the kubeconfig context to use', helpGroup: G }),
  cluster: Flags.string({ description: 'the kubeconfig cluster to use', helpGroup: G }),
  user: Flags.string({ description: 'the kubeconfig user to use', helpGroup: G }),
  server: Flags.string({ char: 's', description: 'the address and port of the Kubernetes API server', helpGroup: G }),
  token: Flags.string({ description: 'bearer token for authentication to the API server', helpGroup: G }),
  as: Flags.string({ description: 'username to impersonate for the operation', helpGroup: G }),
  'as-group': Flags.string({ description: 'group to impersonate; repeat for several', multiple: true, helpGroup: G }),
  'certificate-authority': Flags.string({ description: 'path to a cert file for the certificate authority', helpGroup: G }),
  'client-certificate': Flags.string({ description: 'path to a client certificate file for TLS', helpGroup: G }),
  'client-key': Flags.string({ description: 'path to a client key file for TLS', helpGroup: G }),
  'insecure-skip-tls-verify': Flags.boolean({ description: "don't check the server's certificate (insecure)", helpGroup: G }),
  'tls-server-name': Flags.string({ description: 'server name to use for server certificate validation', helpGroup: G }),
  'disable-compression': Flags.boolean({ description: 'ask the API server not to compress large lists (less CPU on fast networks, more bytes on slow ones)', helpGroup: G }),
  'request-timeout': Flags.string({ description: 'how long to wait for a single API request (0: no timeout)', default: '0', helpGroup: G }),
  v: Flags.integer({ char: 'v', description: 'log level: 6 logs each API request, 8 its response size too; 6 and above print stack traces with errors', default: 0, helpGroup: G }),
};

export const scopeFlags = {
  namespace: Flags.string({ char: 'n', description: 'the namespace for pod targets (default: the context namespace)', helpGroup: G }),
  'all-namespaces': Flags.boolean({ char: 'A', description: 'pods of every namespace', helpGroup: G }),
  selector: Flags.string({ char: 'l', description: 'label selector for pods (e.g. app=web)', helpGroup: G }),
};

export type ParsedKubeFlags = {
  kubeconfig?: string; context?: string; cluster?: string; user?: string; server?: string; token?: string;
  as?: string; 'as-group'?: string[]; 'certificate-authority'?: string; 'client-certificate'?: string;
  'client-key'?: string; 'insecure-skip-tls-verify'?: boolean; 'tls-server-name'?: string; 'request-timeout'?: string;
  'disable-compression'?: boolean;
};

export function toKubeFlags(f: ParsedKubeFlags): KubeFlags {
  const t = f['request-timeout'];
  return {
    kubeconfig: f.kubeconfig, context: f.context, cluster: f.cluster, user: f.user, server: f.server, token: f.token,
    as: f.as, asGroup: f['as-group'], certificateAuthority: f['certificate-authority'],
    clientCertificate: f['client-certificate'], clientKey: f['client-key'],
    insecureSkipTlsVerify: f['insecure-skip-tls-verify'], tlsServerName: f['tls-server-name'], disableCompression: f['disable-compression'],
    requestTimeoutMs: !t || t === '0' ? 0 : /^\d+$/.test(t) ? Number(t) * 1000 : parseDuration(t, '--request-timeout'),
  };
}

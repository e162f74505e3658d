import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { PluginError } from '../model/index.js';
import { kubeClient, type KubeClient } from './kube-client.js';
import type { KubeFlags } from './kube-flags.js';

export interface LoadedConfig {
  kc: KubeConfig;
  contextName: string;
  /** the context's namespace, else `default` */
  namespace: string;
  server: string;
  cluster: Cluster;
  impersonate: { user?: string; groups: string[] };
  /** true: responses are asked for uncompressed */
  disableCompression: boolean;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A cluster entry with kubectl's `disable-compression` (1.26 and later), which client-node does not keep. */
type ClusterEntry = Cluster & { disableCompression?: boolean };

/**
 * Loads credentials with kubectl's rules, not client-node's defaults: `--kubeconfig` is one file;
 * else the files of $KUBECONFIG merged with the first to set a value winning (missing files skipped);
 * else ~/.kube/config; else, in a pod, the service account. Then kubectl's flags override.
 * `root` is where the service account folder is looked for (tests); a pod's is at `/`.
 */
export async function loadKubeConfig(flags: KubeFlags, env: NodeJS.ProcessEnv = process.env, root = ''): Promise<LoadedConfig> {
  const k8s = await kubeClient();
  const files = kubeconfigFiles(flags, env);
  let merged: KubeConfig;
  if (files.length > 0) {
    merged = mergeFirstWins(files.map((f) => readOne(k8s, f)), k8s);
  } else if (flags.server) {
    merged = new k8s.KubeConfig();
    merged.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(path.join(root, SA_DIR, 'token'))) {
    // `root` prefixes the service account folder, so tests can stand in for a pod's filesystem
    merged = new k8s.KubeConfig();
    merged.loadFromCluster(root);
  } else {
    throw new PluginError('config', 'no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config)',
      'pass --kubeconfig FILE, or --server URL with --token, or try `kubectl heapster simulate`');
  }
  return applyFlags(merged, flags, k8s);
}

function kubeconfigFiles(flags: KubeFlags, env: NodeJS.ProcessEnv): string[] {
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig)) {
      throw new PluginError('config', `the kubeconfig ${flags.kubeconfig} does not exist`, 'check the --kubeconfig path');
    }
    return [flags.kubeconfig];
  }
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter((f) => f && existsSync(f));
  const home = path.join(env.HOME || homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

type K8s = KubeClient;

function readOne(k8s: K8s, file: string): KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new PluginError('config', `cannot read the kubeconfig ${file}: ${(e as Error).message.split('\n')[0]}`, 'fix or remove that file');
  }
  // client-node drops a cluster's `disable-compression`: read it from the file itself
  const raw = k8s.loadYaml(readFileSync(file, 'utf8')) as { clusters?: { name?: string; cluster?: Record<string, unknown> }[]; users?: { name?: string; user?: Record<string, unknown> }[] } | null;
  for (const c of kc.clusters as ClusterEntry[]) {
    if (raw?.clusters?.find((r) => r.name === c.name)?.cluster?.['disable-compression'] === true) c.disableCompression = true;
  }
  const dir = path.dirname(path.resolve(file));
  // and a user's `tokenFile`, which kubectl reads (and reads again as it rotates): client-node's own
  // token-file reader takes it as the in-cluster service account's, relative to the kubeconfig's folder
  kc.users = kc.users.map((u) => {
    const tokenFile = raw?.users?.find((r) => r.name === u.name)?.user?.tokenFile;
    if (typeof tokenFile !== 'string' || u.token || u.exec || u.authProvider) return u;
    return { ...u, authProvider: { name: 'tokenFile', config: { tokenFile: path.resolve(dir, tokenFile) } } };
  });
  // kubectl resolves a relative exec command that names a path from the kubeconfig's folder
  for (const u of kc.users) {
    const cmd = u.exec?.command;
    if (cmd && !path.isAbsolute(cmd) && cmd.includes(path.sep)) u.exec.command = path.resolve(dir, cmd);
  }
  return kc;
}

function mergeFirstWins(configs: KubeConfig[], k8s: K8s): KubeConfig {
  const clusters = new Map<string, Cluster>(), users = new Map<string, User>(), contexts = new Map<string, Context>();
  let current = '';
  for (const kc of configs) {
    if (!current && kc.currentContext) current = kc.currentContext;
    for (const c of kc.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
  }
  const out = new k8s.KubeConfig();
  out.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current });
  return out;
}

function applyFlags(kc: KubeConfig, flags: KubeFlags, k8s: K8s): LoadedConfig {
  const contextName = flags.context ?? kc.currentContext;
  let ctx: Context | undefined;
  if (contextName) {
    ctx = kc.contexts.find((c) => c.name === contextName);
    if (!ctx && flags.context) {
      const names = kc.contexts.map((c) => c.name).join(', ') || 'none';
      throw new PluginError('config', `context "${flags.context}" is not in the kubeconfig`, `known contexts: ${names}`);
    }
  }
  if (!ctx && !flags.server) {
    throw new PluginError('config', 'the kubeconfig names no current context', 'pass --context NAME or run `kubectl config use-context NAME`');
  }
  const clusterName = flags.cluster ?? ctx?.cluster ?? '';
  const userName = flags.user ?? ctx?.user ?? '';
  const baseCluster = kc.clusters.find((c) => c.name === clusterName);
  if (!baseCluster && !flags.server) {
    throw new PluginError('config', `cluster "${clusterName}" is not in the kubeconfig`, 'pass --cluster NAME or --server URL');
  }
  const baseUser = kc.users.find((u) => u.name === userName);
  const server = flags.server || baseCluster?.server || '';
  // kubectl talks plain HTTP to an `http:` server (`kubectl proxy` serves one on 127.0.0.1:8001);
  // client-node refuses it unless TLS checks are off, which mean nothing without TLS
  const plainHttp = /^http:/i.test(server);
  const cluster: Cluster = {
    ...(baseCluster ?? { name: clusterName || 'flags', server: '', skipTLSVerify: false }),
    server,
    ...(flags.certificateAuthority ? { caFile: path.resolve(flags.certificateAuthority), caData: undefined } : {}),
    ...(flags.insecureSkipTlsVerify || plainHttp ? { skipTLSVerify: true } : {}),
    ...(flags.tlsServerName ? { tlsServerName: flags.tlsServerName } : {}),
  } as Cluster;
  const user: User = {
    ...(baseUser ?? { name: userName || 'flags' }),
    ...(flags.token ? { token: flags.token, exec: undefined, authProvider: undefined } : {}),
    ...(flags.clientCertificate ? { certFile: path.resolve(flags.clientCertificate), certData: undefined } : {}),
    ...(flags.clientKey ? { keyFile: path.resolve(flags.clientKey), keyData: undefined } : {}),
  } as User;
  const name = contextName || 'flags';
  const out = new k8s.KubeConfig();
  out.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name, cluster: cluster.name, user: user.name, ...(ctx?.namespace ? { namespace: ctx.namespace } : {}) }],
    currentContext: name,
  });
  const raw = baseUser as (User & { impersonate?: string; impersonateGroups?: string[] }) | undefined;
  return {
    kc: out,
    contextName: name,
    namespace: ctx?.namespace || 'default',
    server: cluster.server,
    cluster,
    impersonate: { ...(flags.as ?? raw?.impersonate ? { user: flags.as ?? raw?.impersonate } : {}), groups: flags.asGroup ?? [] },
    // the flag, when given, wins over the kubeconfig, as in kubectl
    disableCompression: flags.disableCompression ?? (baseCluster as ClusterEntry | undefined)?.disableCompression ?? false,
  };
}

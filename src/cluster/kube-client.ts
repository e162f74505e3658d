import type { KubeConfig } from '@kubernetes/client-node';

/** The parts of client-node this plugin calls: kubeconfig loading and auth, and a plain YAML reader. */
export interface KubeClient {
  KubeConfig: typeof KubeConfig;
  /** the file's YAML as it is written (client-node's own loadYaml would turn it into API models) */
  loadYaml: (text: string) => unknown;
}

/**
 * client-node's index loads its generated API (over a thousand modules, 750 ms and 85 MB here) for
 * every command that talks to a cluster. `npm run build` bundles what we call, KubeConfig with its
 * auth providers, into dist/vendor (scripts/bundle-kube-client.mjs): ~100 ms and 50 MB. Run from the
 * sources (tests under tsx) there is no bundle, and the package itself is loaded.
 */
export async function kubeClient(): Promise<KubeClient> {
  try {
    // a variable specifier: TypeScript must not resolve a file that only the build makes
    const bundle = '../vendor/kube-client.js';
    return (await import(bundle)) as KubeClient;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const k8s = await import('@kubernetes/client-node');
    return { KubeConfig: k8s.KubeConfig, loadYaml: (text) => k8s.loadYaml(text) };
  }
}

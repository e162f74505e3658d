/** A workload as people name it: the controller at the top of a pod's owner chain. */
export interface Workload {
  kind: string;
  name: string;
}

/** kubectl's resource words for the workload kinds `top` rolls pods up to. */
export const WORKLOAD_KINDS: Readonly<Record<string, string>> = {
  deployments: 'Deployment', deployment: 'Deployment', deploy: 'Deployment',
  statefulsets: 'StatefulSet', statefulset: 'StatefulSet', sts: 'StatefulSet',
  daemonsets: 'DaemonSet', daemonset: 'DaemonSet', ds: 'DaemonSet',
  jobs: 'Job', job: 'Job',
  replicasets: 'ReplicaSet', replicaset: 'ReplicaSet', rs: 'ReplicaSet',
};

/**
 * The workload a pod belongs to, from the pod alone. A ReplicaSet made by a Deployment is named
 * `DEPLOYMENT-HASH` and stamps HASH on its pods as `pod-template-hash`, so the Deployment is known
 * without listing ReplicaSets (which the plugin's RBAC does not grant, and an archive does not hold).
 * A pod without a controller is its own workload.
 */
export function workloadOf(pod: { name: string; ownerKind?: string; ownerName?: string; labels: Readonly<Record<string, string>> }): Workload {
  const kind = pod.ownerKind ?? '', name = pod.ownerName ?? '';
  if (!kind || !name) return { kind: 'Pod', name: pod.name };
  const hash = pod.labels['pod-template-hash'];
  if (kind === 'ReplicaSet' && hash && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
  return { kind, name };
}

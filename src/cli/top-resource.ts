import { usageError, WORKLOAD_KINDS } from '../model/index.js';
import type { TopLevel } from '../query/index.js';

/** What `top RESOURCE` names: a level, and for workloads their kind. */
export interface TopResource {
  level: TopLevel;
  ownerKind?: string;
}

const LEVELS: Record<string, TopLevel> = {
  nodes: 'nodes', node: 'nodes', no: 'nodes',
  pods: 'pods', pod: 'pods', po: 'pods',
  containers: 'containers', container: 'containers',
  namespaces: 'namespaces', namespace: 'namespaces', ns: 'namespaces',
  owners: 'owners', workloads: 'owners',
};

export const TOP_RESOURCES = ['nodes', 'pods', 'containers', 'namespaces', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'replicasets', 'owners'];

/** kubectl's words for a resource (`po`, `deploy`, `sts`, ...), with `--containers` and `--by owner` applied. */
export function topResource(word: string, o: { containers?: boolean; by?: string }): TopResource {
  const w = word.toLowerCase();
  const kind = WORKLOAD_KINDS[w];
  let r: TopResource | undefined = kind ? { level: 'owners', ownerKind: kind } : LEVELS[w] ? { level: LEVELS[w]! } : undefined;
  if (!r) throw usageError(`"${word}" is not a resource top shows`, `use one of: ${TOP_RESOURCES.join(', ')}`);
  if (o.containers) {
    if (r.level !== 'pods') throw usageError('--containers goes with top pods', 'drop --containers, or use top pods --containers');
    r = { level: 'containers' };
  }
  if (o.by !== undefined) {
    if (o.by !== 'owner') throw usageError(`--by ${o.by} is not a roll-up`, 'use --by owner');
    if (r.level !== 'pods') throw usageError('--by owner rolls pods up', 'use it with top pods');
    r = { level: 'owners' };
  }
  return r;
}

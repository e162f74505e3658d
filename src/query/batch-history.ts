import { L, type Batch, type EntityType, type MetricSet } from '../model/index.js';
import { labelSelector, splitJoinedLabels } from './label-selector.js';
import type { EntityRef, EntityScope, History, LabelFilter, Series, Window } from './history.js';

/** A History over batches held in memory: a live scrape, or Heapster's short store. */
export class BatchHistory implements History {
  private readonly batches: Batch[];
  constructor(batches: readonly Batch[]) {
    this.batches = [...batches].sort((a, b) => a.timestamp - b.timestamp);
  }

  async series(keys: readonly string[], metric: string, labels: LabelFilter, w: Window): Promise<Series[]> {
    const inWindow = this.inWindow(w);
    return keys.map((key) => {
      const bySet = new Map<string, Series>();
      const plain: Series = { key, name: '', points: [] };
      for (const b of inWindow) {
        const set = b.sets.get(key);
        if (!set) continue;
        plain.name ||= entityName(set);
        if (labels === undefined) {
          const v = set.values.get(metric);
          if (v !== undefined) plain.points.push({ timestamp: b.timestamp, value: v });
          continue;
        }
        for (const lv of set.labeled) {
          if (lv.name !== metric || (labels !== 'all' && !sameLabels(lv.labels, labels))) continue;
          const id = JSON.stringify(lv.labels);
          let s = bySet.get(id);
          if (!s) bySet.set(id, (s = { key, name: entityName(set), labels: lv.labels, points: [] }));
          s.points.push({ timestamp: b.timestamp, value: lv.value });
        }
      }
      if (labels === undefined) return [plain];
      return bySet.size ? [...bySet.values()] : [{ ...plain, ...(labels !== 'all' ? { labels } : {}) }];
    }).flat();
  }

  async entities(type: EntityType, scope: EntityScope, w: Window): Promise<EntityRef[]> {
    const newest = this.inWindow(w).at(-1);
    if (!newest) return [];
    const out: EntityRef[] = [];
    const selected = scope.labelSelector ? labelSelector(scope.labelSelector) : undefined;
    for (const set of newest.sets.values()) {
      if (set.type !== type) continue;
      if (selected && !selected(splitJoinedLabels(set.labels[L.labels]))) continue;
      const ref = toRef(set);
      if (scope.namespace !== undefined && ref.namespace !== scope.namespace) continue;
      if (scope.node !== undefined && ref.node !== scope.node) continue;
      if (scope.pod !== undefined && ref.pod !== scope.pod) continue;
      out.push(ref);
    }
    return out.sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
  }

  async metricNames(key: string, w: Window): Promise<string[]> {
    const names = new Set<string>();
    for (const b of this.inWindow(w)) for (const name of b.sets.get(key)?.values.keys() ?? []) names.add(name);
    return [...names].sort();
  }

  private inWindow(w: Window): Batch[] {
    return this.batches.filter((b) => (w.start === undefined || b.timestamp >= w.start) && (w.end === undefined || b.timestamp <= w.end));
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export function entityName(set: MetricSet): string {
  switch (set.type) {
    case 'cluster': return 'cluster';
    case 'node': return set.labels[L.nodename] ?? '';
    case 'ns': return set.labels[L.namespaceName] ?? '';
    case 'pod': return set.labels[L.podName] ?? '';
    case 'pod_container': case 'sys_container': return set.labels[L.containerName] ?? '';
  }
}

function toRef(set: MetricSet): EntityRef {
  const ref: EntityRef = { key: set.key, type: set.type, name: entityName(set) };
  if (set.labels[L.namespaceName]) ref.namespace = set.labels[L.namespaceName];
  if (set.labels[L.nodename]) ref.node = set.labels[L.nodename];
  if (set.type === 'pod_container') ref.pod = set.labels[L.podName];
  return ref;
}

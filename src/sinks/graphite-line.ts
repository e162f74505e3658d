import { L, type Batch, type MetricSet } from '../model/index.js';
import { goFixed6, goInt } from '../model/index.js';
import { pointsOf } from './points.js';

const esc = (s: string | undefined) => (s ?? '').replace(/[./]/g, '_');

/** The entity part of a Graphite path, by the set's type (reference §5.2). */
function entityPath(set: MetricSet): string {
  const l = set.labels;
  switch (set.type) {
    case 'pod_container': return `nodes.${esc(l[L.hostname])}.pods.${l[L.namespaceName] ?? ''}.${esc(l[L.podName])}.containers.${esc(l[L.containerName])}.`;
    case 'sys_container': return `nodes.${esc(l[L.hostname])}.sys-containers.${esc(l[L.containerName])}.`;
    case 'pod': return `nodes.${esc(l[L.hostname])}.pods.${l[L.namespaceName] ?? ''}.${esc(l[L.podName])}.`;
    case 'ns': return `namespaces.${l[L.namespaceName] ?? ''}.`;
    case 'node': return `nodes.${esc(l[L.hostname])}.`;
    case 'cluster': return 'cluster.';
  }
}

/**
 * A batch in Graphite's plaintext protocol with Heapster's paths (`<prefix>.nodes.<host>.pods.<ns>.
 * <pod>.containers.<c>.cpu.usage_rate 250 1508145300`), integers as `%d`, floats as `%f`, seconds.
 * One deliberate difference: a labeled value's resource id goes into its path after the metric's
 * first segment (`filesystem._.usage`, `filesystem.logs.usage`), as Heapster's code meant to; Heapster
 * looked for a label named `resourceId`, never found one, and wrote every filesystem to one path,
 * where the last value overwrote the others.
 */
export function graphiteLines(batch: Batch, prefix: string): string[] {
  const ts = Math.floor(batch.timestamp / 1000);
  const lines: string[] = [];
  for (const p of pointsOf(batch)) {
    if (!Number.isFinite(p.value)) continue;
    let metric = p.name.replace(/\//g, '.');
    const id = p.labels?.[L.resourceId] ?? p.labels?.accelerator_id;
    if (id !== undefined) {
      const dot = metric.indexOf('.');
      metric = dot > 0 ? `${metric.slice(0, dot)}.${esc(id)}.${metric.slice(dot + 1)}` : `${metric}.${esc(id)}`;
    }
    lines.push(`${prefix}.${entityPath(p.set)}${metric} ${p.float ? goFixed6(p.value) : goInt(p.value)} ${ts}`);
  }
  return lines;
}

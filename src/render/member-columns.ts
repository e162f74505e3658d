import { parseKey } from '../model/index.js';
import type { Target } from '../query/index.js';

/**
 * How the members of a collection are named in each output. Pods of every namespace (`pods -A`)
 * carry their namespace beside their name, as `kubectl top pods -A` shows them: the same pod name
 * runs in many namespaces (every `coredns-…` replica set, every Helm release of one chart).
 */
export class MemberColumns {
  private readonly spans: boolean;

  constructor(target: Target) {
    this.spans = target.kind === 'pods' && target.namespace === undefined;
  }

  get head(): string[] {
    return this.spans ? ['namespace', 'name'] : ['name'];
  }

  cells(key: string, name: string): string[] {
    return this.spans ? [namespaceOf(key), name] : [name];
  }

  /** the fields before Heapster's own in a JSON item */
  json(key: string, name: string): { namespace?: string; name: string } {
    return this.spans ? { namespace: namespaceOf(key), name } : { name };
  }

  /**
   * Whether JSON items carry the member's name: Heapster's pod-list answer is its items in the order
   * asked, without names; a workload's pods were not named by the user, so they are.
   */
  static named(target: Target): boolean {
    return target.kind !== 'pod-list' || !!target.workload;
  }

  /** one string, for a chart's legend */
  label(key: string, name: string): string {
    return this.spans ? `${namespaceOf(key)}/${name}` : name;
  }
}

const namespaceOf = (key: string): string => parseKey(key)?.namespace ?? '';

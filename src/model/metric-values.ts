import { SLAB } from './double-slab.js';
import type { LabeledValue } from './types.js';

/**
 * The names of a sequence of values, shared by every set whose values arrived in that order: a
 * 1,000-node scrape makes 93,000 sets of a handful of shapes, and a names array per set was a
 * third of what the garbage collector copied and promoted each scrape. Layouts form a tree, one
 * child per next name (and labels: frozen shared ones, or OWN); the tree is capped, past which a
 * set gets a layout of its own.
 */
class Layout {
  static readonly root = new Layout([], []);
  private static cached = 0;
  private static readonly MAX_CACHED = 20_000;

  // children in three short arrays, scanned by identity: most layouts have one or two, and the
  // names and shared labels are the same objects every time
  private kidNames: string[] | undefined;
  private kidLabels: (Record<string, string> | undefined)[] | undefined;
  private kids: Layout[] | undefined;

  /** `labels` is empty for plain values, and holds each name's labels for labeled ones. */
  constructor(readonly names: readonly string[], readonly labels: readonly Record<string, string>[], readonly shared = true) {}

  /** The layout of these values plus one: shared, unless the tree is full. */
  with(name: string, labels?: Record<string, string>): Layout {
    const { kidNames, kidLabels, kids } = this;
    if (kids) {
      for (let i = 0; i < kids.length; i++) if (kidNames![i] === name && kidLabels![i] === labels) return kids[i]!;
    }
    const names = [...this.names, name];
    const all = labels === undefined ? this.labels : [...this.labels, labels];
    if (Layout.cached >= Layout.MAX_CACHED) return new Layout(names, all, false);
    const child = new Layout(names, all);
    (this.kidNames ??= []).push(name);
    (this.kidLabels ??= []).push(labels);
    (this.kids ??= []).push(child);
    Layout.cached++;
    return child;
  }

  /** A layout of its own grows in place; a shared one is followed or copied. */
  append(name: string, labels?: Record<string, string>): Layout {
    if (this.shared) return this.with(name, labels);
    (this.names as string[]).push(name);
    if (labels !== undefined) (this.labels as Record<string, string>[]).push(labels);
    return this;
  }
}

/** Moves `n` numbers to `cap` new slots; returns where they start in `SLAB.chunk`. */
function moved(nums: readonly number[], base: number, n: number, cap: number): number {
  const to = SLAB.take(cap);
  for (let i = 0; i < n; i++) SLAB.chunk[to + i] = nums[base + i]!;
  return to;
}

/**
 * A metric set's plain values, with the part of a Map's interface the model uses: the numbers in
 * slab slots, their names in a shared layout. Insertion order is kept, as a Map keeps it.
 * LabeledValues repeats its few fields and accessors on purpose: a shared base class made the
 * accessors see two classes on the scrape's hot path, ~4% slower in the in-process measurement.
 */
export class MetricValues implements Iterable<[string, number]> {
  private layout = Layout.root;
  /** the slab chunk holding the numbers, from `base` on */
  private nums: number[];
  private base: number;
  private cap: number;
  private n = 0;

  /**
   * `expected`: about how many values the set will have. That many slots are taken up front:
   * grown as values came, its numbers were moved once or twice and kept half their slots empty.
   */
  constructor(expected = 8) {
    this.cap = Math.max(1, expected);
    this.base = SLAB.take(this.cap);
    this.nums = SLAB.chunk;
  }

  get size(): number {
    return this.n;
  }

  /**
   * The values' names in order: an array shared by every set whose values came in that order, so
   * the same array next tick means the same names (the archive writer reuses its metric ids for it).
   */
  get names(): readonly string[] {
    return this.layout.names;
  }

  get(name: string): number | undefined {
    const i = this.layout.names.indexOf(name);
    return i < 0 ? undefined : this.nums[this.base + i];
  }

  has(name: string): boolean {
    return this.layout.names.indexOf(name) >= 0;
  }

  set(name: string, value: number): this {
    const i = this.layout.names.indexOf(name);
    if (i < 0) this.push(name, value);
    else this.nums[this.base + i] = value;
    return this;
  }

  /**
   * Adds `value` to the named value, or appends it when absent; a value at a position below
   * `frozen` is left as it is (a pod's own value wins over its containers' sum).
   */
  addAfter(frozen: number, name: string, value: number): void {
    const i = this.layout.names.indexOf(name);
    if (i < 0) this.push(name, value);
    else if (i >= frozen) this.nums[this.base + i]! += value;
  }

  /** The name and value at position `i` of insertion order: the fast way through a set's values. */
  nameAt(i: number): string {
    return this.layout.names[i]!;
  }

  valueAt(i: number): number {
    return this.nums[this.base + i]!;
  }

  /** As Map's: value first, then name. */
  forEach(fn: (value: number, name: string) => void): void {
    const { nums, base, n } = this;
    const { names } = this.layout;
    for (let i = 0; i < n; i++) fn(nums[base + i]!, names[i]!);
  }

  keys(): IterableIterator<string> {
    return this.layout.names.slice(0, this.n).values();
  }

  *entries(): IterableIterator<[string, number]> {
    const { nums, base, n } = this;
    const { names } = this.layout;
    for (let i = 0; i < n; i++) yield [names[i]!, nums[base + i]!];
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }

  private push(name: string, value: number): void {
    if (this.n === this.cap) this.grow();
    this.layout = this.layout.append(name);
    this.nums[this.base + this.n++] = value;
  }

  private grow(): void {
    this.base = moved(this.nums, this.base, this.n, (this.cap *= 2));
    this.nums = SLAB.chunk;
  }
}

/** Stands in a shared layout for labels a set keeps itself. */
const OWN: Record<string, string> = Object.freeze({});

/**
 * A set's labeled values (filesystems, accelerators): numbers in slab slots, names and labels in a
 * layout shared by every set with the same ones. Each container's root and log filesystems share
 * frozen label objects. A pod's volumes have labels of their own: the set keeps those in an array,
 * and the layout, shared still, has OWN in their place. A layout of its own per pod was half of
 * what a pod set kept.
 */
export class LabeledValues implements Iterable<LabeledValue> {
  private layout = Layout.root;
  private own: Record<string, string>[] | undefined;
  private nums: number[];
  private base: number;
  private cap: number;
  private n = 0;

  /** `expected`: as MetricValues' */
  constructor(expected = 4) {
    this.cap = Math.max(1, expected);
    this.base = SLAB.take(this.cap);
    this.nums = SLAB.chunk;
  }

  get length(): number {
    return this.n;
  }

  /** As MetricValues' names: shared by every set with the same names (their labels may differ). */
  get names(): readonly string[] {
    return this.layout.names;
  }

  add(name: string, labels: Record<string, string>, value: number): void {
    if (this.n === this.cap) this.grow();
    if (Object.isFrozen(labels)) {
      this.layout = this.layout.append(name, labels);
    } else {
      this.layout = this.layout.append(name, OWN);
      (this.own ??= new Array<Record<string, string>>(this.cap))[this.n] = labels;
    }
    this.nums[this.base + this.n++] = value;
  }

  private grow(): void {
    this.base = moved(this.nums, this.base, this.n, (this.cap *= 2));
    this.nums = SLAB.chunk;
  }

  nameAt(i: number): string {
    return this.layout.names[i]!;
  }

  labelsAt(i: number): Record<string, string> {
    const labels = this.layout.labels[i]!;
    return labels === OWN ? this.own![i]! : labels;
  }

  valueAt(i: number): number {
    return this.nums[this.base + i]!;
  }

  *[Symbol.iterator](): IterableIterator<LabeledValue> {
    for (let i = 0; i < this.n; i++) yield { name: this.layout.names[i]!, labels: this.labelsAt(i), value: this.nums[this.base + i]! };
  }
}

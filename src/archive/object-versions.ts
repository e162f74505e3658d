/**
 * The pod or node objects a read found for its labels, kept for the next reads of the same files at
 * the same time. A Grafana dashboard asks `serve --prometheus` one query per panel, all over one
 * window: each read the newest version of the same pods again (77 of a 364 ms ask over ten minutes of
 * 100 nodes), and of every node (18 ms). A file is known by its path: the archive never writes one
 * under a name it had (snapshotPath's names end in a random writerTag), so a recorder's new tick or
 * a merge changes the list, and a list seen before holds what it held.
 */
export class ObjectVersions<T> {
  private readonly entries: { key: string; found: Map<string, T | undefined>; all?: Map<string, T> }[] = [];

  /** `keep`: the file lists and times held at once (a dashboard's panels share one, its next refresh another) */
  constructor(private readonly keep = 2) {}

  /**
   * The objects named `names` in `files` at `at`: those already known, else `read` asked for every
   * name (one query, as before; most asks of a dashboard want the same pods) and kept. A name `read`
   * does not return is kept as absent.
   */
  async get(files: readonly string[], at: number, names: Iterable<string>, read: () => Promise<Map<string, T>>): Promise<Map<string, T>> {
    const key = keyOf(files, at);
    let entry = this.entries.find((e) => e.key === key);
    const wanted = [...names];
    if (!entry || wanted.some((n) => !entry!.found.has(n))) {
      const got = await read();
      entry ??= this.entry(key);
      for (const n of wanted) entry.found.set(n, got.get(n));
      for (const [n, v] of got) entry.found.set(n, v);
    }
    const out = new Map<string, T>();
    for (const n of wanted) {
      const v = entry.found.get(n);
      if (v !== undefined) out.set(n, v);
    }
    return out;
  }

  /** Every object of `files` at `at` (`read` returns them all): a window's nodes are few, and all read. */
  async all(files: readonly string[], at: number, read: () => Promise<Map<string, T>>): Promise<Map<string, T>> {
    const key = keyOf(files, at);
    const known = this.entries.find((e) => e.key === key)?.all;
    if (known) return known;
    const got = await read();
    this.entry(key).all = got;
    return got;
  }

  private entry(key: string) {
    let e = this.entries.find((x) => x.key === key);
    if (!e) {
      e = { key, found: new Map() };
      this.entries.unshift(e);
      this.entries.length = Math.min(this.entries.length, this.keep);
    }
    return e;
  }
}

const keyOf = (files: readonly string[], at: number): string => `${Math.floor(at)}\n${files.join('\n')}`;

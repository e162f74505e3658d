import { statSync } from 'node:fs';

/**
 * The pod or node objects a read found for its labels, kept for the next reads of the same files at
 * the same time. A Grafana dashboard asks `serve --prometheus` one query per panel, all over one
 * window: each read the newest version of the same pods again (77 of a 364 ms ask over ten minutes of
 * 100 nodes), and of every node (18 ms). A file is known by its path, size and modification time:
 * a merge can write a file under the name of one it replaces, and a recorder adds files.
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
    const key = fileKey(files, at);
    let entry = key === undefined ? undefined : this.entries.find((e) => e.key === key);
    const wanted = [...names];
    if (!entry || wanted.some((n) => !entry!.found.has(n))) {
      const got = await read();
      if (key === undefined) return got;
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
    const key = fileKey(files, at);
    const known = key === undefined ? undefined : this.entries.find((e) => e.key === key)?.all;
    if (known) return known;
    const got = await read();
    if (key !== undefined) this.entry(key).all = got;
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

/** Undefined when a file cannot be looked at: the read then goes to DuckDB, which says what is wrong. */
function fileKey(files: readonly string[], at: number): string | undefined {
  const parts = [String(Math.floor(at))];
  try {
    for (const f of files) {
      const s = statSync(f);
      parts.push(`${f}\0${s.size}\0${s.mtimeMs}`);
    }
  } catch {
    return undefined;
  }
  return parts.join('\n');
}

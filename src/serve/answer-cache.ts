/**
 * Answers kept until the archive changes (its version), the oldest dropped past `maxEntries` or
 * `maxBytes`. Heapster served its model from memory, and scripts and dashboards poll the same URLs:
 * a Grafana dashboard over a recording asks the same range queries and label listings on every
 * load, and a listing of every label over a day of 100 nodes takes seconds to read.
 */
export class AnswerCache<T extends { body: string | Buffer }> {
  private readonly entries = new Map<string, { version: string; answer: T; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxEntries: number, private readonly maxBytes: number) {}

  get(key: string, version: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.version === version) return e.answer;
    this.drop(key);
    return undefined;
  }

  set(key: string, version: string, answer: T): void {
    // a string's length, not its bytes: a bound, not an account
    const bytes = answer.body.length;
    // one answer may not push out all the others
    if (bytes > this.maxBytes / 4) return;
    this.drop(key);
    this.entries.set(key, { version, answer, bytes });
    this.bytes += bytes;
    for (const old of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.drop(old);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.bytes -= e.bytes;
    this.entries.delete(key);
  }
}

/**
 * What an encoder makes of a set's labels (its tags as bytes), made once for the set's plain values
 * and once for each label set its labeled values carry (its filesystems, its interfaces): a
 * 1,000-node tick is 93,000 sets and millions of values, and made a value each, sorting and
 * escaping labels was most of every encoder's time.
 */
export class PerLabelSet<T> {
  private plainOnes: T | undefined;
  private readonly labeled = new Map<string, T>();
  private byObject: Map<Record<string, string>, T> | undefined;

  constructor(private readonly make: (extra?: Record<string, string>) => T) {}

  /** For a plain value, or for a labeled value with its own labels. */
  of(extra?: Record<string, string>): T {
    if (!extra) return (this.plainOnes ??= this.make());
    // a filesystem's labels are one object for all its values: found by identity, not by text
    let t = this.byObject?.get(extra);
    if (t !== undefined) return t;
    const key = JSON.stringify(extra);
    t = this.labeled.get(key);
    if (t === undefined) this.labeled.set(key, (t = this.make(extra)));
    (this.byObject ??= new Map()).set(extra, t);
    return t;
  }
}

/**
 * Reads protobuf wire format field by field, so a decoder takes the fields it needs and steps over
 * the rest by their length without looking inside: a pod's managed fields, env and volumes cost a
 * skip each. Truncated or malformed input throws.
 */
export class ProtoReader {
  pos: number;

  private readonly limit: number;

  constructor(readonly buf: Buffer, start = 0) {
    this.pos = start;
    this.limit = buf.length;
  }

  /** An unsigned varint; exact up to 2^53, which covers every count, size and time Kubernetes sends. */
  uint(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if (b < 128) return b;
    let v = b & 127, scale = 128;
    do {
      if (this.pos >= this.limit) throw new Error('a varint runs past the end');
      b = buf[this.pos++]!;
      v += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    return v;
  }

  /** The next field's tag (number << 3 | wire type), or 0 at `end`; a field that ran past `end` is an error. */
  tag(end: number): number {
    if (this.pos < end) return this.uint();
    if (this.pos > end) throw new Error('a field runs past the end of its message');
    return 0;
  }

  /** Enters a length-delimited field: returns where it ends. */
  enter(): number {
    const n = this.uint();
    const end = this.pos + n;
    if (end > this.limit) throw new Error('a field runs past the end');
    return end;
  }

  string(): string {
    const end = this.enter();
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return s;
  }

  /** The one string wanted from a message (field `field`, '' when absent), the rest stepped over. */
  stringIn(field: number): string {
    const end = this.enter();
    const want = field * 8 + 2;
    let s = '';
    for (let t = this.tag(end); t; t = this.tag(end)) {
      if (t === want) s = this.string();
      else this.skip(t);
    }
    return s;
  }

  bool(): boolean {
    return this.uint() !== 0;
  }

  /** A meta/v1 Time (seconds since the epoch in field 1) as milliseconds. */
  time(): number {
    const end = this.enter();
    let seconds = 0;
    for (let t = this.tag(end); t; t = this.tag(end)) {
      if (t === 8) seconds = this.uint();
      else this.skip(t);
    }
    return seconds * 1000;
  }

  /** A map<string, string> entry (key = 1, value = 2) into `into`. */
  entry(into: Record<string, string>): void {
    this.mapEntry(into, false);
  }

  /** A map<string, Quantity> entry: a Quantity is a message holding its string form in field 1. */
  quantityEntry(into: Record<string, string>): void {
    this.mapEntry(into, true);
  }

  private mapEntry(into: Record<string, string>, quantity: boolean): void {
    const end = this.enter();
    let key = '', value = '';
    for (let t = this.tag(end); t; t = this.tag(end)) {
      if (t === 10) key = this.string();
      else if (t === 18) value = quantity ? this.stringIn(1) : this.string();
      else this.skip(t);
    }
    into[key] = value;
  }

  skip(tag: number): void {
    switch (tag & 7) {
      case 0:
        while (this.buf[this.pos++]! >= 128) if (this.pos >= this.limit) throw new Error('a varint runs past the end');
        return;
      case 1:
        this.pos += 8;
        return;
      case 2:
        this.pos = this.enter();
        return;
      case 5:
        this.pos += 4;
        return;
      default:
        throw new Error(`wire type ${tag & 7} is not one Kubernetes uses`);
    }
  }
}

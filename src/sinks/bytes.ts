const utf8 = new TextEncoder();

/** A byte buffer that grows by doubling: one allocation a request instead of several a sample. */
export class Bytes {
  protected buf: Uint8Array;
  protected view: DataView;
  protected at = 0;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  protected room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.at++] = b;
    return this;
  }

  varint(v: number): this {
    this.room(10);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
    return this;
  }

  double(v: number): this {
    this.room(8);
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }

  /** A string of ASCII characters (numbers, names), a byte each. */
  ascii(s: string): this {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
    return this;
  }

  /** Any string, as UTF-8. */
  text(s: string): this {
    this.room(s.length * 3);
    this.at += utf8.encodeInto(s, this.buf.subarray(this.at)).written;
    return this;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.at;
  }

  /** A copy of the first `n` bytes; what follows them moves to the front, to be continued. */
  cut(n: number): Uint8Array {
    const out = this.buf.slice(0, n);
    this.buf.copyWithin(0, n, this.at);
    this.at -= n;
    return out;
  }

  /** What was written so far, as a view that the next write may overwrite. */
  written(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  /** Start again at the front, keeping the buffer. */
  reset(): void {
    this.at = 0;
  }

  /** What was written, as a copy of its own. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.at);
    this.at = 0;
    return out;
  }
}

/**
 * Bytes cut into request bodies of at most `most` items each (lines, messages, points, documents):
 * the count every encoder kept beside its buffer.
 */
export class Bodies extends Bytes {
  private n = 0;

  constructor(private readonly most: number) {
    super();
  }

  /** Counts an item just written: whether the body is now full. */
  counted(): boolean {
    return ++this.n >= this.most;
  }

  /** Items in the body so far. */
  get items(): number {
    return this.n;
  }

  /** The body so far and its items, as a copy; the buffer is kept for the next. */
  next(): { body: Uint8Array; items: number } {
    const b = { body: this.take(), items: this.n };
    this.n = 0;
    return b;
  }
}

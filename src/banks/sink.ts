/** Where emitted bytes go: out[pos, end); writes past `end` are dropped. */
export class Sink {
  constructor(
    readonly out: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  get full(): boolean {
    return this.pos >= this.end;
  }

  /** Room left, in bytes. */
  get room(): number {
    return this.end - this.pos;
  }

  /** One byte, dropped when the sink is full. */
  put(b: number): void {
    if (this.pos < this.end) this.out[this.pos++] = b;
  }

  /** As many of `bytes` as fit. */
  putBytes(bytes: Uint8Array): void {
    const n = Math.min(bytes.length, this.end - this.pos);
    if (n <= 0) return;
    this.out.set(n === bytes.length ? bytes : bytes.subarray(0, n), this.pos);
    this.pos += n;
  }
}

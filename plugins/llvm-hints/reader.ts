/**
 * Bounded reading: every parser reads the input through a Reader, which never asks the
 * source for a byte past its end, charges each read to a Budget (bytes and calls), and keeps
 * what it read in 4 KiB pages so that neighbouring small reads cost one call.
 */

/** Where bytes come from: the compilation's input, or a byte array in tests. */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (position, length) => bytes.subarray(position, position + length),
  };
}

/** What an analysis may still read. Shared by every Reader of one analysis. */
export class Budget {
  bytesRead = 0;
  reads = 0;
  exhausted = false;

  constructor(
    readonly maxBytes: number,
    readonly maxReads: number,
  ) {}

  /** Takes `bytes` in one read from the budget; false (and exhausted) when it does not fit. */
  take(bytes: number): boolean {
    if (this.reads + 1 > this.maxReads || this.bytesRead + bytes > this.maxBytes) {
      this.exhausted = true;
      return false;
    }
    this.reads++;
    this.bytesRead += bytes;
    return true;
  }
}

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;

/** The pages read so far, shared by a Reader and the views made from it. */
class PageCache {
  readonly pages = new Map<number, Uint8Array>();
  constructor(
    readonly source: ByteSource,
    readonly budget: Budget,
  ) {}
}

/** The byte order of a header, and readers of its integers. */
export class Fields {
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number {
    return this.bytes.length;
  }
  u8(o: number): number {
    return this.dv.getUint8(o);
  }
  u16(o: number): number {
    return this.dv.getUint16(o, this.little);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, this.little);
  }
  i32(o: number): number {
    return this.dv.getInt32(o, this.little);
  }
  /** A 64-bit field as a number; Infinity when it exceeds 2^53 (no file is that large). */
  u64(o: number): number {
    const lo = this.dv.getUint32(o + (this.little ? 0 : 4), this.little);
    const hi = this.dv.getUint32(o + (this.little ? 4 : 0), this.little);
    if (hi > 0x1fffff) return Infinity;
    return hi * 0x1_0000_0000 + lo;
  }
}

export class Reader {
  private readonly cache: PageCache;

  /** A reader over `source` (or, for views, over [base, base + size) of it). */
  constructor(source: ByteSource, budget: Budget);
  constructor(source: ByteSource, budget: Budget, base: number, size: number, cache: PageCache);
  constructor(
    source: ByteSource,
    readonly budget: Budget,
    readonly base = 0,
    readonly size = source.size,
    cache?: PageCache,
  ) {
    this.cache = cache ?? new PageCache(source, budget);
  }

  /** A view of [offset, offset + length) of this reader, clipped to it. */
  sub(offset: number, length: number): Reader {
    const start = Math.min(Math.max(0, offset), this.size);
    const len = Math.min(Math.max(0, length), this.size - start);
    return new Reader(this.cache.source, this.budget, this.base + start, len, this.cache);
  }

  /** True when [pos, pos + len) lies inside the view. */
  has(pos: number, len: number): boolean {
    return Number.isSafeInteger(pos) && Number.isSafeInteger(len) && pos >= 0 && len >= 0 && pos + len <= this.size;
  }

  /**
   * Exactly `len` bytes at `pos`, or undefined when they are not all inside the view or the
   * budget cannot pay for them. The result may share memory with the cache: do not write it.
   */
  async bytes(pos: number, len: number): Promise<Uint8Array | undefined> {
    if (!this.has(pos, len)) return undefined;
    if (len === 0) return new Uint8Array(0);
    const a = this.base + pos;
    const end = a + len;
    const p0 = Math.floor(a / PAGE);
    const p1 = Math.floor((end - 1) / PAGE);
    const { pages, source, budget } = this.cache;
    // Read each run of missing pages with one call, clipped to the source's end.
    let p = p0;
    while (p <= p1) {
      if (pages.has(p)) {
        p++;
        continue;
      }
      let q = p;
      while (q + 1 <= p1 && !pages.has(q + 1)) q++;
      const from = p * PAGE;
      const to = Math.min((q + 1) * PAGE, source.size);
      if (!budget.take(to - from)) return undefined;
      const got = await source.read(from, to - from);
      if (got.length !== to - from) return undefined;
      for (let k = p; k <= q; k++) pages.set(k, got.subarray((k - p) * PAGE, Math.min((k - p + 1) * PAGE, got.length)));
      p = q + 1;
    }
    if (p0 === p1) {
      const page = pages.get(p0)!;
      return page.subarray(a - p0 * PAGE, end - p0 * PAGE);
    }
    const out = new Uint8Array(len);
    for (let k = p0; k <= p1; k++) {
      const page = pages.get(k)!;
      const from = Math.max(a, k * PAGE);
      const to = Math.min(end, (k + 1) * PAGE);
      out.set(page.subarray(from - k * PAGE, to - k * PAGE), from - a);
    }
    return out;
  }

  /** Up to `len` bytes at `pos`, clipped to the view's end (empty past it or over budget). */
  async upTo(pos: number, len: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos >= this.size) return new Uint8Array(0);
    const n = Math.min(Math.max(0, Math.floor(len)), this.size - pos);
    return (await this.bytes(pos, n)) ?? new Uint8Array(0);
  }

  /** Fields over exactly `len` bytes at `pos`, or undefined (see bytes()). */
  async fields(pos: number, len: number, little: boolean): Promise<Fields | undefined> {
    const b = await this.bytes(pos, len);
    return b === undefined ? undefined : new Fields(b, little);
  }
}

/** A NUL-terminated name from a table, at most `max` bytes, printable ASCII only. */
export function cString(bytes: Uint8Array, at: number, max = 256): string {
  if (at < 0 || at >= bytes.length) return '';
  let s = '';
  for (let i = at; i < bytes.length && i - at < max; i++) {
    const c = bytes[i]!;
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

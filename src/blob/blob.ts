/**
 * The loaded blob: the base bytes (one array holding the generated banks) and each ref's
 * bytes, addressed as one array of `size` bytes.
 */
import { PfscError } from '../errors.js';
import type { BankInfo, Blob, Manifest } from './types.js';
import { toHex } from './manifest.js';

export class LoadedBlob implements Blob {
  readonly manifest: Manifest;
  readonly id: Uint8Array;
  readonly idHex: string;
  readonly baseId: Uint8Array;
  readonly size: number;
  readonly banks: readonly BankInfo[];
  /** One view per bank, in order (empty for generated banks until the base is attached). */
  private readonly views: Uint8Array[];
  /** End of the generated banks (the base part), and how to load them when deferred. */
  private readonly baseEnd: number;
  private baseLoader: (() => Promise<Uint8Array>) | undefined;
  private baseLoading: Promise<void> | undefined;
  /** Offsets of the nonempty banks, ascending, for the binary search of bankAt. */
  private readonly starts: number[];
  private readonly startBank: number[];

  /**
   * @param base the generated banks' bytes, back to back; or a loader, called the first time
   *   prepare() is asked for a range inside them (a replay that copies only from refs never
   *   loads them)
   * @param refs each ref's bytes, in manifest order
   */
  constructor(opts: {
    manifest: Manifest;
    id: Uint8Array;
    baseId: Uint8Array;
    banks: readonly BankInfo[];
    base: Uint8Array | (() => Promise<Uint8Array>);
    refs: readonly Uint8Array[];
  }) {
    this.manifest = opts.manifest;
    this.id = opts.id;
    this.idHex = toHex(opts.id);
    this.baseId = opts.baseId;
    this.banks = Object.freeze(opts.banks.map((b) => Object.freeze({ ...b })));
    this.views = [];
    this.starts = [];
    this.startBank = [];
    const base = typeof opts.base === 'function' ? undefined : opts.base;
    this.baseLoader = typeof opts.base === 'function' ? opts.base : undefined;
    let baseEnd = 0;
    let refIndex = 0;
    let size = 0;
    for (let i = 0; i < this.banks.length; i++) {
      const b = this.banks[i] as BankInfo;
      let view: Uint8Array;
      if (b.isRef) {
        const r = opts.refs[refIndex++];
        if (r === undefined || r.length !== b.size) throw new PfscError('PFSC_INTERNAL', `bytes of ${b.name} do not match its size ${b.size}`);
        view = r;
      } else {
        baseEnd = b.offset + b.size;
        if (base === undefined) view = new Uint8Array(0);
        else if (b.offset + b.size > base.length) throw new PfscError('PFSC_INTERNAL', `base bytes end before bank ${b.name}`);
        else view = base.subarray(b.offset, b.offset + b.size);
      }
      if (b.offset !== size) throw new PfscError('PFSC_INTERNAL', `bank ${b.name} is not where the layout says`);
      this.views.push(view);
      if (b.size > 0) {
        this.starts.push(b.offset);
        this.startBank.push(i);
      }
      size += b.size;
    }
    this.size = size;
    this.baseEnd = baseEnd;
  }

  /** True when the generated banks' bytes are here (always, unless deferred and not yet needed). */
  get baseLoaded(): boolean {
    return this.baseLoader === undefined;
  }

  async prepare(offset: number, length: number): Promise<void> {
    if (this.baseLoader === undefined || length <= 0 || offset >= this.baseEnd) return;
    this.baseLoading ??= (async () => {
      const loader = this.baseLoader as () => Promise<Uint8Array>;
      const base = await loader();
      if (base.length < this.baseEnd) throw new PfscError('PFSC_INTERNAL', `base bytes end at ${base.length}, before ${this.baseEnd}`);
      this.banks.forEach((b, i) => {
        if (!b.isRef) this.views[i] = base.subarray(b.offset, b.offset + b.size);
      });
      this.baseLoader = undefined;
    })();
    await this.baseLoading;
  }

  private checkLoaded(i: number): void {
    if (this.baseLoader !== undefined && !(this.banks[i] as BankInfo).isRef && (this.banks[i] as BankInfo).size > 0) {
      throw new PfscError('PFSC_INTERNAL', `bank ${(this.banks[i] as BankInfo).name} was read before prepare() loaded it`);
    }
  }

  bankBytes(i: number): Uint8Array {
    const v = this.views[i];
    if (v === undefined) throw new PfscError('PFSC_INTERNAL', `no bank ${i}; the blob has ${this.views.length}`);
    this.checkLoaded(i);
    return v;
  }

  bankAt(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) return -1;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.startBank[lo] as number;
  }

  read(offset: number, length: number, dst: Uint8Array, dstOffset: number): void {
    if (
      !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || !Number.isSafeInteger(dstOffset) ||
      offset < 0 || length < 0 || dstOffset < 0 || offset + length > this.size || dstOffset + length > dst.length
    ) {
      throw new PfscError(
        'PFSC_INTERNAL',
        `blob read of ${length} bytes at ${offset} into ${dst.length} bytes at ${dstOffset} is out of range (blob size ${this.size})`,
      );
    }
    if (length === 0) return;
    let i = this.bankAt(offset);
    let pos = offset;
    let out = dstOffset;
    let left = length;
    while (left > 0) {
      const b = this.banks[i] as BankInfo;
      this.checkLoaded(i);
      const view = this.views[i] as Uint8Array;
      const from = pos - b.offset;
      const n = Math.min(left, b.size - from);
      dst.set(view.subarray(from, from + n), out);
      pos += n;
      out += n;
      left -= n;
      i++;
    }
  }
}

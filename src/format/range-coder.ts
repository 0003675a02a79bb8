/**
 * The adaptive binary range coder of modeled blocks (docs/FORMAT.md, "Range coder").
 * It is LZMA's range coder with 12-bit probabilities that adapt by 1/16 per bit; the
 * first output byte (always 0) is not stored, and up to four trailing zero bytes are
 * dropped, the decoder reading zeros in their place.
 */
import { fail } from './fail.js';

/** Probabilities are 12-bit: p / 4096 is the chance of a 0 bit. */
export const PROB_BITS = 12;
export const PROB_ONE = 1 << PROB_BITS;
export const PROB_INIT = PROB_ONE >> 1;
/** Adaptation speed: a probability moves 1/2^ADAPT_SHIFT of the way towards the bit seen. */
export const ADAPT_SHIFT = 4;
/** Trailing zero bytes an encoder may drop and a decoder may read past the end. */
export const MAX_IMPLIED_ZEROS = 4;

const TOP = 2 ** 24;
const TWO32 = 2 ** 32;

/** A fresh array of n probabilities, each at one half. */
export function newProbs(n: number): Uint16Array {
  return new Uint16Array(n).fill(PROB_INIT);
}

export class RangeEncoder {
  private low = 0; // below 2^33: 32 bits plus a carry
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private out: Uint8Array = new Uint8Array(256);
  private n = 0;

  /** Codes one bit with probs[i], then adapts it. */
  bit(probs: Uint16Array, i: number, bit: number): void {
    const p = probs[i]!;
    const bound = (this.range >>> PROB_BITS) * p;
    if (bit === 0) {
      this.range = bound;
      probs[i] = p + ((PROB_ONE - p) >> ADAPT_SHIFT);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >> ADAPT_SHIFT);
    }
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /** Codes one bit with probability one half, no model. */
  direct(bit: number): void {
    this.range = this.range >>> 1;
    if (bit !== 0) this.low += this.range;
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  /**
   * Ends the stream: picks, inside the final interval, the value with the most trailing
   * zero bits, writes it, and returns the bytes without the leading 0 and without up to
   * MAX_IMPLIED_ZEROS trailing zero bytes.
   */
  finish(): Uint8Array {
    const top = this.low + this.range - 1;
    for (let k = 32; k >= 0; k--) {
      const unit = 2 ** k;
      const v = Math.floor(top / unit) * unit;
      if (v >= this.low) {
        this.low = v;
        break;
      }
    }
    for (let i = 0; i < 5; i++) this.shiftLow();
    let end = this.n;
    while (end > 1 && this.n - end < MAX_IMPLIED_ZEROS && this.out[end - 1] === 0) end--;
    return this.out.slice(1, end);
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO32) {
      const carry = this.low >= TWO32 ? 1 : 0;
      let temp = this.cache;
      do {
        this.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % TOP) * 256;
  }

  private push(b: number): void {
    if (this.n === this.out.length) {
      const grown = new Uint8Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.n++] = b;
  }
}

export class RangeDecoder {
  private pos = 0;
  private implied = 0;
  private range = 0xffffffff;
  private code = 0;

  /** `where` names the data in error messages. */
  constructor(private readonly data: Uint8Array, private readonly where: string) {
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
    // A valid stream starts inside the initial interval [0, 2^32 - 1).
    if (this.code >= this.range) fail('PFSC_PBB_CORRUPT', `${where}: range coder data starts with FF FF FF FF`);
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> PROB_BITS) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((PROB_ONE - p) >> ADAPT_SHIFT);
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      probs[i] = p - (p >> ADAPT_SHIFT);
      bit = 1;
    }
    while (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
    return bit;
  }

  direct(): number {
    this.range = this.range >>> 1;
    let bit = 0;
    if (this.code >= this.range) {
      this.code -= this.range;
      bit = 1;
    }
    while (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
    return bit;
  }

  /** Fails unless every stored byte was used. */
  end(): void {
    if (this.pos !== this.data.length) {
      fail('PFSC_PBB_CORRUPT', `${this.where}: ${this.data.length - this.pos} range coder bytes left over`);
    }
  }

  private next(): number {
    if (this.pos < this.data.length) return this.data[this.pos++]!;
    if (++this.implied > MAX_IMPLIED_ZEROS) {
      fail('PFSC_PBB_CORRUPT', `${this.where}: range coder data ends too early (${this.data.length} bytes)`);
    }
    return 0;
  }
}

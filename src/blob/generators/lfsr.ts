/**
 * `lfsr`: tiles of output from maximal-length Galois linear-feedback shift registers.
 *
 * Each tap mask m of degree n (n = bit length of m, 2..32) drives an n-bit register that
 * starts at 1. One step: out = s & 1; s = s >>> 1; if out is 1, s ^= m. Eight steps make one
 * byte, the first output bit in the least significant bit. Each mask in order contributes a
 * tile of `tile` bytes (each tile restarts its register at 1); the tiles in order form a
 * cycle, and the bank repeats that cycle. Only masks whose register runs through all
 * 2^n - 1 nonzero states (maximal length) are accepted.
 */
import type { BankGenerator, BankParams } from '../types.js';
import { expectParams, intParam, listParam, paramError, repeatCycle } from '../params.js';

export const LFSR_MAX_TILE = 1 << 20;
export const LFSR_MAX_MASKS = 16;

function masks(params: BankParams): number[] {
  return listParam(params, 'taps', { radix: 16, min: 3, max: 0xffffffff, maxCount: LFSR_MAX_MASKS });
}

/** Bit length of a 32-bit mask (its degree). */
export function lfsrDegree(mask: number): number {
  return 32 - Math.clz32(mask);
}

/** Prime factors of x (x < 2^33), by trial division. */
function primeFactors(x: number): number[] {
  const out: number[] = [];
  for (let p = 2; p * p <= x; p += p === 2 ? 1 : 2) {
    if (x % p === 0) {
      out.push(p);
      while (x % p === 0) x /= p;
    }
  }
  if (x > 1) out.push(x);
  return out;
}

/**
 * The register's step is a linear map M with M e0 = mask and M e(i) = e(i-1), so
 * v = e(n-1) is a cyclic vector and M^n v = sum of mask bit j times M^(n-1-j) v: M's
 * characteristic polynomial is p(x) = x^n + sum over set bits j of x^(n-1-j). The
 * register runs through every nonzero state exactly when x has order 2^n - 1 modulo p,
 * checked with polynomials of degree < n in 32-bit words (x^n itself never needs a bit).
 */
class Gf2Poly {
  /** p(x) without its x^n term, and the mask of residues (n bits). */
  private readonly low: number;
  private readonly top: number;
  private readonly mask: number;

  constructor(lfsrMask: number, private readonly n: number) {
    let low = 0;
    for (let j = 0; j < n; j++) if ((lfsrMask >>> j) & 1) low |= 1 << (n - 1 - j);
    this.low = low >>> 0;
    this.top = n - 1;
    this.mask = n === 32 ? 0xffffffff : (1 << n) - 1;
  }

  /** a * b mod p. */
  mul(a: number, b: number): number {
    let r = 0;
    for (let i = this.top; i >= 0; i--) {
      const carry = (r >>> this.top) & 1;
      r = ((r << 1) & this.mask) >>> 0;
      if (carry) r = (r ^ this.low) >>> 0;
      if ((b >>> i) & 1) r = (r ^ a) >>> 0;
    }
    return r;
  }

  /** x^e mod p, e < 2^33. */
  xPow(e: number): number {
    let result = 1;
    let base = this.n === 1 ? this.low : 2; // x itself
    while (e > 0) {
      if (e % 2 === 1) result = this.mul(result, base);
      e = Math.floor(e / 2);
      if (e > 0) base = this.mul(base, base);
    }
    return result;
  }
}

const maximalMemo = new Map<number, boolean>();

/** True when the register with this mask has period 2^n - 1 (all nonzero states). */
export function isMaximalLfsr(mask: number): boolean {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0xffffffff) return false;
  let known = maximalMemo.get(mask);
  if (known === undefined) {
    known = checkMaximal(mask);
    if (maximalMemo.size < 4096) maximalMemo.set(mask, known);
  }
  return known;
}

function checkMaximal(mask: number): boolean {
  const n = lfsrDegree(mask);
  if (n < 2 || n > 32) return false;
  const period = 2 ** n - 1;
  const p = new Gf2Poly(mask >>> 0, n);
  if (p.xPow(period) !== 1) return false;
  for (const q of primeFactors(period)) {
    if (p.xPow(period / q) === 1) return false;
  }
  return true;
}

export const lfsrGenerator: BankGenerator = {
  kind: 'lfsr',
  version: 1,
  contentKind: 'tiles',
  validate(params: BankParams): void {
    expectParams(params, 'lfsr', ['taps', 'tile']);
    intParam(params, 'tile', 1, LFSR_MAX_TILE);
    for (const m of masks(params)) {
      if (!isMaximalLfsr(m)) {
        throw paramError('taps', `holds ${m.toString(16)}, which is not a maximal-length tap mask`, params.taps);
      }
    }
  },
  generate(out: Uint8Array, params: BankParams): void {
    const tile = params.tile as number;
    const list = masks(params);
    const limit = Math.min(out.length, list.length * tile);
    let pos = 0;
    for (const mask of list) {
      let s = 1;
      const end = Math.min(limit, pos + tile);
      while (pos < end) {
        let byte = 0;
        for (let j = 0; j < 8; j++) {
          const bit = s & 1;
          s = (s >>> 1) ^ (mask & -bit);
          byte |= bit << j;
        }
        out[pos++] = byte;
      }
    }
    repeatCycle(out, limit);
  },
};

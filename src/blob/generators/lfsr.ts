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

/** Applies the linear map with the given columns (col[i] = image of bit i) to v. */
function apply(cols: readonly number[], v: number): number {
  let r = 0;
  for (let i = 0; i < cols.length; i++) if ((v >>> i) & 1) r ^= cols[i] as number;
  return r >>> 0;
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

/** Register state after e steps from state 1, by squaring the step map: O(n^2 log e). */
function stateAfter(mask: number, n: number, e: number): number {
  let m: number[] = [mask >>> 0];
  for (let i = 1; i < n; i++) m.push((1 << (i - 1)) >>> 0);
  let v = 1;
  while (e > 0) {
    if (e % 2 === 1) v = apply(m, v);
    e = Math.floor(e / 2);
    if (e > 0) m = m.map((col) => apply(m, col));
  }
  return v;
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
  if (stateAfter(mask, n, period) !== 1) return false;
  for (const p of primeFactors(period)) {
    if (stateAfter(mask, n, period / p) === 1) return false;
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

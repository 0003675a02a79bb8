/**
 * 64-bit FNV-1a on two 32-bit halves: one BigInt conversion per call, none per byte.
 * The prime is 2^40 + 0x1b3, so h * prime = h * 0x1b3 + (h << 40) (mod 2^64).
 */
import { checkBytes, checkRange } from './range.js';

const MASK32 = 0xffffffffn;

export function fnv1a64(state: bigint, buf: Uint8Array, start: number, end: number): bigint {
  checkBytes('fnv1a64', buf, 2);
  checkRange('fnv1a64', buf.length, start, end);
  if (start === end) return BigInt.asUintN(64, state);
  let lo = Number(state & MASK32);
  let hi = Number((state >> 32n) & MASK32);
  for (let i = start; i < end; i++) {
    lo ^= buf[i]!;
    const p = (lo >>> 0) * 0x1b3; // exact: below 2^41
    const newLo = p >>> 0;
    const carry = (p - newLo) / 0x100000000;
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = newLo;
  }
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/**
 * Hashes of k-grams (k = 8 or 16 bytes) for the match index. The same function hashes blob
 * sequences when the index is built and input sequences when it is probed, so the only
 * requirement is speed and spread; it is not part of any file format. The native engine
 * computes the same hashes (native/src/kgram.cc); src/index/hash.ts re-exports these.
 */

const M1 = 0x9e3779b1;
const M2 = 0x85ebca77;
const M3 = 0xc2b2ae3d;

function word(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/** Hash of b[i, i+8) into `bits` bits. Caller guarantees i + 8 <= b.length. */
export function hash8(b: Uint8Array, i: number, shift: number): number {
  const lo = word(b, i);
  const hi = word(b, i + 4);
  let h = Math.imul(lo, M1) ^ Math.imul(hi ^ (lo >>> 13), M2);
  h ^= h >>> 16;
  h = Math.imul(h, M3);
  return (h ^ (h >>> 15)) >>> shift;
}

/** Hash of b[i, i+16) into `bits` bits. Caller guarantees i + 16 <= b.length. */
export function hash16(b: Uint8Array, i: number, shift: number): number {
  const a = word(b, i);
  const c = word(b, i + 4);
  const d = word(b, i + 8);
  const e = word(b, i + 12);
  let h = Math.imul(a, M1) ^ Math.imul(c ^ (a >>> 13), M2);
  h = Math.imul(h ^ d ^ (h >>> 15), M1) ^ Math.imul(e ^ (h >>> 13), M3);
  h ^= h >>> 16;
  h = Math.imul(h, M3);
  return (h ^ (h >>> 15)) >>> shift;
}

export function hashAt(b: Uint8Array, i: number, k: number, shift: number): number {
  return k === 8 ? hash8(b, i, shift) : hash16(b, i, shift);
}

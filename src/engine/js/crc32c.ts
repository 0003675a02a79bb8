/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), zlib-style running value, by
 * slicing-by-8: eight 256-entry tables let each step fold eight bytes with eight lookups.
 */
import { checkBytes, checkCount, checkRange } from './range.js';

const POLY = 0x82f63b78;

/** T[j * 256 + b]: the CRC of byte b followed by j zero bytes. */
const T = (() => {
  const t = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c;
  }
  for (let j = 1; j < 8; j++) {
    for (let b = 0; b < 256; b++) {
      const prev = t[(j - 1) * 256 + b]!;
      t[j * 256 + b] = (prev >>> 8) ^ t[prev & 255]!;
    }
  }
  return t;
})();

export function crc32c(crc: number, buf: Uint8Array, start: number, end: number): number {
  checkBytes('crc32c', buf, 2);
  checkRange('crc32c', buf.length, start, end);
  let c = ~crc;
  let i = start;
  const t = T;
  for (const last = end - 8; i <= last; i += 8) {
    const lo = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    c =
      t[0x700 + (lo & 255)]! ^
      t[0x600 + ((lo >>> 8) & 255)]! ^
      t[0x500 + ((lo >>> 16) & 255)]! ^
      t[0x400 + (lo >>> 24)]! ^
      t[0x300 + buf[i + 4]!]! ^
      t[0x200 + buf[i + 5]!]! ^
      t[0x100 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
  }
  for (; i < end; i++) c = t[(c ^ buf[i]!) & 255]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** a(x) * b(x) mod P(x), both reflected (bit 31 is x^0). */
function multModP(a: number, b: number): number {
  let p = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) mod P(x). */
const X2N = (() => {
  const t = new Uint32Array(64);
  let p = 0x40000000; // x^1
  t[0] = p;
  for (let k = 1; k < 64; k++) t[k] = p = multModP(p, p);
  return t;
})();

/** x^(n * 8) mod P(x): the operator that appends n zero bytes. */
function zeroBytesOperator(n: number): number {
  let p = 0x80000000; // x^0
  for (let k = 3; n > 0; k++, n = Math.floor(n / 2)) {
    if (n % 2 === 1) p = multModP(X2N[k & 63]!, p);
  }
  return p;
}

/** crc32c(0, a ‖ b) from crc32c(0, a), crc32c(0, b) and b's length (zlib's crc32_combine). */
export function crc32cCombine(crcA: number, crcB: number, lenB: number): number {
  checkCount('crc32cCombine', lenB);
  return (multModP(zeroBytesOperator(lenB), crcA >>> 0) ^ crcB) >>> 0;
}

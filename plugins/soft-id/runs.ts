/**
 * Byte-run scans over whole copies, which on a large block span megabytes: equal stretches
 * are settled a chunk at a time by Buffer.compare (memcmp in Node) instead of a byte at a
 * time in JavaScript; only chunks that hold a difference are walked byte by byte. The
 * results are the byte-wise ones exactly.
 */
import { Buffer } from 'node:buffer';

const CHUNK = 4096;
const ZEROS = Buffer.alloc(CHUNK);

function asBuffer(a: Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Turns `old` (the source bytes of a copy, `len` of them) into the copy's differences:
 * old[k] = (block[pos + k] - old[k]) mod 256. True when any difference is nonzero.
 */
export function differencesInPlace(block: Uint8Array, pos: number, old: Uint8Array, len: number): boolean {
  const b = asBuffer(block);
  const o = asBuffer(old);
  let any = 0;
  for (let k = 0; k < len; k += CHUNK) {
    const end = Math.min(len, k + CHUNK);
    if (b.compare(o, k, end, pos + k, pos + end) === 0) {
      o.fill(0, k, end);
      continue;
    }
    for (let i = k; i < end; i++) any |= old[i] = (block[pos + i]! - old[i]!) & 255;
  }
  return any !== 0;
}

/** The first index in [from, end) where d is not zero, or end. */
export function zeroRunEnd(d: Uint8Array, from: number, end: number): number {
  let z = from;
  // Byte by byte up to a chunk boundary, then whole chunks of zeros, then byte by byte.
  const aligned = Math.min(end, Math.ceil(z / CHUNK) * CHUNK);
  while (z < aligned) {
    if (d[z] !== 0) return z;
    z++;
  }
  const buf = asBuffer(d);
  while (z + CHUNK <= end && buf.compare(ZEROS, 0, CHUNK, z, z + CHUNK) === 0) z += CHUNK;
  while (z < end && d[z] === 0) z++;
  return z;
}

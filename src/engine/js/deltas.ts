/**
 * The delta sequences the match index's xor and add tables are built over:
 * d[i] = b[i] ^ b[i + 1] and d[i] = (b[i + 1] - b[i]) & 255, which an `xor c` or `add c`
 * applied to the bytes leaves unchanged.
 */
import { checkBytes, checkRange } from './range.js';

const WORD_MIN = 32;
const HIGH = 0x80808080;
const LOW = 0x7f7f7f7f;

/**
 * Where the source is 4-byte aligned, deltas go four per step: the word of the next bytes
 * is the word shifted one byte down with the following word's first byte on top. (The xor
 * and add loops are written out twice: a shared loop calling a function per word ran 10
 * times slower.)
 */
function wordCount(n: number, b: Uint8Array, start: number): number {
  // Words j and j + 1 are read for deltas 4j..4j+3, so stop one word before the end.
  return n >= WORD_MIN && ((b.byteOffset + start) & 3) === 0 ? ((n + 1) >>> 2) - 1 : 0;
}

export function xorDeltas(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  checkBytes('xorDeltas', b, 1);
  checkRange('xorDeltas', b.length, start, end);
  const n = Math.max(0, end - start - 1);
  const d = new Uint8Array(n);
  const words = wordCount(n, b, start);
  if (words > 0) {
    const src = new Uint32Array(b.buffer, b.byteOffset + start, words + 1);
    const dst = new Uint32Array(d.buffer, 0, words);
    let cur = src[0]!;
    for (let j = 0; j < words; j++) {
      const following = src[j + 1]!;
      dst[j] = ((cur >>> 8) | (following << 24)) ^ cur;
      cur = following;
    }
  }
  for (let i = words * 4; i < n; i++) d[i] = b[start + i]! ^ b[start + i + 1]!;
  return d;
}

/** Per-lane next - cur without borrows between lanes (the classic SWAR subtraction). */
export function addDeltas(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  checkBytes('addDeltas', b, 1);
  checkRange('addDeltas', b.length, start, end);
  const n = Math.max(0, end - start - 1);
  const d = new Uint8Array(n);
  const words = wordCount(n, b, start);
  if (words > 0) {
    const src = new Uint32Array(b.buffer, b.byteOffset + start, words + 1);
    const dst = new Uint32Array(d.buffer, 0, words);
    let cur = src[0]!;
    for (let j = 0; j < words; j++) {
      const following = src[j + 1]!;
      const next = (cur >>> 8) | (following << 24);
      dst[j] = ((next | HIGH) - (cur & LOW)) ^ ((next ^ ~cur) & HIGH);
      cur = following;
    }
  }
  for (let i = words * 4; i < n; i++) d[i] = (b[start + i + 1]! - b[start + i]!) & 255;
  return d;
}

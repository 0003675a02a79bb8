/** xor and add of an 8-bit immediate over a range, in place: the copy transforms. */
import { checkBytes, checkRange } from './range.js';

/** Below this many bytes the word-at-a-time loops are not worth setting up. */
const WORD_MIN = 32;

/** buf[i] ^= imm for i in [start, end), four bytes at a time where aligned. */
export function xorInPlace(buf: Uint8Array, start: number, end: number, imm: number): void {
  checkBytes('xorInPlace', buf, 1);
  checkRange('xorInPlace', buf.length, start, end);
  imm &= 255;
  if (imm === 0) return;
  let i = start;
  if (end - start >= WORD_MIN) {
    while ((buf.byteOffset + i) & 3) buf[i] = buf[i++]! ^ imm;
    const words = (end - i) >>> 2;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const k = (imm * 0x01010101) >>> 0;
    for (let j = 0; j < words; j++) w[j] = w[j]! ^ k;
    i += words * 4;
  }
  for (; i < end; i++) buf[i] = buf[i]! ^ imm;
}

/**
 * buf[i] = (buf[i] + imm) & 255 for i in [start, end). Word loop: adds the low seven bits
 * of each byte lane without carries between lanes, then puts the top bit back by xor.
 */
export function addInPlace(buf: Uint8Array, start: number, end: number, imm: number): void {
  checkBytes('addInPlace', buf, 1);
  checkRange('addInPlace', buf.length, start, end);
  imm &= 255;
  if (imm === 0) return;
  let i = start;
  if (end - start >= WORD_MIN) {
    while ((buf.byteOffset + i) & 3) buf[i] = (buf[i++]! + imm) & 255;
    const words = (end - i) >>> 2;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const k = (imm * 0x01010101) >>> 0;
    const kLow = k & 0x7f7f7f7f;
    const kHigh = k & 0x80808080;
    for (let j = 0; j < words; j++) {
      const x = w[j]!;
      w[j] = ((x & 0x7f7f7f7f) + kLow) ^ ((x & 0x80808080) ^ kHigh);
    }
    i += words * 4;
  }
  for (; i < end; i++) buf[i] = (buf[i]! + imm) & 255;
}

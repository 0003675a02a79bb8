/** countEq: how many bytes of a range equal a value. */
import { checkBytes, checkRange } from './range.js';

const WORD_MIN = 32;

/**
 * Bytes in buf[start, end) equal to value & 255. Word loop: a byte of w ^ pattern is zero
 * exactly where buf matched; the classic "has zero byte" test marks those bytes' top bits
 * without borrows between lanes, and one multiply adds the marks.
 */
export function countEq(buf: Uint8Array, start: number, end: number, value: number): number {
  checkBytes('countEq', buf, 1);
  checkRange('countEq', buf.length, start, end);
  const v = value & 255;
  let n = 0;
  let i = start;
  if (end - start >= WORD_MIN) {
    while ((buf.byteOffset + i) & 3) if (buf[i++] === v) n++;
    const words = (end - i) >>> 2;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const k = Math.imul(v, 0x01010101);
    for (let j = 0; j < words; j++) {
      const x = w[j]! ^ k;
      const zeroTops = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      n += Math.imul(zeroTops >>> 7, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  for (; i < end; i++) if (buf[i] === v) n++;
  return n;
}

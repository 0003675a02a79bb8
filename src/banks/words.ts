/**
 * Counted sequences of words (docs/BANKS.md, "u8 ... u64be"): word i is
 * (from + i*step) mod 2^(8*width), written little- or big-endian.
 */
import { pow2 } from './numbers.js';
import type { Sink } from './sink.js';

const TWO32 = 2 ** 32;

/** x mod m, in [0, m). */
const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;

export function emitWords(width: 1 | 2 | 4 | 8, bigEndian: boolean, from: bigint, step: bigint, count: number, sink: Sink): void {
  const m = pow2(8 * width);
  const f = mod(from, m);
  const s = mod(step, m);
  // 64-bit words as two 32-bit halves, narrower words in the low half only.
  let lo = Number(f % pow2(32));
  let hi = Number(f / pow2(32));
  const slo = Number(s % pow2(32));
  const shi = Number(s / pow2(32));
  const mask = width === 8 ? TWO32 : Number(m);
  const word = new Uint8Array(8);
  const out = sink.out;
  for (let i = 0; i < count && !sink.full; i++) {
    if (width === 8) {
      if (bigEndian) {
        for (let b = 0; b < 4; b++) word[b] = (hi >>> (8 * (3 - b))) & 0xff;
        for (let b = 0; b < 4; b++) word[4 + b] = (lo >>> (8 * (3 - b))) & 0xff;
      } else {
        for (let b = 0; b < 4; b++) word[b] = (lo >>> (8 * b)) & 0xff;
        for (let b = 0; b < 4; b++) word[4 + b] = (hi >>> (8 * b)) & 0xff;
      }
    } else {
      for (let b = 0; b < width; b++) {
        const shift = bigEndian ? width - 1 - b : b;
        word[b] = (lo >>> (8 * shift)) & 0xff;
      }
    }
    if (sink.room >= width) {
      for (let b = 0; b < width; b++) out[sink.pos + b] = word[b] as number;
      sink.pos += width;
    } else {
      sink.putBytes(word.subarray(0, width));
    }
    // Next word: add the step modulo 2^(8*width), with the carry from the low half.
    let nlo = lo + slo;
    let carry = 0;
    if (nlo >= mask) {
      nlo -= mask;
      carry = 1;
    }
    lo = nlo;
    if (width === 8) hi = (hi + shi + carry) % TWO32;
  }
}

/**
 * Counted sequences of words (docs/BANKS.md, section 6.1): word i is
 * (from + i*step) mod 2^(8*width), written little- or big-endian.
 */
import { pow2 } from './numbers.js';
import type { Sink } from './sink.js';

const TWO32 = 2 ** 32;

/** x mod m, in [0, m). */
const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;

/**
 * The words, each as two 32-bit halves (hi is 0 below 64 bits), stepped with a carry.
 * A Uint8Array keeps the low 8 bits of what is stored, so `x >>> shift` stores one byte.
 */
export function emitWords(width: 1 | 2 | 4 | 8, bigEndian: boolean, from: bigint, step: bigint, count: number, sink: Sink): void {
  const m = pow2(8 * width);
  const f = mod(from, m);
  const s = mod(step, m);
  let lo = Number(f % pow2(32));
  let hi = Number(f / pow2(32));
  const slo = Number(s % pow2(32));
  const shi = Number(s / pow2(32));
  // Output byte j of a word: from the high half or not, and its shift there.
  const high: boolean[] = [];
  const shift: number[] = [];
  for (let j = 0; j < width; j++) {
    const k = bigEndian ? width - 1 - j : j;
    high.push(k >= 4);
    shift.push(8 * (k % 4));
  }
  const [s0, s1, s2, s3] = [shift[0] ?? 0, shift[1] ?? 0, shift[2] ?? 0, shift[3] ?? 0];
  const out = sink.out;
  const whole = Math.min(count, Math.floor(sink.room / width));
  let pos = sink.pos;
  if (width === 1) {
    for (let i = 0; i < whole; i++) {
      out[pos++] = lo;
      lo = (lo + slo) & 0xff;
    }
  } else if (width === 2) {
    for (let i = 0; i < whole; i++) {
      out[pos] = lo >>> s0;
      out[pos + 1] = lo >>> s1;
      pos += 2;
      lo = (lo + slo) & 0xffff;
    }
  } else if (width === 4) {
    for (let i = 0; i < whole; i++) {
      out[pos] = lo >>> s0;
      out[pos + 1] = lo >>> s1;
      out[pos + 2] = lo >>> s2;
      out[pos + 3] = lo >>> s3;
      pos += 4;
      lo += slo;
      if (lo >= TWO32) lo -= TWO32;
    }
  } else {
    for (let i = 0; i < whole; i++) {
      // Little-endian: lo then hi, each low byte first; big-endian: hi then lo, high byte first.
      const a = bigEndian ? hi : lo;
      const b = bigEndian ? lo : hi;
      out[pos] = a >>> s0;
      out[pos + 1] = a >>> s1;
      out[pos + 2] = a >>> s2;
      out[pos + 3] = a >>> s3;
      out[pos + 4] = b >>> s0;
      out[pos + 5] = b >>> s1;
      out[pos + 6] = b >>> s2;
      out[pos + 7] = b >>> s3;
      pos += 8;
      lo += slo;
      let carry = 0;
      if (lo >= TWO32) {
        lo -= TWO32;
        carry = 1;
      }
      hi = (hi + shi + carry) % TWO32;
    }
  }
  sink.pos = pos;
  if (whole < count && !sink.full) {
    // The next word does not fit whole: its first bytes fill the sink.
    for (let j = 0; j < width && !sink.full; j++) sink.put((high[j] === true ? hi : lo) >>> (shift[j] as number));
  }
}

/**
 * LEB128 runs (docs/BANKS.md, section 6.2): the length of a run in closed form,
 * so a run's size is known before any byte is made, and the encoder.
 */
import { pow2 } from './numbers.js';
import type { Sink } from './sink.js';

/** a / b rounded down, for b > 0. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** How many i in [0, count) have lo <= from + i*step <= hi. */
function countIn(from: bigint, step: bigint, count: bigint, lo: bigint, hi: bigint): bigint {
  if (count <= 0n) return 0n;
  if (step === 0n) return from >= lo && from <= hi ? count : 0n;
  const s = step > 0n ? step : -step;
  // i*s lies in [lo - from, hi - from] (step > 0) or [from - hi, from - lo] (step < 0).
  const a = step > 0n ? lo - from : from - hi;
  const b = step > 0n ? hi - from : from - lo;
  let iMin = -floorDiv(-a, s);
  let iMax = floorDiv(b, s);
  if (iMin < 0n) iMin = 0n;
  if (iMax > count - 1n) iMax = count - 1n;
  return iMax >= iMin ? iMax - iMin + 1n : 0n;
}

/** Values whose LEB128 form has at most n bytes: [lo, hi]. */
function classBounds(signed: boolean, n: number): [bigint, bigint] {
  return signed ? [-pow2(7 * n - 1), pow2(7 * n - 1) - 1n] : [0n, pow2(7 * n) - 1n];
}

/** Total bytes of the LEB128 forms of from + i*step, i = 0 .. count-1 (all in range). */
export function lebRunLength(signed: boolean, from: bigint, step: bigint, count: bigint): bigint {
  let total = 0n;
  let below = 0n;
  for (let n = 1; n <= 10; n++) {
    const [lo, hi] = classBounds(signed, n);
    const upto = countIn(from, step, count, lo, hi);
    total += BigInt(n) * (upto - below);
    below = upto;
  }
  return total;
}

/**
 * Values are kept as v = H * 2^28 + L with 0 <= L < 2^28: the first four 7-bit groups come
 * from L, the rest from H, and every part stays a safe integer for any 64-bit value.
 */
const LOW_BITS = 28;
const LOW = 2 ** LOW_BITS;

function split(v: bigint): [number, number] {
  return [Number(v >> BigInt(LOW_BITS)), Number(v & BigInt(LOW - 1))];
}

/** Writes the LEB128 forms of the run into the sink, stopping when it is full. */
export function emitLeb(signed: boolean, from: bigint, step: bigint, count: number, sink: Sink): void {
  let [h, l] = split(from);
  const [sh, sl] = split(step);
  const out = sink.out;
  const end = sink.end;
  let pos = sink.pos;
  for (let i = 0; i < count && pos < end; i++) {
    let low = l;
    let done = false;
    for (let j = 1; j <= 4 && pos < end; j++) {
      const b = low & 0x7f;
      low >>>= 7;
      if (signed) {
        // What is left, H * 2^(28-7j) + low, is 0 or -1 exactly when H is and low is all 0s or 1s.
        const sign = (b & 0x40) !== 0;
        done = (!sign && h === 0 && low === 0) || (sign && h === -1 && low === 2 ** (LOW_BITS - 7 * j) - 1);
      } else {
        done = h === 0 && low === 0;
      }
      out[pos++] = done ? b : b | 0x80;
      if (done) break;
    }
    if (!done) {
      let x = h;
      for (;;) {
        if (pos >= end) break;
        const q = Math.floor(x / 128);
        const b = x - q * 128;
        const last = signed ? (q === 0 && b < 64) || (q === -1 && b >= 64) : q === 0;
        out[pos++] = last ? b : b | 0x80;
        if (last) break;
        x = q;
      }
    }
    l += sl;
    if (l >= LOW) {
      l -= LOW;
      h += 1;
    }
    h += sh;
  }
  sink.pos = pos;
}

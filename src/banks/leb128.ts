/**
 * LEB128 runs (docs/BANKS.md, "uleb128 and sleb128"): the length of a run in closed form,
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

/** Writes the LEB128 forms of the run into the sink, stopping when it is full. */
export function emitLeb(signed: boolean, from: bigint, step: bigint, count: number, sink: Sink): void {
  const last = from + BigInt(count - 1) * step;
  const safe = (v: bigint): boolean => v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
  if (safe(from) && safe(last) && (count <= 1 || safe(step))) {
    emitSafe(signed, Number(from), Number(step), count, sink);
    return;
  }
  let v = from;
  for (let i = 0; i < count && sink.pos < sink.end; i++, v += step) {
    if (signed) putSignedBig(v, sink);
    else putUnsignedBig(v, sink);
  }
}

/** The run with every value a safe integer: plain number arithmetic, which is exact there. */
function emitSafe(signed: boolean, from: number, step: number, count: number, sink: Sink): void {
  const out = sink.out;
  const end = sink.end;
  let pos = sink.pos;
  let v = from;
  for (let i = 0; i < count && pos < end; i++, v += step) {
    let x = v;
    if (!signed) {
      while (x >= 128 && pos < end) {
        out[pos++] = 0x80 | x % 128;
        x = Math.floor(x / 128);
      }
      if (pos < end) out[pos++] = x;
      continue;
    }
    for (;;) {
      const q = Math.floor(x / 128);
      const b = x - q * 128;
      const done = (q === 0 && (b & 0x40) === 0) || (q === -1 && (b & 0x40) !== 0);
      if (pos >= end) break;
      out[pos++] = done ? b : b | 0x80;
      if (done) break;
      x = q;
    }
  }
  sink.pos = pos;
}

function putUnsignedBig(v: bigint, sink: Sink): void {
  let x = v;
  while (x >= 128n) {
    sink.put(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  sink.put(Number(x));
}

function putSignedBig(v: bigint, sink: Sink): void {
  let x = v;
  for (;;) {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    const done = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
    sink.put(done ? b : b | 0x80);
    if (done) return;
  }
}

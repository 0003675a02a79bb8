/**
 * `debruijn`: the lexicographically least de Bruijn sequence B(k, n), one symbol per byte.
 * Every string of n symbols over {0..k-1} occurs exactly once in the cyclic sequence of
 * k^n symbols. Symbol j is written as the byte (offset + j) mod 256; offset 48 with k = 2
 * gives strings of ASCII '0' and '1'. The bank repeats the sequence cyclically.
 *
 * The sequence is made by the FKM algorithm (Fredricksen, Kessler, Maiorana), in Duval's
 * non-recursive form: concatenate, in lexicographic order, the Lyndon words over the
 * alphabet whose length divides n.
 */
import type { BankGenerator, BankParams } from '../types.js';
import { expectParams, intParam, paramError, repeatCycle } from '../params.js';

/** Largest k^n accepted: 64 Mi symbols. */
export const DEBRUIJN_MAX_LENGTH = 1 << 26;

/** k^n, or Infinity once it passes DEBRUIJN_MAX_LENGTH. */
function sequenceLength(k: number, n: number): number {
  let len = 1;
  for (let i = 0; i < n; i++) {
    len *= k;
    if (len > DEBRUIJN_MAX_LENGTH) return Infinity;
  }
  return len;
}

/**
 * Writes the first min(out.length, k^n) symbols of B(k, n) into out (as offset + symbol),
 * returning how many were written.
 */
export function writeDeBruijn(out: Uint8Array, k: number, n: number, offset: number): number {
  const limit = Math.min(out.length, sequenceLength(k, n));
  const w = new Int32Array(n);
  let len = 1;
  w[0] = -1;
  let pos = 0;
  while (len > 0 && pos < limit) {
    // Next Lyndon-word prefix: increment the last symbol.
    w[len - 1] = (w[len - 1] as number) + 1;
    const m = len;
    if (n % m === 0) {
      for (let j = 0; j < m && pos < limit; j++) out[pos++] = (offset + (w[j] as number)) & 0xff;
    }
    // Extend periodically to length n, then drop trailing maximal symbols.
    while (len < n) {
      w[len] = w[len - m] as number;
      len++;
    }
    while (len > 0 && w[len - 1] === k - 1) len--;
  }
  return pos;
}

export const debruijnGenerator: BankGenerator = {
  kind: 'debruijn',
  version: 1,
  contentKind: 'tiles',
  validate(params: BankParams): void {
    expectParams(params, 'debruijn', ['k', 'n', 'offset']);
    const k = intParam(params, 'k', 2, 256);
    const n = intParam(params, 'n', 1, 26);
    intParam(params, 'offset', 0, 255);
    if (sequenceLength(k, n) > DEBRUIJN_MAX_LENGTH) {
      throw paramError('n', `makes k^n = ${k}^${n} larger than ${DEBRUIJN_MAX_LENGTH}`, n);
    }
  },
  generate(out: Uint8Array, params: BankParams): void {
    const written = writeDeBruijn(out, params.k as number, params.n as number, params.offset as number);
    repeatCycle(out, written);
  },
};

/**
 * Hashes of k-grams for the match index (kept with the engine, whose k-gram tables use them:
 * src/engine/js/kgram-hash.ts), and the delta sequences the xor/add tables index.
 */
import { engine } from '../engine/index.js';

export { hash8, hash16, hashAt } from '../engine/js/kgram-hash.js';

/** Sequence derived from bytes so that `xor c` applied to the bytes leaves it unchanged. */
export function xorDeltas(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  return engine().xorDeltas(b, start, end);
}

/** Sequence derived from bytes so that `add c` applied to the bytes leaves it unchanged. */
export function addDeltas(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  return engine().addDeltas(b, start, end);
}

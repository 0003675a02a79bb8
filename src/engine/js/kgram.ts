/** The k-gram hash table of src/index/table.ts: heads per hash, chains lowest position first. */
import { hashAt } from './kgram-hash.js';
import type { KgramArrays } from '../types.js';

export function checkKgramArgs(what: string, k: number, step: number, bits: number, shift: number): void {
  if (k !== 8 && k !== 16) throw new RangeError(`${what}: k must be 8 or 16, not ${k}`);
  if (!(Number.isInteger(step) && step >= 1)) throw new RangeError(`${what}: step ${step} is not a positive integer`);
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 30)) throw new RangeError(`${what}: bits ${bits} is not in 1..30`);
  if (!(Number.isInteger(shift) && shift >= 0 && shift <= 31 && 32 - shift <= bits)) {
    throw new RangeError(`${what}: shift ${shift} leaves hashes wider than ${bits} bits`);
  }
}

/** Entries of a table over n bytes: one per step while a whole k-gram fits. */
export function kgramEntries(n: number, k: number, step: number): number {
  const last = n - k;
  return last < 0 ? 0 : Math.floor(last / step) + 1;
}

export function buildKgramTable(seq: Uint8Array, k: number, step: number, bits: number, shift = 32 - bits): KgramArrays {
  checkKgramArgs('buildKgramTable', k, step, bits, shift);
  const entries = kgramEntries(seq.length, k, step);
  if (entries > 0x7fffffff) throw new RangeError(`buildKgramTable: ${entries} entries do not fit 32-bit entry numbers`);
  const head = new Int32Array(2 ** bits).fill(-1);
  const prev = new Int32Array(entries);
  // Insert from high to low so each chain starts at its lowest position.
  for (let e = entries - 1; e >= 0; e--) {
    const h = hashAt(seq, e * step, k, shift);
    prev[e] = head[h]!;
    head[h] = e;
  }
  return { head, prev };
}

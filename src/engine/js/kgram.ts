/** The k-gram table of src/index/table.ts: entries bucketed by hash, lowest position first. */
import { hashAt } from './kgram-hash.js';
import type { KgramArrays } from '../types.js';
import { argText, checkBytes } from './range.js';

export function checkKgramArgs(what: string, k: number, step: number, bits: number, shift: number): void {
  if (k !== 8 && k !== 16) throw new RangeError(`${what}: k must be 8 or 16, not ${argText(k)}`);
  if (!(Number.isInteger(step) && step >= 1)) throw new RangeError(`${what}: step ${argText(step)} is not a positive integer`);
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 30)) throw new RangeError(`${what}: bits ${argText(bits)} is not in 1..30`);
  if (!(Number.isInteger(shift) && shift >= 0 && shift <= 31 && 32 - shift <= bits)) {
    throw new RangeError(`${what}: shift ${argText(shift)} leaves hashes wider than ${argText(bits)} bits`);
  }
}

/** Entries of a table over n bytes: one per step while a whole k-gram fits. */
export function kgramEntries(n: number, k: number, step: number): number {
  const last = n - k;
  return last < 0 ? 0 : Math.floor(last / step) + 1;
}

/** The 8 bits of a full hash just below the bucket's (zeros fill in under bit 0). */
export function checkByte(full: number, shift: number): number {
  return (shift >= 8 ? full >>> (shift - 8) : full << (8 - shift)) & 255;
}

/**
 * A counting sort of the entries by hash: count each bucket, turn the counts into starts,
 * then place the entries in increasing order, so each bucket lists them lowest first.
 */
export function buildKgramTable(seq: Uint8Array, k: number, step: number, bits: number, shift = 32 - bits): KgramArrays {
  checkBytes('buildKgramTable', seq, 1);
  checkKgramArgs('buildKgramTable', k, step, bits, shift);
  const n = kgramEntries(seq.length, k, step);
  if (n > 0x7fffffff) throw new RangeError(`buildKgramTable: ${n} entries do not fit 32-bit entry numbers`);
  const buckets = 2 ** bits;
  const start = new Int32Array(buckets + 1);
  const hashes = new Uint32Array(n);
  for (let e = 0; e < n; e++) {
    const full = hashAt(seq, e * step, k, 0);
    hashes[e] = full;
    start[(full >>> shift) + 1]!++;
  }
  for (let h = 0; h < buckets; h++) start[h + 1]! += start[h]!;
  const next = start.slice(0, buckets);
  const entries = new Int32Array(n);
  const check = new Uint8Array(n);
  const bloom = new Uint16Array(buckets);
  for (let e = 0; e < n; e++) {
    const full = hashes[e]!;
    const h = full >>> shift;
    const at = next[h]!++;
    const c = checkByte(full, shift);
    entries[at] = e;
    check[at] = c;
    bloom[h]! |= 1 << (c & 15);
  }
  return { start, entries, check, bloom };
}

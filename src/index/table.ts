/**
 * A k-gram hash table over one sequence (a bank's bytes, or their xor/add deltas).
 * Positions are sampled every `step` bytes; entries are bucketed by hash, lowest position
 * first, so a probe sees the candidates with the most room to extend forward. Probes walk a
 * bounded number of candidates (bounded fanout), whatever the data.
 */
import { engine } from '../engine/index.js';

export interface KgramTable {
  /** k-gram length in bytes (8 or 16). */
  k: number;
  /** Sampling step over the sequence. */
  step: number;
  /** Hash width in bits; buckets = 2^bits. */
  bits: number;
  /** Bucket h holds entries[start[h]] .. entries[start[h + 1] - 1]; 2^bits + 1 words. */
  start: Int32Array;
  /** Entry numbers (position / step), grouped by bucket, ascending within one. */
  entries: Int32Array;
  /** Each entry's check byte: the 8 hash bits below its bucket's (see checkOf). */
  check: Uint8Array;
  /**
   * One bit per bucket, set when the bucket holds an entry. Probes check it first: it is
   * 32 times smaller than start and stays in cache, and most probes of new data miss.
   */
  occupied: Uint32Array;
}

/** One bit per bucket, set when it holds an entry (the engine's kernel). */
export function occupancy(start: Int32Array): Uint32Array {
  return engine().occupancy(start);
}

/**
 * The check byte of a full 32-bit k-gram hash in a table of `bits` bits (bits <= 24): the
 * 8 bits below the bucket's, as the engine's table build stores them.
 */
export function checkOf(full: number, bits: number): number {
  return (full >>> (24 - bits)) & 255;
}

/** True when bucket h may hold entries. */
export function mayHold(t: KgramTable, h: number): boolean {
  return (t.occupied[h >>> 5] & (1 << (h & 31))) !== 0;
}

/**
 * Hash width for a table of `entries`: the fewest bits (10 to 24) that keep the average
 * bucket at `load` entries or fewer.
 */
export function tableBits(entries: number, load = 1): number {
  let bits = 10;
  while (bits < 24 && (1 << bits) * load < entries) bits++;
  return bits;
}

/** Entries of a table over n bytes: one per step while a whole k-gram fits. */
function entriesOf(n: number, k: number, step: number): number {
  const last = n - k; // last position a k-gram can start at
  return last < 0 ? 0 : Math.floor(last / step) + 1;
}

/**
 * The table over seq, by the engine's kernel: entry e is the k-gram at e * step, hashed by
 * hashAt (hash.ts) into `bits` bits, bucketed lowest position first.
 */
export function buildTable(seq: Uint8Array, k: number, step: number, load = 1): KgramTable {
  const bits = tableBits(entriesOf(seq.length, k, step), load);
  const { start, entries, check } = engine().buildKgramTable(seq, k, step, bits);
  return { k, step, bits, start, entries, check, occupied: occupancy(start) };
}

/** buildTable with a given hash width (2^bits buckets). */
export function buildTableWithBits(seq: Uint8Array, k: number, step: number, bits: number): KgramTable {
  const { start, entries, check } = engine().buildKgramTable(seq, k, step, bits);
  return { k, step, bits, start, entries, check, occupied: occupancy(start) };
}

/**
 * buildTableWithBits off the JavaScript thread where the engine can (the native one can);
 * `threads` as the engine's buildKgramTableAsync takes it.
 */
export async function buildTableWithBitsAsync(seq: Uint8Array, k: number, step: number, bits: number, threads?: number): Promise<KgramTable> {
  const { start, entries, check } = await engine().buildKgramTableAsync(seq, k, step, bits, 32 - bits, threads);
  return { k, step, bits, start, entries, check, occupied: occupancy(start) };
}

/** buildTable off the JavaScript thread where the engine can (the native one can). */
export async function buildTableAsync(seq: Uint8Array, k: number, step: number, load = 1): Promise<KgramTable> {
  const bits = tableBits(entriesOf(seq.length, k, step), load);
  const { start, entries, check } = await engine().buildKgramTableAsync(seq, k, step, bits);
  return { k, step, bits, start, entries, check, occupied: occupancy(start) };
}

const TABLE_MAGIC = 0x4958_4650; // "PFXI" little-endian
const TABLE_VERSION = 3;
const HEADER_WORDS = 8;

/** Words the check bytes take, padded to keep what follows 4-byte aligned. */
const checkWords = (entries: number): number => Math.ceil(entries / 4);

/** Bytes of a serialized table: 8 header words, start, entries, check bytes (padded). */
export function tableByteLength(t: KgramTable): number {
  return 4 * (HEADER_WORDS + t.start.length + t.entries.length + checkWords(t.entries.length));
}

export function writeTable(t: KgramTable, out: Uint8Array, at: number): number {
  const words = new Int32Array(out.buffer, out.byteOffset + at, HEADER_WORDS + t.start.length + t.entries.length);
  words[0] = TABLE_MAGIC;
  words[1] = TABLE_VERSION;
  words[2] = t.k;
  words[3] = t.step;
  words[4] = t.bits;
  words[5] = t.entries.length;
  words.set(t.start, HEADER_WORDS);
  words.set(t.entries, HEADER_WORDS + t.start.length);
  out.set(t.check, at + 4 * words.length);
  return at + tableByteLength(t);
}

/**
 * Reads a table written by writeTable, as views on `buf` (no copy). Returns undefined when
 * the bytes are not a well-formed table, so the caller rebuilds instead of trusting them.
 * (The cache checks each entry's digest; this checks the shape, and that the bucket starts
 * frame the entries, which is all a probe relies on to stay inside the arrays.)
 */
export function readTable(buf: Uint8Array, at: number): { table: KgramTable; end: number } | undefined {
  if ((buf.byteOffset + at) % 4 !== 0 || at + 4 * HEADER_WORDS > buf.length) return undefined;
  const hdr = new Int32Array(buf.buffer, buf.byteOffset + at, HEADER_WORDS);
  const [magic, version, k, step, bits, entries] = hdr;
  if (magic !== TABLE_MAGIC || version !== TABLE_VERSION) return undefined;
  if ((k !== 8 && k !== 16) || step < 1 || bits < 10 || bits > 24 || entries < 0) return undefined;
  const buckets = 1 << bits;
  const words = HEADER_WORDS + buckets + 1 + entries + checkWords(entries);
  if (at + 4 * words > buf.length) return undefined;
  const base = buf.byteOffset + at + 4 * HEADER_WORDS;
  const start = new Int32Array(buf.buffer, base, buckets + 1);
  if (start[0] !== 0 || start[buckets] !== entries) return undefined;
  const list = new Int32Array(buf.buffer, base + 4 * (buckets + 1), entries);
  const check = new Uint8Array(buf.buffer, base + 4 * (buckets + 1 + entries), entries);
  return { table: { k, step, bits, start, entries: list, check, occupied: occupancy(start) }, end: at + 4 * words };
}

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
   * A halfword per bucket, bit (c & 15) set for each check byte c in it (see mayHoldCheck).
   * Probes read it first: a clear bit settles the probe with one read, where the bucket's
   * start and then its check bytes are two dependent ones (about four entries a bucket,
   * so nearly every bucket is occupied, and most probes of new data find no entry).
   */
  bloom: Uint16Array;
}

/**
 * The check byte of a full 32-bit k-gram hash in a table of `bits` bits (bits <= 24): the
 * 8 bits below the bucket's, as the engine's table build stores them.
 */
export function checkOf(full: number, bits: number): number {
  return (full >>> (24 - bits)) & 255;
}

/** True when bucket h may hold an entry with check byte c (false: it holds none). */
export function mayHoldCheck(t: KgramTable, h: number, c: number): boolean {
  return ((t.bloom[h] >>> (c & 15)) & 1) !== 0;
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
  const { start, entries, check, bloom } = engine().buildKgramTable(seq, k, step, bits);
  return { k, step, bits, start, entries, check, bloom };
}

/** buildTable with a given hash width (2^bits buckets). */
export function buildTableWithBits(seq: Uint8Array, k: number, step: number, bits: number): KgramTable {
  const { start, entries, check, bloom } = engine().buildKgramTable(seq, k, step, bits);
  return { k, step, bits, start, entries, check, bloom };
}

/**
 * buildTableWithBits off the JavaScript thread where the engine can (the native one can);
 * `threads` as the engine's buildKgramTableAsync takes it.
 */
export async function buildTableWithBitsAsync(seq: Uint8Array, k: number, step: number, bits: number, threads?: number): Promise<KgramTable> {
  const { start, entries, check, bloom } = await engine().buildKgramTableAsync(seq, k, step, bits, 32 - bits, threads);
  return { k, step, bits, start, entries, check, bloom };
}

/** buildTable off the JavaScript thread where the engine can (the native one can). */
export async function buildTableAsync(seq: Uint8Array, k: number, step: number, load = 1): Promise<KgramTable> {
  const bits = tableBits(entriesOf(seq.length, k, step), load);
  const { start, entries, check, bloom } = await engine().buildKgramTableAsync(seq, k, step, bits);
  return { k, step, bits, start, entries, check, bloom };
}

/*
 * A serialized table (a cache object's part; little-endian, 4-byte aligned):
 *   8 header words   magic "PFXI", TABLE_VERSION, k, step, bits, entries, 0, 0
 *   start            2^bits + 1 int32
 *   entries          `entries` int32
 *   check            `entries` bytes, zero-padded to a multiple of 4
 *   bloom            2^bits uint16 (version 4 on; version 3 had none)
 */
const TABLE_MAGIC = 0x4958_4650; // "PFXI" little-endian
const TABLE_VERSION = 4;
const HEADER_WORDS = 8;

/** Words the check bytes take, padded to keep what follows 4-byte aligned. */
const checkWords = (entries: number): number => Math.ceil(entries / 4);

/** Words the bucket halfwords take (a whole number: tables have at least 2^10 buckets). */
const bloomWords = (buckets: number): number => Math.ceil(buckets / 2);

/** Bytes of a serialized table: 8 header words, start, entries, check bytes (padded), bucket halfwords. */
export function tableByteLength(t: KgramTable): number {
  return 4 * (HEADER_WORDS + t.start.length + t.entries.length + checkWords(t.entries.length) + bloomWords(t.bloom.length));
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
  const bloomAt = out.byteOffset + at + 4 * (words.length + checkWords(t.entries.length));
  new Uint16Array(out.buffer, bloomAt, t.bloom.length).set(t.bloom);
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
  const words = HEADER_WORDS + buckets + 1 + entries + checkWords(entries) + bloomWords(buckets);
  if (at + 4 * words > buf.length) return undefined;
  const base = buf.byteOffset + at + 4 * HEADER_WORDS;
  const start = new Int32Array(buf.buffer, base, buckets + 1);
  if (start[0] !== 0 || start[buckets] !== entries) return undefined;
  const list = new Int32Array(buf.buffer, base + 4 * (buckets + 1), entries);
  const check = new Uint8Array(buf.buffer, base + 4 * (buckets + 1 + entries), entries);
  const bloom = new Uint16Array(buf.buffer, base + 4 * (buckets + 1 + entries + checkWords(entries)), buckets);
  return { table: { k, step, bits, start, entries: list, check, bloom }, end: at + 4 * words };
}

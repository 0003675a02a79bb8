/**
 * The kernels: the hot loops pfsc runs over bytes, with one API for both engines (the
 * native addon and its JavaScript twin). Both must give identical results for every
 * argument; test/engine/ checks that they do.
 *
 * Ranges are [start, end) byte positions in the given array (its own indices, so a
 * subarray's 0 is its first byte). A range outside the array throws a RangeError on both
 * engines rather than reading or writing past it.
 */

/**
 * The k-gram table src/index/table.ts builds (see buildTable there), bucketed: the entries
 * with hash h are entries[start[h]] .. entries[start[h + 1] - 1], lowest first.
 */
export interface KgramArrays {
  /** 2^bits + 1 words, non-decreasing: start[0] = 0, start[2^bits] = the number of entries. */
  start: Int32Array;
  /** Every entry number (entry e is the k-gram at e * step), grouped by hash, ascending within a hash. */
  entries: Int32Array;
  /**
   * check[x]: the 8 bits of entries[x]'s full 32-bit hash just below its bucket's,
   * (hash >>> (shift - 8)) & 255 (shifted up when shift < 8), so a probe rejects most other
   * k-grams that share the bucket without reading the sequence.
   */
  check: Uint8Array;
  /**
   * 2^bits halfwords, one per bucket: bit (c & 15) set for each check byte c among the
   * bucket's entries. A probe whose check byte's bit is clear skips the bucket without
   * reading its starts or check bytes (a cache miss each, on a large table).
   */
  bloom: Uint16Array;
}

export interface Kernels {
  /** buf[i] ^= imm for i in [start, end). */
  xorInPlace(buf: Uint8Array, start: number, end: number, imm: number): void;
  /** buf[i] = (buf[i] + imm) & 255 for i in [start, end). */
  addInPlace(buf: Uint8Array, start: number, end: number, imm: number): void;
  /** How many bytes in buf[start, end) equal value & 255. */
  countEq(buf: Uint8Array, start: number, end: number, value: number): number;
  /**
   * CRC-32C (Castagnoli) of buf[start, end), continuing from crc (0 to start), as zlib's
   * crc32 does: crc32c(0, "123456789") = 0xE3069283, and
   * crc32c(crc32c(0, a), b) = crc32c(0, a ‖ b). Returns an unsigned 32-bit number.
   */
  crc32c(crc: number, buf: Uint8Array, start: number, end: number): number;
  /** crc32c(0, a ‖ b) from crcA = crc32c(0, a), crcB = crc32c(0, b) and b's length. */
  crc32cCombine(crcA: number, crcB: number, lenB: number): number;
  /**
   * 64-bit FNV-1a of buf[start, end), continuing from state (start with FNV64_OFFSET).
   */
  fnv1a64(state: bigint, buf: Uint8Array, start: number, end: number): bigint;
  /**
   * How many bytes are equal going forward: the largest n <= max with
   * a[ai + j] === b[bi + j] for all j < n. max is clamped to what both arrays hold.
   */
  matchForward(a: Uint8Array, ai: number, b: Uint8Array, bi: number, max: number): number;
  /**
   * How many bytes are equal going backward from a[ai - 1] and b[bi - 1]: the largest
   * n <= max with a[ai - 1 - j] === b[bi - 1 - j] for all j < n (max clamped to ai and bi).
   */
  matchBackward(a: Uint8Array, ai: number, b: Uint8Array, bi: number, max: number): number;
  /**
   * The k-gram table of src/index/table.ts over seq: entries at positions e * step while a
   * k-gram fits, hashed by hashAt(seq, e * step, k, shift) (shift defaults to 32 - bits),
   * bucketed by hash, lowest position first within a bucket, each with its check byte.
   */
  buildKgramTable(seq: Uint8Array, k: number, step: number, bits: number, shift?: number): KgramArrays;
  /** d[i] = b[start + i] ^ b[start + i + 1]: unchanged by an `xor c` of the bytes. */
  xorDeltas(b: Uint8Array, start: number, end: number): Uint8Array;
  /** d[i] = (b[start + i + 1] - b[start + i]) & 255: unchanged by an `add c` of the bytes. */
  addDeltas(b: Uint8Array, start: number, end: number): Uint8Array;
  /**
   * The same table, built off the JavaScript thread when the engine can (native: an
   * AsyncWorker, on two threads for large inputs; JS: synchronously). seq must not change
   * until the promise settles. `threads` (native only): 1 for a build meant to run beside
   * busy JavaScript, one core each; anything else is the default, two.
   */
  buildKgramTableAsync(seq: Uint8Array, k: number, step: number, bits: number, shift?: number, threads?: number): Promise<KgramArrays>;
  /**
   * out[outPos + j] = f(src[srcPos + j]) for j < len, where f is the copy op's transform
   * (docs/FORMAT.md "Op codes": 1 copy, 2 xor imm, 3 add imm). src may be out itself, in
   * which case the ranges may overlap (the bytes are moved first, then transformed).
   */
  executeCopy(out: Uint8Array, outPos: number, src: Uint8Array, srcPos: number, len: number, op: number, imm: number): void;
  /**
   * out[outPos + k] = (out[outPos + k] + diff[diffPos + k]) mod 256 for k < len: a COPY_DIFF
   * segment's differences added to the bytes its copy put in place (docs/FORMAT.md). The two
   * ranges may overlap (the differences are read as they were before the call).
   */
  addDiff(out: Uint8Array, outPos: number, diff: Uint8Array, diffPos: number, len: number): void;
  /**
   * A file's bytes as an ArrayBuffer: mapped read-only without a copy (native), or read into
   * memory (JS). The file must not be truncated while the buffer is in use.
   */
  mapFile(path: string): ArrayBuffer;
  /**
   * A whole regular file and its SHA-256, read off the JavaScript thread where the engine
   * can (native: an AsyncWorker hashing as it reads, into huge-page memory). Rejects with an
   * Error whose code is the errno name (ENOENT, EACCES, ...), ENOTREG (not a regular file),
   * EFBIG (more than maxBytes), or ESHRINK / EGROW (the file changed size while read).
   */
  readFile(path: string, maxBytes: number): Promise<FileContents>;
  /** A zero-filled array of length bytes (native: on huge pages when large, fewer page faults). */
  allocBytes(length: number): Uint8Array;
  /**
   * Decodes the raw LZMA2 stream `coded` (dictionary dictSize) into `out` off the
   * JavaScript thread, never past out's end; neither array may change until the promise
   * settles. Resolves to the bytes written, or -1 when the data holds more than `out`, -2
   * when it is damaged, -3 when the decoder's memory was not there. Only the native engine
   * has it, and only with the system's liblzma (native/src/lzma2.h); without it
   * src/format/lzma2.ts decodes with lzma-native, the reference.
   */
  lzma2DecodeAsync?(coded: Uint8Array, out: Uint8Array, dictSize: number): Promise<number>;
}

/** What readFile gives: the bytes and their SHA-256 (32 bytes). */
export interface FileContents {
  bytes: Uint8Array;
  sha256: Uint8Array;
}

/** FNV-1a 64 offset basis: the state before any byte. */
export const FNV64_OFFSET = 0xcbf29ce484222325n;
/** FNV-1a 64 prime. */
export const FNV64_PRIME = 0x100000001b3n;

export type EngineName = 'native' | 'js';
/** The widest SIMD the native kernels use; 'none' on the JS engine. */
export type SimdLevel = 'avx512' | 'avx2' | 'scalar' | 'none';

export interface EngineInfo {
  engine: EngineName;
  simd: SimdLevel;
  /** The widest level the CPU supports, before any PFSC_NATIVE_SIMD cap (native only). */
  cpuSimd?: SimdLevel;
  /** The addon's version (the package version it was built from), when it loaded. */
  addonVersion?: string;
  /**
   * Who decodes LZMA2: 'liblzma <version>' (the system's, through the addon) or
   * 'lzma-native' (its bundled liblzma).
   */
  lzma2: string;
  /** Why the native engine is not in use, when it is not. */
  reason?: string;
  /**
   * Where readFile hashes: 'native' on the addon's worker thread (the host Node's OpenSSL,
   * found at run time), 'js' on the JavaScript thread.
   */
  sha256: 'native' | 'js';
}

/**
 * In-memory shapes of a blueprint. The encoder turns these into .pbb bytes and the decoder
 * turns .pbb bytes back into them; docs/FORMAT.md is the normative description.
 * This folder depends on nothing else in src except ../errors.ts.
 */

/** Segment op codes as stored in the op stream. */
export const OP_LITERAL = 0;
export const OP_COPY = 1; // COPY with transform 0 (identity)
export const OP_COPY_XOR = 2; // COPY with transform xor imm8
export const OP_COPY_ADD = 3; // COPY with transform add imm8
/** Highest op code this version understands. */
export const OP_MAX = OP_COPY_ADD;

/** Ops whose segments carry an immediate byte in the immediates stream. */
export function opHasImmediate(op: number): boolean {
  return op === OP_COPY_XOR || op === OP_COPY_ADD;
}

/**
 * One block's segments, struct-of-arrays. A file's output is the concatenation of its
 * blocks' outputs; each block's output is the concatenation of its segments' outputs.
 * Copy offsets are absolute positions in the blob; the encoder codes them relative to the
 * previous copy's diagonal (carried across blocks), the decoder turns them back.
 */
export interface BlockPlan {
  /** Output bytes this block produces; equals the sum of len[0..count). */
  outLength: number;
  /** Number of segments. */
  count: number;
  /** op[i]: one of the OP_* codes. */
  op: Uint8Array;
  /** len[i]: bytes segment i produces (> 0). */
  len: Uint32Array;
  /** off[i]: absolute blob offset of a copy (ignored for literals). */
  off: Float64Array;
  /** imm[i]: immediate of xor/add copies (ignored otherwise). */
  imm: Uint8Array;
  /** The literal bytes of all LITERAL segments, in order; length = sum of their len. */
  spill: Uint8Array;
}

/** Per-ref fingerprint carried in the header so a wrong ref can be named on replay. */
export interface RefFingerprint {
  /** Byte length of the ref file. */
  size: number;
  /** First 4 bytes of the ref's SHA-256. */
  digestPrefix: Uint8Array;
}

export interface PbbHeader {
  /** Format version (2 for this spec, docs/FORMAT.md). */
  version: number;
  /** Length of the output file in bytes (may exceed 2^32; < 2^53). */
  outputLength: number;
  /** The Blob_ID the blueprint needs: 16 bytes. */
  blobId: Uint8Array;
  /** First 4 bytes of the Blob_ID of the blob's base part (the profile's generated banks). */
  baseFingerprint: Uint8Array;
  /** One entry per ref bank, in blob order. */
  refs: RefFingerprint[];
  /** First 16 bytes of SHA-256 over the whole output. */
  outputDigest: Uint8Array;
}

/** What the pack stage reports per stream, for inspect and --verbose. */
export interface StreamStats {
  /** The five streams of a streams-coded block, or 'segments' (with 'spill') of a modeled one. */
  name: 'ops' | 'lengths' | 'offsets' | 'immediates' | 'segments' | 'spill';
  /** Decoded bytes; for 'segments', the number of segments. */
  rawBytes: number;
  codedBytes: number;
  coding: 'stored' | 'lzma2' | 'zstd' | 'range';
}

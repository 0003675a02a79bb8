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
/** COPY plus a difference byte per output byte, from the block's Diffs stream (format 3). */
export const OP_COPY_DIFF = 4;
/** Op code of the header's first transform: transform j has op OP_TRANSFORM + j (format 3). */
export const OP_TRANSFORM = 16;
/** Most transforms a header may declare. */
export const MAX_TRANSFORMS = 16;
/** Most immediate bytes a declared transform takes per segment. */
export const MAX_TRANSFORM_IMMEDIATES = 8;
/** Highest op code of format 2 (and of a format 3 block without extended ops). */
export const OP_MAX = OP_COPY_ADD;

/** Ops whose segments carry one immediate byte (xor/add); transforms carry their Imm_Count. */
export function opHasImmediate(op: number): boolean {
  return op === OP_COPY_XOR || op === OP_COPY_ADD;
}

/** True for the ops a format 3 block may use only with its extended-ops bit set. */
export function isExtendedOp(op: number): boolean {
  return op === OP_COPY_DIFF || op >= OP_TRANSFORM;
}

/** A transform a blueprint's header declares (format 3): its op is OP_TRANSFORM + its index. */
export interface TransformDecl {
  /** 1 to 64 characters: a-z, 0-9, then also '.', '_', '/', '-'. */
  name: string;
  /** Immediate bytes per segment, 0 to 8. */
  immCount: number;
}

/** Transform names: what a header may declare. */
export const TRANSFORM_NAME_PATTERN = /^[a-z0-9][a-z0-9._/-]{0,63}$/;

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
  /**
   * The difference bytes of all COPY_DIFF segments, in order (length = sum of their len):
   * segment output byte k = (source byte k + difference byte k) mod 256. Absent: none.
   */
  diffs?: Uint8Array;
  /**
   * The immediate bytes of all transform segments (ops OP_TRANSFORM + j), in order, each
   * the Imm_Count bytes its transform declares. Absent: none.
   */
  timm?: Uint8Array;
}

/** Per-ref fingerprint carried in the header so a wrong ref can be named on replay. */
export interface RefFingerprint {
  /** Byte length of the ref file. */
  size: number;
  /** First 4 bytes of the ref's SHA-256. */
  digestPrefix: Uint8Array;
}

export interface PbbHeader {
  /** Format version (3 written; 2 read as well, docs/FORMAT.md). */
  version: number;
  /** Length of the output file in bytes (may exceed 2^32; < 2^53). */
  outputLength: number;
  /** The Blob_ID the blueprint needs: 16 bytes. */
  blobId: Uint8Array;
  /**
   * Whether the header carries the diagnostics below (always in format 2; in format 3 an
   * encoder may leave them out, pfsc does for outputs under 64 KiB).
   */
  diagnostics: boolean;
  /** First 4 bytes of the Blob_ID of the blob's base part; empty without diagnostics. */
  baseFingerprint: Uint8Array;
  /** One entry per ref bank, in blob order; empty without diagnostics. */
  refs: RefFingerprint[];
  /** The transforms the blocks may use (format 3), op OP_TRANSFORM + index. */
  transforms: TransformDecl[];
  /** First 16 bytes of SHA-256 over the whole output. */
  outputDigest: Uint8Array;
}

/** What the pack stage reports per stream, for inspect and --verbose. */
export interface StreamStats {
  /** The five streams of a streams-coded block, or 'segments' (with 'spill') of a modeled one; 'diffs' in both. */
  name: 'ops' | 'lengths' | 'offsets' | 'immediates' | 'segments' | 'spill' | 'diffs';
  /** Decoded bytes; for 'segments', the number of segments. */
  rawBytes: number;
  codedBytes: number;
  coding: 'stored' | 'lzma2' | 'zstd' | 'range' | 'filtered';
  /** For a filtered spill: the filter's name (docs/FILTERS.md). */
  filter?: string;
}

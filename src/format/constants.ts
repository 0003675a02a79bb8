/**
 * Numbers fixed by docs/FORMAT.md (format version 3). Changing any of them changes the
 * format and needs a new version.
 */

/** "PFSB" in ASCII: the first four bytes of every blueprint. */
export const PBB_MAGIC: Uint8Array = Uint8Array.of(0x50, 0x46, 0x53, 0x42);
/** The format version this code writes. */
export const PBB_VERSION = 3;
/** The oldest format version this code reads. */
export const PBB_MIN_VERSION = 2;

/** Header Flags (format 3): the diagnostics (base fingerprint and refs) are present. */
export const FLAG_DIAGNOSTICS = 0x01;
/** Header Flags (format 3): a transform table is present. */
export const FLAG_TRANSFORMS = 0x02;
/** Longest transform name in a header. */
export const MAX_TRANSFORM_NAME = 64;

export const BLOB_ID_BYTES = 16;
export const BASE_FINGERPRINT_BYTES = 4;
export const REF_DIGEST_PREFIX_BYTES = 4;
export const OUTPUT_DIGEST_BYTES = 16;

/** Most ref entries a header may carry. */
export const MAX_REFS = 1024;
/** Most bytes one block may produce (256 MiB). */
export const MAX_BLOCK_OUT_LENGTH = 256 * 1024 * 1024;
/** Most segments one block may hold (2^25). */
export const MAX_BLOCK_SEGMENTS = 2 ** 25;
/** Every number in a blueprint is below this (2^53): exact in a JS number. */
export const MAX_NUMBER = 2 ** 53;
/** The end of every copy (offset + length) is below this (2^52), so offset deltas zigzag below 2^53. */
export const MAX_COPY_END = 2 ** 52;
/** Longest varint: 8 bytes (56 bits of room, of which values below 2^53 are allowed). */
export const MAX_VARINT_BYTES = 8;
/** A segment length is at most 2^28 (a whole block), whose varint takes 5 bytes. */
export const MAX_LENGTH_VARINT_BYTES = 5;

/** LZMA2 dictionary size bounds used for a stream: rawLen rounded up to a power of two, clamped. */
export const LZMA2_MIN_DICT = 4 * 1024;
export const LZMA2_MAX_DICT = 64 * 1024 * 1024;

/** Largest possible header: magic, version, flags, 8-byte length, ids, 1024 refs, 16 transforms, digest. */
export const HEADER_MAX_BYTES =
  4 + 1 + 1 + MAX_VARINT_BYTES + BLOB_ID_BYTES + BASE_FINGERPRINT_BYTES + 2 +
  MAX_REFS * (MAX_VARINT_BYTES + REF_DIGEST_PREFIX_BYTES) + 1 + 16 * (1 + MAX_TRANSFORM_NAME + 1) + OUTPUT_DIGEST_BYTES;

/** The streams of a streams-coded block, in file order (diffs only when the block has COPY_DIFF segments). */
export const STREAM_NAMES = ['ops', 'lengths', 'offsets', 'immediates', 'spill', 'diffs'] as const;
/** Every stream name a block may report, for summaries: the five, a modeled block's segments, the diffs. */
export const ALL_STREAM_NAMES = ['ops', 'lengths', 'offsets', 'immediates', 'segments', 'spill', 'diffs'] as const;

/** Block_Coding: the five streams (ops, lengths, offsets, immediates, spill). */
export const BLOCK_CODING_STREAMS = 0;
/** Block_Coding: one range-coded segments stream, then the spill stream. */
export const BLOCK_CODING_MODELED = 1;
/** Block_Coding bit (format 3): the block may use COPY_DIFF and transform ops. */
export const BLOCK_EXTENDED = 0x04;
/** A modeled block's segments data takes at most this many bytes per segment (plus 8). */
export const MAX_MODELED_BYTES_PER_SEGMENT = 40;
/**
 * ... and in a block with extended ops: five more modeled op bits and up to 8 immediate
 * bytes of 8 modeled bits, each modeled bit at most about 7 bits of output.
 */
export const MAX_MODELED_BYTES_PER_SEGMENT_EXTENDED = 104;

/** Stream coding methods: the low two bits of a nonzero Coding field (docs/FORMAT.md, "Streams"). */
export const METHOD_LZMA2 = 1;
/** Zstandard with a blob dictionary; the spill stream only. */
export const METHOD_ZSTD = 2;
/** LZMA2 over the spill with its code through a branch-call-jump filter; the spill stream only, format 3 on. */
export const METHOD_FILTERED = 3;

/**
 * Numbers fixed by docs/FORMAT.md (format version 1). Changing any of them changes the
 * format and needs a new version.
 */

/** "PFSB" in ASCII: the first four bytes of every blueprint. */
export const PBB_MAGIC: Uint8Array = Uint8Array.of(0x50, 0x46, 0x53, 0x42);
/** The format version this code writes and reads. */
export const PBB_VERSION = 1;

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
/** A varint encoding a block length (< 2^28) takes at most 4 bytes. */
export const MAX_LENGTH_VARINT_BYTES = 4;

/** LZMA2 dictionary size bounds used for a stream: rawLen rounded up to a power of two, clamped. */
export const LZMA2_MIN_DICT = 4 * 1024;
export const LZMA2_MAX_DICT = 64 * 1024 * 1024;

/** Largest possible header: magic, version, flags, 8-byte length, ids, 1024 refs, digest. */
export const HEADER_MAX_BYTES =
  4 + 1 + 1 + MAX_VARINT_BYTES + BLOB_ID_BYTES + BASE_FINGERPRINT_BYTES + 2 +
  MAX_REFS * (MAX_VARINT_BYTES + REF_DIGEST_PREFIX_BYTES) + OUTPUT_DIGEST_BYTES;

/** The five streams of a block, in file order. */
export const STREAM_NAMES = ['ops', 'lengths', 'offsets', 'immediates', 'spill'] as const;

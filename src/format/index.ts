/**
 * The .pbb format: header and block coding, decoding with checked limits, byte sources and
 * digests. docs/FORMAT.md is the normative description. Depends on nothing else in src
 * except ../errors.ts.
 */
export * from './types.js';
export {
  PBB_MAGIC, PBB_VERSION, BLOB_ID_BYTES, BASE_FINGERPRINT_BYTES, REF_DIGEST_PREFIX_BYTES, OUTPUT_DIGEST_BYTES,
  MAX_REFS, MAX_BLOCK_OUT_LENGTH, MAX_BLOCK_SEGMENTS, MAX_COPY_END, HEADER_MAX_BYTES, STREAM_NAMES, ALL_STREAM_NAMES,
} from './constants.js';
export { encodeHeader, decodeHeader, readHeader, headerLength } from './header.js';
export {
  BlockEncoder, chooseSpillDictionary, SPILL_DICT_BUDGET, type BlobBytes, type BlockCodingChoice, type BlockEncoderOptions,
  type EncodedBlock, type SpillDictionary,
} from './block-encoder.js';
export { readBlocks, lastCopyEnd, type DecodeLimits, type DecodedBlock, type DictionarySource, type ReadBlocksOptions, type BlockSegments } from './block-decoder.js';
export { zstdAvailable } from './zstd.js';
export { MAX_FILTER_RANGES, chooseBlockFilter, filterSpill, type BlockFilter, type FilterRange, type FilterRegion } from './spill-filter.js';
export { bufferByteSource, fileByteSource, type ByteSource, type FileByteSource } from './source.js';
export { Digest16, digest16, toHex, fromHex, bytesEqual } from './digest.js';
export { DEFAULT_LZMA_PRESET, LZMA_PRESET_EXTREME } from './lzma2.js';
export { varintLength, writeVarint, zigzagEncode, zigzagDecode } from './varint.js';

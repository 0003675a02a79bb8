/**
 * The spill decoders a reader of blueprints uses: the engine's where it has one (the native
 * engine's LZMA2 decoder, with the system's liblzma), else the format's reference ones.
 */
import { engine } from '../engine/index.js';
import type { ReadBlocksOptions } from '../format/block-decoder.js';

export function spillDecoders(): Pick<ReadBlocksOptions, 'lzma2'> {
  const lzma2 = engine().lzma2DecodeAsync;
  return lzma2 !== undefined ? { lzma2 } : {};
}

/**
 * Zstandard with a blob dictionary, for the spill stream (docs/FORMAT.md, "Zstandard
 * coding"). New text in a changed file is mostly made of pieces of the text around it;
 * zstd, told that the blob's neighbouring bytes are a raw-content dictionary, finds those
 * pieces without the blueprint paying for them as copies.
 *
 * zstd-napi is an optional dependency (a native addon built on install). Without it pfsc
 * writes no zstd-coded streams, and a blueprint that has one is refused with a clear error.
 */
import { createRequire } from 'node:module';
import { fail } from './fail.js';

/** The frame magic, left out of the blueprint (it never varies). */
export const ZSTD_MAGIC: Uint8Array = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd);
/** A dictionary that starts with these bytes would be read as a formatted zstd dictionary. */
export const ZSTD_DICT_MAGIC: Uint8Array = Uint8Array.of(0x37, 0xa4, 0x30, 0xec);
/** Largest dictionary and window: 8 MiB. */
export const ZSTD_MAX_DICT = 8 * 1024 * 1024;
export const ZSTD_WINDOW_LOG_MAX = 23;
/** Compression level pfsc uses (the strongest non-"ultra" level, as `zstd -19`). */
export const ZSTD_LEVEL = 19;

interface ZstdBinding {
  CCtx: new () => {
    setParameter(p: number, v: number): void;
    loadDictionary(d: Uint8Array): void;
    compress2(dst: Uint8Array, src: Uint8Array): number;
  };
  DCtx: new () => {
    setParameter(p: number, v: number): void;
    loadDictionary(d: Uint8Array): void;
    decompress(dst: Uint8Array, src: Uint8Array): number;
  };
  CParameter: Record<string, number>;
  DParameter: Record<string, number>;
  compressBound(n: number): number;
}

let binding: ZstdBinding | null | undefined;
let loadError = '';

/** The zstd binding, or null when zstd-napi is not installed or does not load. */
function zstd(): ZstdBinding | null {
  if (binding !== undefined) return binding;
  try {
    binding = createRequire(import.meta.url)('zstd-napi/binding') as ZstdBinding;
  } catch (e) {
    binding = null;
    loadError = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
  return binding;
}

/** True when zstd-coded streams can be written and read here. */
export function zstdAvailable(): boolean {
  return zstd() !== null;
}

/** True when `dict` may serve as a dictionary (empty, or not starting with the dictionary magic). */
export function usableDictionary(dict: Uint8Array): boolean {
  return !(dict.length >= 4 && ZSTD_DICT_MAGIC.every((b, i) => dict[i] === b));
}

type Compressor = InstanceType<ZstdBinding['CCtx']>;

/**
 * One compression context per dictionary: zstd digests a dictionary on the first frame and
 * reuses that work for later frames, so trying several plans of a block costs one digest.
 */
const contexts = new WeakMap<Uint8Array, Compressor>();

function compressorFor(z: ZstdBinding, dict: Uint8Array): Compressor {
  let cctx = contexts.get(dict);
  if (cctx === undefined) {
    cctx = new z.CCtx();
    const p = z.CParameter;
    cctx.setParameter(p.compressionLevel!, ZSTD_LEVEL);
    cctx.setParameter(p.windowLog!, ZSTD_WINDOW_LOG_MAX);
    cctx.setParameter(p.contentSizeFlag!, 0);
    cctx.setParameter(p.checksumFlag!, 0);
    cctx.setParameter(p.dictIDFlag!, 0);
    if (dict.length > 0) cctx.loadDictionary(dict);
    contexts.set(dict, cctx);
  }
  return cctx;
}

/**
 * Codes `raw` as one zstd frame without its magic, with `dict` (pass the same array object
 * for the same dictionary: its digest is cached on it). Undefined when zstd is unavailable.
 */
export function encodeZstd(raw: Uint8Array, dict: Uint8Array): Uint8Array | undefined {
  const z = zstd();
  if (z === null || !usableDictionary(dict)) return undefined;
  const out = new Uint8Array(z.compressBound(raw.length) + 16);
  const n = compressorFor(z, dict).compress2(out, raw);
  return out.slice(ZSTD_MAGIC.length, n);
}

/**
 * Decodes a frame written by encodeZstd into exactly rawLen bytes. Any zstd error, a
 * window above 8 MiB, or a size other than rawLen is PFSC_PBB_CORRUPT.
 */
export function decodeZstd(data: Uint8Array, dict: Uint8Array, rawLen: number, where: string): Uint8Array {
  const z = zstd();
  if (z === null) {
    fail('PFSC_UNSUPPORTED', `${where}: the spill is Zstandard-coded and zstd-napi is not available here (${loadError}); reinstall pfsc with its optional dependencies`);
  }
  if (!usableDictionary(dict)) fail('PFSC_PBB_CORRUPT', `${where}: the dictionary starts with the zstd dictionary magic`);
  const dctx = new z.DCtx();
  dctx.setParameter(z.DParameter.windowLogMax!, ZSTD_WINDOW_LOG_MAX);
  if (dict.length > 0) dctx.loadDictionary(dict);
  const frame = new Uint8Array(ZSTD_MAGIC.length + data.length);
  frame.set(ZSTD_MAGIC, 0);
  frame.set(data, ZSTD_MAGIC.length);
  // One byte of room, so a frame that decodes to more than rawLen is caught, not truncated.
  const out = new Uint8Array(rawLen + 1);
  let n: number;
  try {
    n = dctx.decompress(out, frame);
  } catch (e) {
    fail('PFSC_PBB_CORRUPT', `${where}: Zstandard data does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
  if (n !== rawLen) fail('PFSC_PBB_CORRUPT', `${where}: Zstandard data decodes to ${n} bytes, the stream declares ${rawLen}`);
  return out.subarray(0, rawLen);
}

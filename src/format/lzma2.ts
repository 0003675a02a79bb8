/**
 * Raw LZMA2 streams (no .xz container), as docs/FORMAT.md section "LZMA2 coding" describes.
 *
 * lzma-native applies a `preset` after any explicit option, so a preset would override the
 * dictionary size. The encoder therefore expands the preset into explicit options itself
 * (the same table as liblzma's lzma_lzma_preset) and then sets the dictionary size the
 * format derives from the stream's raw length.
 *
 * Decoding is bounded: the LZMA2 chunk headers are walked first and their unpacked sizes
 * must add up to the declared raw length, then the data is fed to liblzma in pieces and
 * decoding stops as soon as the output would pass the declared length.
 */
import { encodeWithXz } from './xz-encoder.js';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LZMA2_MAX_DICT, LZMA2_MIN_DICT } from './constants.js';
import { fail } from './fail.js';

interface LzmaOptions {
  dictSize: number;
  lc: number;
  lp: number;
  pb: number;
  mode: number;
  mf: number;
  niceLen: number;
  depth: number;
}

type FilterSpec = { id: string; options: Partial<LzmaOptions> }[];
type BufferHandler = (buf: Buffer | null | undefined, processedChunks: number | undefined, err: Error | null | undefined) => void;

interface NativeStream {
  rawEncoder_(filters: FilterSpec): number;
  rawDecoder_(filters: FilterSpec): number;
  code(chunk: Uint8Array | null, async: boolean): void;
  resetUnderlying(): void;
  bufferHandler: BufferHandler;
}

interface JsStream {
  on(event: 'data', cb: (chunk: Buffer) => void): this;
  on(event: 'end', cb: () => void): this;
  on(event: 'error', cb: (err: Error) => void): this;
  end(chunk: Uint8Array): void;
}

interface LzmaNative {
  Stream: new () => NativeStream;
  createStream(coder: 'rawEncoder', options: { synchronous?: boolean; filters: FilterSpec }): JsStream;
  FILTER_LZMA2: string;
  MODE_FAST: number;
  MODE_NORMAL: number;
  MF_HC3: number;
  MF_HC4: number;
  MF_BT4: number;
  PRESET_EXTREME: number;
  PRESET_LEVEL_MASK: number;
}

const requireCjs = createRequire(import.meta.url);

/**
 * lzma-native's compiled binding, loaded straight from where its package keeps it: its
 * entry point finds the binding with node-gyp-build and wraps it in streams, which cost a
 * replay about 20 ms of module loading for nothing (the synchronous coding here needs only
 * the binding). Loaded on first use; the whole package when the binding is elsewhere.
 */
let binding: LzmaNative | undefined;
function lzmaBinding(): LzmaNative {
  if (binding === undefined) {
    let dir: string | undefined;
    try {
      dir = dirname(requireCjs.resolve('lzma-native/package.json'));
    } catch {
      dir = undefined;
    }
    const candidates = dir === undefined ? [] : [
      join(dir, 'build', 'Release', 'lzma_native.node'),
      join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'node.napi.node'),
    ];
    const found = candidates.find((p) => existsSync(p));
    binding = (found !== undefined ? requireCjs(found) : requireCjs('lzma-native')) as LzmaNative;
  }
  return binding;
}

/** The whole package (with its stream wrappers), for the asynchronous encoder. */
function lzmaPackage(): LzmaNative {
  return requireCjs('lzma-native') as LzmaNative;
}

/** liblzma's preset flag for the extreme variant of a level (LZMA_PRESET_EXTREME, 1 << 31). */
export const LZMA_PRESET_EXTREME = 0x80000000;
/** liblzma's LZMA_PRESET_LEVEL_MASK. */
const PRESET_LEVEL_MASK = 0x1f;
/** The preset the encoder uses unless told otherwise: 9 | EXTREME, as `xz -9e`. */
export const DEFAULT_LZMA_PRESET: number = 9 | LZMA_PRESET_EXTREME;

/** Dictionary size for a stream of `rawLen` bytes: a power of two >= rawLen, clamped to [4 KiB, 64 MiB]. */
export function lzma2DictSize(rawLen: number): number {
  let d = LZMA2_MIN_DICT;
  while (d < rawLen && d < LZMA2_MAX_DICT) d *= 2;
  return d;
}

/**
 * Explicit LZMA options equal to liblzma's preset `preset` (level 0-9, optionally |
 * PRESET_EXTREME), with the dictionary size replaced by `dictSize`.
 */
export function lzmaPresetOptions(preset: number, dictSize: number): LzmaOptions {
  const level = preset & PRESET_LEVEL_MASK;
  const flags = preset & ~PRESET_LEVEL_MASK;
  if (!Number.isInteger(preset) || level > 9 || (flags & ~LZMA_PRESET_EXTREME) !== 0) {
    throw new RangeError(`unsupported LZMA preset ${preset}`);
  }
  const o: LzmaOptions = { dictSize, lc: 3, lp: 0, pb: 2, mode: 0, mf: 0, niceLen: 0, depth: 0 };
  if (level <= 3) {
    o.mode = lzmaBinding().MODE_FAST;
    o.mf = level === 0 ? lzmaBinding().MF_HC3 : lzmaBinding().MF_HC4;
    o.niceLen = level <= 1 ? 128 : 273;
    o.depth = [4, 8, 24, 48][level]!;
  } else {
    o.mode = lzmaBinding().MODE_NORMAL;
    o.mf = lzmaBinding().MF_BT4;
    o.niceLen = level === 4 ? 16 : level === 5 ? 32 : 64;
    o.depth = 0;
  }
  if (flags & LZMA_PRESET_EXTREME) {
    o.mode = lzmaBinding().MODE_NORMAL;
    o.mf = lzmaBinding().MF_BT4;
    if (level === 3 || level === 5) {
      o.niceLen = 192;
      o.depth = 0;
    } else {
      o.niceLen = 273;
      o.depth = 512;
    }
  }
  return o;
}

/** Raw inputs at least this large are encoded on the thread pool instead of the main thread. */
const ASYNC_ENCODE_THRESHOLD = 256 * 1024;

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

function encodeSync(raw: Uint8Array, filters: FilterSpec): Uint8Array {
  const s = new (lzmaBinding().Stream)();
  s.rawEncoder_(filters);
  const parts: Uint8Array[] = [];
  let total = 0;
  let error: Error | null = null;
  s.bufferHandler = (buf, _pc, err) => {
    if (err) error = err;
    else if (buf) {
      parts.push(buf);
      total += buf.length;
    }
  };
  try {
    s.code(raw, false);
    s.code(null, false);
  } finally {
    s.resetUnderlying();
  }
  if (error) throw error;
  return concat(parts, total);
}

function encodeAsync(raw: Uint8Array, filters: FilterSpec): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const stream = lzmaPackage().createStream('rawEncoder', { synchronous: false, filters });
    const parts: Uint8Array[] = [];
    let total = 0;
    stream.on('data', (chunk) => {
      parts.push(chunk);
      total += chunk.length;
    });
    stream.on('end', () => resolve(concat(parts, total)));
    stream.on('error', reject);
    stream.end(raw);
  });
}

/**
 * Compresses `raw` (non-empty) as a raw LZMA2 stream with the format's dictionary size
 * for its length and the options of `preset`.
 */
/**
 * Small streams coded lately, by content: the plan stage codes a block under several planner
 * settings, whose streams are often the same bytes (typescript.js against its old version:
 * 12 plans, 180 small encodes), and encoding is deterministic.
 */
const smallMemo = new Map<string, Uint8Array>();
let smallMemoBytes = 0;
const SMALL_MEMO_LIMIT = 4 * 1024 * 1024;

function remember(key: string, coded: Uint8Array): void {
  smallMemo.set(key, coded);
  smallMemoBytes += key.length + coded.length;
  while (smallMemoBytes > SMALL_MEMO_LIMIT) {
    const [oldKey, oldValue] = smallMemo.entries().next().value as [string, Uint8Array];
    smallMemo.delete(oldKey);
    smallMemoBytes -= oldKey.length + oldValue.length;
  }
}

export async function encodeLzma2(raw: Uint8Array, preset: number = DEFAULT_LZMA_PRESET): Promise<Uint8Array> {
  const dictSize = lzma2DictSize(raw.length);
  const options = lzmaPresetOptions(preset, dictSize);
  if (raw.length < LITERAL_PROPS_TRIAL_LIMIT) {
    const key = `${preset}:${Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1')}`;
    const known = smallMemo.get(key);
    if (known !== undefined) return known.slice();
    // Small streams (the segment streams, the spill of a small delta) are also tried with
    // fewer literal context bits and no position bits; the smallest wins, the preset's on a tie.
    let best = encodeSync(raw, [{ id: lzmaBinding().FILTER_LZMA2, options }]);
    for (const [lc, pb] of LITERAL_PROPS_TRIALS) {
      const c = encodeSync(raw, [{ id: lzmaBinding().FILTER_LZMA2, options: { ...options, lc, pb } }]);
      if (c.length < best.length) best = c;
    }
    remember(key, best.slice());
    return best;
  }
  const filters: FilterSpec = [{ id: lzmaBinding().FILTER_LZMA2, options }];
  const viaXz = await encodeWithXz(raw, preset & PRESET_LEVEL_MASK, (preset & LZMA_PRESET_EXTREME) !== 0, dictSize);
  if (viaXz !== undefined) return viaXz;
  return raw.length >= ASYNC_ENCODE_THRESHOLD ? encodeAsync(raw, filters) : encodeSync(raw, filters);
}

/** Streams shorter than this also try LITERAL_PROPS_TRIALS. */
export const LITERAL_PROPS_TRIAL_LIMIT = 64 * 1024;
/** (lc, pb) pairs tried on small streams besides the preset's (3, 2); lp stays 0. */
export const LITERAL_PROPS_TRIALS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
];

/**
 * Walks the LZMA2 chunk headers of `coded` and returns the sum of the chunks' unpacked
 * sizes. The data must end with the end marker (0x00) as its last byte, and every chunk
 * must lie inside it. `where` prefixes error messages.
 */
export function lzma2UnpackedSize(coded: Uint8Array, where: string): number {
  let pos = 0;
  let total = 0;
  const n = coded.length;
  while (pos < n) {
    const control = coded[pos]!;
    if (control === 0x00) {
      if (pos !== n - 1) fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 end marker at byte ${pos} of ${n}, data follows it`);
      return total;
    }
    if (control === 0x01 || control === 0x02) {
      if (pos + 3 > n) break;
      const size = ((coded[pos + 1]! << 8) | coded[pos + 2]!) + 1;
      total += size;
      pos += 3 + size;
    } else if (control >= 0x80) {
      const reset = (control >> 5) & 3;
      const headerLen = reset >= 2 ? 6 : 5;
      if (pos + headerLen > n) break;
      const unpacked = (control & 0x1f) * 65536 + ((coded[pos + 1]! << 8) | coded[pos + 2]!) + 1;
      const packed = ((coded[pos + 3]! << 8) | coded[pos + 4]!) + 1;
      total += unpacked;
      pos += headerLen + packed;
    } else {
      fail('PFSC_PBB_CORRUPT', `${where}: invalid LZMA2 chunk control byte 0x${control.toString(16).padStart(2, '0')} at byte ${pos} of ${n}`);
    }
  }
  return fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 data (${n} bytes) ends inside a chunk or lacks its end marker`);
}

/** Coded bytes handed to liblzma per call; output per call is bounded by this times LZMA's expansion limit. */
const DECODE_PIECE = 16 * 1024;

/**
 * A raw LZMA2 decoder other than lzma-native's (the native engine's, with the system's
 * liblzma, on libuv's pool): decodes `coded` into `out`, never past its end, and resolves
 * to the bytes written, or -1 when the data holds more than `out`, -2 when it is damaged,
 * -3 when its memory was not there. LZMA2's decoding is fully specified, so any correct
 * decoder gives the same bytes.
 */
export type RawLzma2Decoder = (coded: Uint8Array, out: Uint8Array, dictSize: number) => Promise<number>;

/** The data holds more than the stream declares (either decoder). */
function failOverflow(rawLen: number, where: string): never {
  return fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 data decodes to more than the declared ${rawLen} bytes`);
}

/** Fails unless the decoder produced exactly the declared bytes (either decoder). */
function checkProduced(produced: number, rawLen: number, where: string): void {
  if (produced !== rawLen) fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 data decodes to ${produced} bytes, ${rawLen} declared`);
}

/** Checks that the chunks of `coded` hold exactly `rawLen` bytes. */
function checkChunks(coded: Uint8Array, rawLen: number, where: string): void {
  const declared = lzma2UnpackedSize(coded, where);
  if (declared !== rawLen) {
    fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 chunks hold ${declared} bytes but the stream declares ${rawLen}`);
  }
}

/**
 * decodeLzma2, with `decoder` when given (off the JavaScript thread), else lzma-native: the
 * same bytes and the same error codes. `started` is called once the decoder runs, before
 * its result is awaited (not with lzma-native, which runs on this thread).
 */
export async function decodeLzma2Async(
  coded: Uint8Array,
  rawLen: number,
  where: string,
  decoder?: RawLzma2Decoder,
  started?: () => void,
): Promise<Uint8Array> {
  if (decoder === undefined) return decodeLzma2(coded, rawLen, where);
  checkChunks(coded, rawLen, where);
  const out = new Uint8Array(rawLen);
  const running = decoder(coded, out, lzma2DictSize(rawLen));
  started?.();
  const produced = await running;
  if (produced === -1) failOverflow(rawLen, where);
  if (produced === -2) fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 data is damaged (Data is corrupt)`);
  if (produced === -3) fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 data is not decoded (liblzma: no memory for its ${lzma2DictSize(rawLen)}-byte dictionary)`);
  checkProduced(produced, rawLen, where);
  return out;
}

/**
 * Decompresses raw LZMA2 data that must produce exactly `rawLen` bytes, with lzma-native.
 * Throws PFSC_PBB_CORRUPT (naming `where`) on any inconsistency. Never allocates more than
 * `rawLen` bytes for the result.
 */
export function decodeLzma2(coded: Uint8Array, rawLen: number, where: string): Uint8Array {
  checkChunks(coded, rawLen, where);
  const out = new Uint8Array(rawLen);
  let produced = 0;
  let overflow = false;
  let error: Error | null = null;
  const s = new (lzmaBinding().Stream)();
  try {
    s.rawDecoder_([{ id: lzmaBinding().FILTER_LZMA2, options: { dictSize: lzma2DictSize(rawLen) } }]);
    s.bufferHandler = (buf, _pc, err) => {
      if (err) error = err;
      else if (buf && buf.length > 0) {
        if (overflow || produced + buf.length > rawLen) {
          overflow = true;
          return;
        }
        out.set(buf, produced);
        produced += buf.length;
      }
    };
    for (let p = 0; p < coded.length && !overflow && !error; p += DECODE_PIECE) {
      s.code(coded.subarray(p, Math.min(coded.length, p + DECODE_PIECE)), false);
    }
    if (!overflow && !error) s.code(null, false);
  } catch (e) {
    error = e as Error;
  } finally {
    s.resetUnderlying();
  }
  if (overflow) failOverflow(rawLen, where);
  if (error) fail('PFSC_PBB_CORRUPT', `${where}: LZMA2 data is damaged (${(error as Error).message})`, error);
  checkProduced(produced, rawLen, where);
  return out;
}

/**
 * The engine: the kernels (src/engine/types.ts) from the native addon when it loads, else
 * from their JavaScript twins. PFSC_NO_NATIVE=1 forces JavaScript; PFSC_NATIVE_SIMD
 * (scalar, avx2, avx512) caps the SIMD level the native kernels use. When the addon cannot
 * be used and nobody asked for JavaScript, the first call says why, once, on stderr.
 */
import { createHash } from 'node:crypto';
import { jsKernels } from './js/index.js';
import { loadNative, type NativeAddon } from './load-native.js';
import type { EngineInfo, Kernels, SimdLevel } from './types.js';

export type { EngineInfo, EngineName, FileContents, KgramArrays, Kernels, SimdLevel } from './types.js';
export { FNV64_OFFSET, FNV64_PRIME } from './types.js';
export { jsKernels } from './js/index.js';

const SIMD_LEVELS: readonly SimdLevel[] = ['scalar', 'avx2', 'avx512'];

function envFlag(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * Threads per k-gram table. A synchronous build (the planner's index of a block) blocks the
 * JavaScript thread, so it takes both cores: the partitioned build's passes split cleanly
 * (typescript.js every 4th byte: 40 ms on one thread, 26 ms on two). Asynchronous builds
 * (a ref's three tables, built at once on libuv's pool) take two each as well: the identity
 * table has eight times the entries of a delta table, and on one thread it kept building
 * alone on one core long after the delta tables were done (typescript.js's three tables:
 * 89 ms with one thread each, 65 ms with two).
 */
const KGRAM_THREADS_SYNC = 2;
const KGRAM_THREADS_ASYNC = 2;

function nativeKernels(addon: NativeAddon): Kernels {
  return Object.freeze({
    xorInPlace: addon.xorInPlace,
    addInPlace: addon.addInPlace,
    countEq: addon.countEq,
    crc32c: addon.crc32c,
    crc32cCombine: addon.crc32cCombine,
    fnv1a64: addon.fnv1a64,
    matchForward: addon.matchForward,
    matchBackward: addon.matchBackward,
    buildKgramTable: (seq: Uint8Array, k: number, step: number, bits: number, shift = 32 - bits) =>
      addon.buildKgramTable(seq, k, step, bits, shift, KGRAM_THREADS_SYNC),
    // async: bad arguments reject the promise, as the JS twin's do, instead of throwing.
    buildKgramTableAsync: async (seq: Uint8Array, k: number, step: number, bits: number, shift = 32 - bits, threads?: number) =>
      addon.buildKgramTableAsync(seq, k, step, bits, shift, threads === 1 ? 1 : KGRAM_THREADS_ASYNC),
    xorDeltas: (b: Uint8Array, start = 0, end = b.length) => addon.xorDeltas(b, start, end),
    addDeltas: (b: Uint8Array, start = 0, end = b.length) => addon.addDeltas(b, start, end),
    executeCopy: addon.executeCopy,
    addDiff: addon.addDiff,
    mapFile: addon.mapFile,
    readFile: async (path: string, maxBytes: number) => {
      const { bytes, sha256 } = await addon.readFileAsync(path, maxBytes);
      return { bytes, sha256: sha256 ?? new Uint8Array(createHash('sha256').update(bytes).digest()) };
    },
    allocBytes: addon.allocBytes,
    // The addon opens the system's liblzma on this first question (about 0.2 ms).
    // async: bad arguments reject the promise instead of throwing.
    ...(addon.lzma2Version() !== null
      ? { lzma2DecodeAsync: async (coded: Uint8Array, out: Uint8Array, dictSize: number) => addon.lzma2DecodeAsync(coded, out, dictSize) }
      : {}),
  });
}

interface Chosen {
  kernels: Kernels;
  info: EngineInfo;
  addon?: NativeAddon;
}

let chosen: Chosen | undefined;
let warned = false;

function choose(): Chosen {
  if (envFlag(process.env.PFSC_NO_NATIVE)) {
    return { kernels: jsKernels, info: { engine: 'js', simd: 'none', reason: 'PFSC_NO_NATIVE is set', sha256: 'js', lzma2: 'lzma-native' } };
  }
  const loaded = loadNative();
  if (loaded.addon === undefined) {
    return { kernels: jsKernels, info: { engine: 'js', simd: 'none', reason: loaded.reason, sha256: 'js', lzma2: 'lzma-native' } };
  }
  const addon = loaded.addon;
  const cap = process.env.PFSC_NATIVE_SIMD;
  const simd = cap !== undefined && (SIMD_LEVELS as readonly string[]).includes(cap) ? addon.setSimd(cap as SimdLevel) : addon.setSimd('avx512');
  const lzma = addon.lzma2Version();
  return {
    kernels: nativeKernels(addon),
    info: {
      engine: 'native',
      simd,
      cpuSimd: addon.cpuSimd(),
      addonVersion: addon.version,
      sha256: addon.haveSha256 ? 'native' : 'js',
      lzma2: lzma !== null ? `liblzma ${lzma}` : 'lzma-native',
    },
    addon,
  };
}

function current(): Chosen {
  if (chosen === undefined) {
    chosen = choose();
    if (chosen.info.engine === 'js' && !envFlag(process.env.PFSC_NO_NATIVE) && !warned) {
      warned = true;
      process.stderr.write(`pfsc: using the JavaScript engine: ${chosen.info.reason ?? 'the native addon is not available'}\n`);
    }
  }
  return chosen;
}

/** The kernels in use: native when the addon loads, JavaScript otherwise. */
export function engine(): Kernels {
  return current().kernels;
}

/** Which engine is in use, its SIMD level, the addon's version, or why native is off. */
export function engineInfo(): EngineInfo {
  return { ...current().info };
}

/**
 * The native addon's kernels, or undefined with the reason when it does not load; whatever
 * PFSC_NO_NATIVE says. For the parity tests and benchmarks, which compare both engines.
 */
export function nativeEngine(): { kernels: Kernels; addon: NativeAddon } | { reason: string } {
  const c = current();
  if (c.addon !== undefined) return { kernels: c.kernels, addon: c.addon };
  const loaded = loadNative();
  if (loaded.addon === undefined) return { reason: loaded.reason };
  return { kernels: nativeKernels(loaded.addon), addon: loaded.addon };
}

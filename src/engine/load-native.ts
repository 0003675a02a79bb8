/**
 * Finding and loading the native addon (native/build/Release/pfsc_native.node), and saying
 * why when it cannot be used. The addon is built by `npm install` (scripts/build-native.js),
 * which records the reason in native/build/status.json when the build failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KgramArrays, SimdLevel } from './types.js';

/**
 * The version of the contract between this code and the addon (function names, argument
 * order, results). An addon built from other sources reports another one and is not used.
 */
export const NATIVE_API = 6;

/** What the addon exports (native/src/module.cc). */
export interface NativeAddon {
  apiVersion: number;
  version: string;
  /** The widest SIMD level the CPU supports. */
  cpuSimd(): SimdLevel;
  /** Caps the SIMD level the kernels use (never above cpuSimd); returns the level in use. */
  setSimd(level: SimdLevel): SimdLevel;
  xorInPlace(buf: Uint8Array, start: number, end: number, imm: number): void;
  addInPlace(buf: Uint8Array, start: number, end: number, imm: number): void;
  countEq(buf: Uint8Array, start: number, end: number, value: number): number;
  crc32c(crc: number, buf: Uint8Array, start: number, end: number): number;
  crc32cCombine(crcA: number, crcB: number, lenB: number): number;
  fnv1a64(state: bigint, buf: Uint8Array, start: number, end: number): bigint;
  matchForward(a: Uint8Array, ai: number, b: Uint8Array, bi: number, max: number): number;
  matchBackward(a: Uint8Array, ai: number, b: Uint8Array, bi: number, max: number): number;
  buildKgramTable(seq: Uint8Array, k: number, step: number, bits: number, shift: number, threads: number): KgramArrays;
  buildKgramTableAsync(seq: Uint8Array, k: number, step: number, bits: number, shift: number, threads: number): Promise<KgramArrays>;
  xorDeltas(b: Uint8Array, start: number, end: number): Uint8Array;
  addDeltas(b: Uint8Array, start: number, end: number): Uint8Array;
  executeCopy(out: Uint8Array, outPos: number, src: Uint8Array, srcPos: number, len: number, op: number, imm: number): void;
  addDiff(out: Uint8Array, outPos: number, diff: Uint8Array, diffPos: number, len: number): void;
  mapFile(path: string): ArrayBuffer;
  /** The file and, when the host's OpenSSL was found, its SHA-256 (native/src/read_file.h). */
  readFileAsync(path: string, maxBytes: number): Promise<{ bytes: Uint8Array; sha256?: Uint8Array }>;
  /** Whether the addon found SHA-256 in the host's OpenSSL. */
  haveSha256: boolean;
  allocBytes(length: number): Uint8Array;
  /** The system liblzma's version when the addon can decode LZMA2 with it, else null (native/src/lzma2.h). */
  lzma2Version(): string | null;
  /** Raw LZMA2 into out on libuv's pool: bytes written, or -1 (more than out holds), -2 (damaged), -3 (no memory). */
  lzma2DecodeAsync(coded: Uint8Array, out: Uint8Array, dictSize: number): Promise<number>;
}

export type NativeLoad = { addon: NativeAddon; reason?: undefined } | { addon?: undefined; reason: string };

/** The package folder: the nearest folder above this file whose package.json names pfsc. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'pfsc') return dir;
      } catch {
        // Not readable; keep looking further up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The reason the install script recorded for a failed build, if it left one. */
function buildFailure(root: string): string | undefined {
  try {
    const status = JSON.parse(readFileSync(join(root, 'native', 'build', 'status.json'), 'utf8')) as { ok?: unknown; reason?: unknown };
    return status.ok === false && typeof status.reason === 'string' ? status.reason : undefined;
  } catch {
    return undefined;
  }
}

export function loadNative(): NativeLoad {
  const root = packageRoot();
  if (root === undefined) return { reason: 'the pfsc package folder was not found' };
  const file = join(root, 'native', 'build', 'Release', 'pfsc_native.node');
  if (!existsSync(file)) {
    const failed = buildFailure(root);
    return { reason: failed !== undefined ? `the addon did not build: ${failed}` : 'the addon is not built (run npm install)' };
  }
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    return { reason: `the addon did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  if (addon.apiVersion !== NATIVE_API) {
    return { reason: `the addon was built from other sources (API ${String(addon.apiVersion)}, this pfsc needs ${NATIVE_API}); run npm rebuild` };
  }
  return { addon };
}

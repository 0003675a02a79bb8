/**
 * The engines the parity tests run the same cases on: the JS twins, and the native addon at
 * every SIMD level this CPU has (scalar always). When the addon did not build, the native
 * cases skip and say why.
 */
import { jsKernels, nativeEngine, type Kernels, type SimdLevel } from '../../src/engine/index.js';
import type { NativeAddon } from '../../src/engine/load-native.js';

export interface Variant {
  name: string;
  kernels: Kernels;
  /** Selects this variant's SIMD level (native); call before using kernels. */
  use(): void;
}

const loaded = nativeEngine();
export const addon: NativeAddon | undefined = 'addon' in loaded ? loaded.addon : undefined;
export const nativeKernels: Kernels | undefined = 'kernels' in loaded ? loaded.kernels : undefined;
/** Why the native cases skip, or undefined when they run. */
export const nativeMissing: string | undefined = 'reason' in loaded ? loaded.reason : undefined;
if (nativeMissing !== undefined) console.warn(`native engine tests skipped: ${nativeMissing}`);

const ORDER: readonly SimdLevel[] = ['scalar', 'avx2', 'avx512'];

/** The SIMD levels the native kernels can run here, narrowest first. */
export function nativeLevels(): SimdLevel[] {
  if (addon === undefined) return [];
  const top = ORDER.indexOf(addon.cpuSimd());
  return ORDER.slice(0, top + 1);
}

/** Puts the native kernels back on the widest level (after a test stepped through them). */
export function restoreSimd(): void {
  addon?.setSimd('avx512');
}

export function variants(): Variant[] {
  const out: Variant[] = [{ name: 'js', kernels: jsKernels, use: () => undefined }];
  if (addon !== undefined && nativeKernels !== undefined) {
    for (const level of nativeLevels()) {
      out.push({
        name: `native-${level}`,
        kernels: nativeKernels,
        use: () => {
          if (addon!.setSimd(level) !== level) throw new Error(`native kernels refused SIMD level ${level}`);
        },
      });
    }
  }
  return out;
}

/** Sizes around the SIMD widths (16, 32, 64 bytes) and the unrolled loops. */
export const SIZES = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 4096 + 3];
/** Start offsets inside the backing buffer: every misalignment of an 8-byte word. */
export const OFFSETS = [0, 1, 2, 3, 4, 5, 6, 7];

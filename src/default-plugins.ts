/**
 * The plugins a build applies unless told not to, after the built-in stages: they live in
 * plugins/ and use only the public API, as any third-party plugin would.
 *
 * - llvm-hints: section tables of ELF, PE and Mach-O files and the structure of ZIP, PNG and
 *   JPEG files become regions (code, data, compressed, ...), so already-compressed parts are
 *   not searched in the generated banks.
 * - soft-id: copies extended and joined along their diagonals into COPY_DIFF segments, where
 *   that makes the blueprint smaller (binaries whose addresses moved, above all).
 */
import type { PfscPlugin } from './compiler/types.js';
import { LlvmHints } from '../plugins/llvm-hints/index.js';
import { SoftId } from '../plugins/soft-id/index.js';

export function defaultPlugins(): PfscPlugin[] {
  return [new LlvmHints(), new SoftId()];
}

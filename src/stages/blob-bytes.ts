/**
 * The compilation's blob as the format encoder's BlobBytes: ranges copied out once and kept,
 * so every plan tried for a block hands zstd the same dictionary array (zstd digests a
 * dictionary once per array).
 */
import type { Compilation } from '../compiler/compilation.js';
import type { BlobBytes } from '../format/index.js';

const perCompilation = new WeakMap<Compilation, BlobBytes>();

/** Ranges kept per compilation; a block asks for one or two. */
const MAX_KEPT = 4;

export function blobBytesOf(c: Compilation): BlobBytes {
  let bb = perCompilation.get(c);
  if (bb === undefined) {
    const blob = c.requireBlob();
    const kept = new Map<string, Uint8Array>();
    bb = {
      size: blob.size,
      bytes(offset: number, length: number): Uint8Array {
        const key = `${offset}:${length}`;
        let b = kept.get(key);
        if (b === undefined) {
          b = new Uint8Array(length);
          blob.read(offset, length, b, 0);
          if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
          kept.set(key, b);
        }
        return b;
      },
    };
    perCompilation.set(c, bb);
  }
  return bb;
}

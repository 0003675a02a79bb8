/**
 * Built-in hint stage: recognises already-compressed files by their magic bytes, so the
 * planner does not search generated banks for matches that cannot be there. Section-level
 * hints (ELF, PE, Mach-O) come from hint plugins tapping the same hook.
 */
import type { Compiler } from '../compiler/compiler.js';

const MAGICS: { kind: string; bytes: number[] }[] = [
  { kind: 'gzip', bytes: [0x1f, 0x8b] },
  { kind: 'zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { kind: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { kind: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { kind: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: 'jpeg', bytes: [0xff, 0xd8, 0xff] },
  { kind: '7z', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
];

export function sniffCompressed(head: Uint8Array): string | undefined {
  return MAGICS.find((m) => m.bytes.length <= head.length && m.bytes.every((b, i) => head[i] === b))?.kind;
}

export class SniffPlugin {
  readonly name = 'pfsc:sniff';
  apply(compiler: Compiler): void {
    compiler.hooks.hint.tapPromise(this.name, async (c) => {
      if (c.input.size === 0) return;
      const head = await c.input.read(0, Math.min(16, c.input.size));
      if (sniffCompressed(head)) c.addRegion({ start: 0, length: c.input.size, kind: 'compressed' });
    });
  }
}

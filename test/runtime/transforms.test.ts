import { describe, expect, it } from 'vitest';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL } from '../../src/format/types.js';
import { addInPlace, transformFor, xorInPlace } from '../../src/runtime/transforms.js';
import { prng, randomBytes } from './fake-blob.js';

describe('transforms', () => {
  it('has one entry per copy op and none for literals or unknown codes', () => {
    expect(transformFor(OP_COPY)?.name).toBe('copy');
    expect(transformFor(OP_COPY_XOR)?.name).toBe('xor');
    expect(transformFor(OP_COPY_ADD)?.name).toBe('add');
    expect(transformFor(OP_LITERAL)).toBeUndefined();
    expect(transformFor(4)).toBeUndefined();
    expect(transformFor(255)).toBeUndefined();
  });

  it('forward() follows the definitions', () => {
    expect(transformFor(OP_COPY_XOR)!.forward(0x0f, 0xff)).toBe(0xf0);
    expect(transformFor(OP_COPY_ADD)!.forward(250, 10)).toBe(4);
    expect(transformFor(OP_COPY)!.forward(77, 5)).toBe(77);
  });

  // Lengths around the word width and the word-loop threshold, at every alignment.
  const lengths = [0, 1, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 100, 1000, 4099];
  it.each([
    ['xor', xorInPlace, (b: number, k: number) => b ^ k],
    ['add', addInPlace, (b: number, k: number) => (b + k) & 255],
  ] as const)('%s in place matches the byte-by-byte definition', (_name, fn, ref) => {
    const rand = prng(11);
    for (const len of lengths) {
      for (let align = 0; align < 4; align++) {
        for (const imm of [0, 1, 0x7f, 0x80, 0xff, Math.floor(rand() * 256)]) {
          const backing = randomBytes(rand, len + 16);
          const view = new Uint8Array(backing.buffer, 1 + align, len + 8);
          const before = view.slice();
          fn(view, 3, 3 + len, imm);
          for (let i = 0; i < view.length; i++) {
            const want = i >= 3 && i < 3 + len ? ref(before[i]!, imm) : before[i]!;
            if (view[i] !== want) throw new Error(`len ${len} align ${align} imm ${imm} byte ${i}: ${view[i]} != ${want}`);
          }
        }
      }
    }
    expect(true).toBe(true);
  });
});

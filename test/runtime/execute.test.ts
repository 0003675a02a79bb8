import { codeOf } from '../format/helpers.js';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_DIFF, OP_COPY_XOR, OP_LITERAL, OP_TRANSFORM } from '../../src/format/types.js';
import { executeBlock } from '../../src/runtime/execute.js';
import { plan } from '../format/helpers.js';
import { fakeBlob } from './fake-blob.js';

const blobBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const blob = fakeBlob({ bytes: blobBytes });


describe('executeBlock', () => {
  it('copies, transforms and takes literals from the spill in order', () => {
    const p = plan([
      { op: OP_COPY, len: 3, off: 10 },
      { op: OP_LITERAL, len: 2 },
      { op: OP_COPY_XOR, len: 2, off: 0, imm: 0xff },
      { op: OP_COPY_ADD, len: 2, off: 254, imm: 3 },
      { op: OP_LITERAL, len: 1 },
    ], Uint8Array.of(0xaa, 0xbb, 0xcc));
    const out = new Uint8Array(p.outLength + 2).fill(0x11);
    executeBlock(p, blob, out);
    expect(Array.from(out)).toEqual([10, 11, 12, 0xaa, 0xbb, 0xff, 0xfe, 1, 2, 0xcc, 0x11, 0x11]);
  });

  it('adds a COPY_DIFF\'s differences, from the blob and from earlier output, and runs a plugin transform', () => {
    const swap = { name: 'swap-nibbles', immCount: 1, apply: (b: Uint8Array, s: number, e: number, imm: Uint8Array) => {
      for (let i = s; i < e; i++) b[i] = (((b[i]! << 4) | (b[i]! >> 4)) ^ imm[0]!) & 255;
    } };
    const p = plan([
      { op: OP_COPY_DIFF, len: 3, off: 250, diff: [0, 1, 10] },
      { op: OP_TRANSFORM, len: 2, off: 0x12, timm: [0x0f] },
      { op: OP_COPY_DIFF, len: 2, off: blob.size + 1, diff: [255, 2] },
    ]);
    const out = new Uint8Array(p.outLength);
    executeBlock(p, blob, out, { transforms: [swap] });
    // 250 251+1 252+10; 0x12 -> 0x21 ^ 0x0f, 0x13 -> 0x31 ^ 0x0f; out[1..2] + (255, 2)
    expect(Array.from(out)).toEqual([250, 252, 6, 0x2e, 0x3e, (252 + 255) & 255, 8]);
    expect(codeOf(() => executeBlock({ ...p, diffs: Uint8Array.of(0, 1, 10, 255) }, blob, new Uint8Array(7), { transforms: [swap] }))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock({ ...p, diffs: Uint8Array.of(0, 1, 10, 255, 2, 3) }, blob, new Uint8Array(7), { transforms: [swap] }))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock({ ...p, timm: new Uint8Array(0) }, blob, new Uint8Array(7), { transforms: [swap] }))).toBe('PFSC_PBB_CORRUPT');
    expect(() => executeBlock(p, blob, new Uint8Array(7))).toThrow(/segment 1 has unknown op code 16/);
  });

  it('rejects a copy that reads past the blob, naming the segment and block', () => {
    const p = plan([{ op: OP_COPY, len: 5 }, { op: OP_COPY, len: 2, off: 255 }]);
    expect(() => executeBlock(p, blob, new Uint8Array(7), { block: 3 })).toThrow(/block 3: segment 1 copies blob bytes 255\.\.257, past the blob's end \(256 bytes\)/);
    expect(codeOf(() => executeBlock(p, blob, new Uint8Array(7)))).toBe('PFSC_PBB_CORRUPT');
  });

  it('rejects inconsistent plans', () => {
    const ok = plan([{ op: OP_LITERAL, len: 2 }], Uint8Array.of(1, 2));
    expect(codeOf(() => executeBlock(ok, blob, new Uint8Array(1)))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock({ ...ok, spill: Uint8Array.of(1) }, blob, new Uint8Array(2)))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock({ ...ok, spill: Uint8Array.of(1, 2, 3) }, blob, new Uint8Array(2)))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock({ ...ok, outLength: 3 }, blob, new Uint8Array(3)))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock(plan([{ op: 7, len: 1 }]), blob, new Uint8Array(1)))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock(plan([{ op: OP_COPY, len: 1, off: -1 }]), blob, new Uint8Array(1)))).toBe('PFSC_PBB_CORRUPT');
    expect(codeOf(() => executeBlock(plan([{ op: OP_COPY, len: 1, off: 0.5 }]), blob, new Uint8Array(1)))).toBe('PFSC_PBB_CORRUPT');
  });
});

describe('executeBlock: copies from earlier output of the same block', () => {
  // Offsets at or past the blob's end (256) address output file positions off - 256; the
  // block below starts at file position 1000, so its own output is at offsets 1256 on.
  const START = 1000;
  const self = (pos: number): number => blob.size + START + pos;

  it('copies plain, xor- and add-transformed bytes from earlier in the block', () => {
    const p = plan([
      { op: OP_LITERAL, len: 4 }, // 0..4: a b c d
      { op: OP_COPY, len: 3, off: 20 }, // 4..7: 20 21 22 (from the blob)
      { op: OP_COPY, len: 4, off: self(0) }, // 7..11: a b c d
      { op: OP_COPY_XOR, len: 2, off: self(1), imm: 0x20 }, // 11..13: B C
      { op: OP_COPY_ADD, len: 3, off: self(4), imm: 1 }, // 13..16: 21 22 23 (a copy of a blob copy)
      { op: OP_COPY, len: 16, off: self(0) }, // 16..32: all of it so far: source ends where it is written
      { op: OP_COPY_XOR, len: 1, off: self(31), imm: 0 }, // 32: the byte just before
    ], Uint8Array.of(0x61, 0x62, 0x63, 0x64));
    const out = new Uint8Array(p.outLength);
    executeBlock(p, blob, out, { outputStart: START });
    const first = [0x61, 0x62, 0x63, 0x64, 20, 21, 22, 0x61, 0x62, 0x63, 0x64, 0x42, 0x43, 21, 22, 23];
    expect(Array.from(out)).toEqual([...first, ...first, 23]);
  });

  it('addresses the block by its file position: the first block starts at 0', () => {
    const p = plan([{ op: OP_LITERAL, len: 2 }, { op: OP_COPY, len: 2, off: blob.size }], Uint8Array.of(7, 9));
    const out = new Uint8Array(4);
    executeBlock(p, blob, out);
    expect(Array.from(out)).toEqual([7, 9, 7, 9]);
    // The same plan in a block starting at 1000 reads file position 0, in another block.
    expect(codeOf(() => executeBlock(p, blob, new Uint8Array(4), { outputStart: START }))).toBe('PFSC_PBB_CORRUPT');
  });

  it('rejects sources outside what the block has written, naming the segment and block', () => {
    const run = (segs: Parameters<typeof plan>[0]): string => {
      const p = plan([{ op: OP_LITERAL, len: 8 }, ...segs], Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
      return codeOf(() => executeBlock(p, blob, new Uint8Array(p.outLength), { block: 2, outputStart: START }));
    };
    // the valid extremes, for comparison
    expect(run([{ op: OP_COPY, len: 8, off: self(0) }])).toBe('no error');
    expect(run([{ op: OP_COPY, len: 1, off: self(7) }])).toBe('no error');
    // one byte before the block's start (the previous block's last byte)
    expect(run([{ op: OP_COPY, len: 2, off: self(-1) }])).toBe('PFSC_PBB_CORRUPT');
    expect(run([{ op: OP_COPY, len: 1, off: blob.size }])).toBe('PFSC_PBB_CORRUPT');
    // overlapping the destination: source ends one byte past the segment's own start
    expect(run([{ op: OP_COPY, len: 8, off: self(1) }])).toBe('PFSC_PBB_CORRUPT');
    expect(run([{ op: OP_COPY_XOR, len: 4, off: self(6), imm: 1 }])).toBe('PFSC_PBB_CORRUPT');
    // starting at the destination, and past what was written
    expect(run([{ op: OP_COPY, len: 1, off: self(8) }])).toBe('PFSC_PBB_CORRUPT');
    expect(run([{ op: OP_COPY_ADD, len: 3, off: self(100), imm: 1 }])).toBe('PFSC_PBB_CORRUPT');
    expect(run([{ op: OP_COPY, len: 1, off: self(10_000_000) }])).toBe('PFSC_PBB_CORRUPT');
    // straddling the blob's end: partly blob, partly output
    expect(run([{ op: OP_COPY, len: 2, off: blob.size - 1 }])).toBe('PFSC_PBB_CORRUPT');
    expect(run([{ op: OP_COPY, len: 300, off: 0 }])).toBe('PFSC_PBB_CORRUPT');
    const p = plan([{ op: OP_LITERAL, len: 8 }, { op: OP_COPY, len: 8, off: self(1) }], new Uint8Array(8));
    expect(() => executeBlock(p, blob, new Uint8Array(16), { block: 2, outputStart: START })).toThrow(/block 2: segment 1 copies output bytes 1001\.\.1009/);
  });

  it('never writes outside the block: a rejected copy leaves the bytes past it alone', () => {
    const p = plan([{ op: OP_LITERAL, len: 2 }, { op: OP_COPY, len: 4, off: self(0) }], Uint8Array.of(5, 6));
    const out = new Uint8Array(8).fill(0xee);
    expect(codeOf(() => executeBlock(p, blob, out, { outputStart: START }))).toBe('PFSC_PBB_CORRUPT');
    expect(Array.from(out.subarray(2))).toEqual([0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);
  });
});

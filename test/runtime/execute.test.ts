import { codeOf } from '../format/helpers.js';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL } from '../../src/format/types.js';
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

  it('rejects a copy that reads past the blob, naming the segment and block', () => {
    const p = plan([{ op: OP_COPY, len: 5 }, { op: OP_COPY, len: 2, off: 255 }]);
    expect(() => executeBlock(p, blob, new Uint8Array(7), { block: 3 })).toThrow(/block 3: segment 1 copies blob bytes 255\.\.257, outside the blob \(256 bytes\)/);
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

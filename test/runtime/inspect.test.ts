import { describe, expect, it } from 'vitest';
import { bufferByteSource } from '../../src/format/index.js';
import { OP_COPY, OP_COPY_XOR, OP_LITERAL } from '../../src/format/types.js';
import { scanBlueprint, type CopyRun } from '../../src/runtime/inspect.js';
import { buildPbb, header, plan } from '../format/helpers.js';

describe('scanBlueprint', () => {
  it('counts segments, bytes and streams, and merges continuing copies across blocks', async () => {
    const plans = [
      plan([
        { op: OP_COPY, len: 10, off: 1000 },
        { op: OP_COPY, len: 5, off: 1010 }, // continues the previous copy
        { op: OP_LITERAL, len: 2 },
        { op: OP_COPY_XOR, len: 4, off: 50, imm: 1 },
        { op: OP_COPY_XOR, len: 4, off: 54, imm: 9 }, // continues (immediates do not matter)
        { op: OP_COPY, len: 3, off: 58 }, // another op: new run
      ], Uint8Array.of(1, 2)),
      plan([{ op: OP_COPY, len: 7, off: 61 }, { op: OP_COPY, len: 1, off: 0 }]),
    ];
    const total = plans.reduce((a, p) => a + p.outLength, 0);
    const { bytes, streams } = await buildPbb(header(total), plans);
    const seen: CopyRun[] = [];
    const scan = await scanBlueprint(bufferByteSource(bytes), { onCopy: (r) => seen.push(r) });
    expect(scan.blocks).toBe(2);
    expect(scan.outputLength).toBe(36);
    expect(scan.pbbBytes).toBe(bytes.length);
    expect(scan.segments).toEqual({ copy: 5, copyXor: 2, copyAdd: 0, literal: 1 });
    expect(scan.bytes).toEqual({ copy: 26, copyXor: 8, copyAdd: 0, literal: 2 });
    expect(scan.spillBytes).toBe(2);
    expect(scan.copies).toEqual([
      { start: 0, length: 15, offset: 1000, op: OP_COPY },
      { start: 17, length: 8, offset: 50, op: OP_COPY_XOR },
      { start: 25, length: 10, offset: 58, op: OP_COPY },
      { start: 35, length: 1, offset: 0, op: OP_COPY },
    ]);
    expect(seen).toEqual(scan.copies);
    expect(scan.copiesComplete).toBe(true);
    expect(scan.streams.map((s) => s.rawBytes)).toEqual(
      [0, 1, 2, 3, 4].map((i) => streams[0]![i]!.rawBytes + streams[1]![i]!.rawBytes));
    const coded = scan.streams.reduce((a, s) => a + s.codedBytes, 0);
    // everything but the header and the two varints opening each block is stream bytes
    expect(scan.headerLength + coded + 2 * 2).toBe(bytes.length);
  });

  it('keeps at most maxCopies runs but reports them all', async () => {
    const segs = [];
    for (let i = 0; i < 50; i++) segs.push({ op: OP_COPY, len: 2, off: i * 10 });
    const { bytes } = await buildPbb(header(100), [plan(segs)]);
    let n = 0;
    const scan = await scanBlueprint(bufferByteSource(bytes), { maxCopies: 10, onCopy: () => n++ });
    expect(scan.copies).toHaveLength(10);
    expect(scan.copiesComplete).toBe(false);
    expect(scan.copyRuns).toBe(50);
    expect(n).toBe(50);
  });
});

import { describe, expect, it } from 'vitest';
import { bufferByteSource, toHex } from '../../src/format/index.js';
import { OP_COPY, OP_COPY_XOR, OP_LITERAL } from '../../src/format/types.js';
import { scanBlueprint, type CopyRun } from '../../src/runtime/inspect.js';
import { inspectBlueprint } from '../../src/inspect-report.js';
import { buildPbb, header, plan } from '../format/helpers.js';
import { fakeBlob, prng, randomBytes } from './fake-blob.js';

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
    const { bytes, streams } = await buildPbb(header(total), plans, { coding: 'streams' });
    const seen: CopyRun[] = [];
    const scan = await scanBlueprint(bufferByteSource(bytes), { onCopy: (r) => seen.push(r) });
    expect(scan.blocks).toBe(2);
    expect(scan.outputLength).toBe(36);
    expect(scan.pbbBytes).toBe(bytes.length);
    expect(scan.segments).toEqual({ copy: 5, copyXor: 2, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 1 });
    expect(scan.bytes).toEqual({ copy: 26, copyXor: 8, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 2 });
    expect(scan.spillBytes).toBe(2);
    expect(scan.copies).toEqual([
      { start: 0, length: 15, offset: 1000, op: OP_COPY },
      { start: 17, length: 8, offset: 50, op: OP_COPY_XOR },
      { start: 25, length: 10, offset: 58, op: OP_COPY },
      { start: 35, length: 1, offset: 0, op: OP_COPY },
    ]);
    expect(seen).toEqual(scan.copies);
    expect(scan.copiesComplete).toBe(true);
    expect(scan.streams.map((s) => s.name)).toEqual(['ops', 'lengths', 'offsets', 'immediates', 'segments', 'spill', 'diffs']);
    expect(scan.streams.filter((s) => s.name !== 'segments' && s.name !== 'diffs').map((s) => s.rawBytes)).toEqual(
      [0, 1, 2, 3, 4].map((i) => streams[0]![i]!.rawBytes + streams[1]![i]!.rawBytes));
    expect(scan.streams[4]).toEqual({ name: 'segments', rawBytes: 0, codedBytes: 0, coding: 'stored' });
    const coded = scan.streams.reduce((a, s) => a + s.codedBytes, 0);
    // everything but the header and the two varints and Block_Coding opening each block is stream bytes
    expect(scan.headerLength + coded + 2 * 3).toBe(bytes.length);
  });

  it('sums modeled blocks under segments and spill, and streams blocks under the five streams', async () => {
    const plans = [
      plan([{ op: OP_COPY, len: 10, off: 1000 }, { op: OP_LITERAL, len: 3 }], Uint8Array.of(1, 2, 3)),
      plan([{ op: OP_COPY, len: 7, off: 1013 }, { op: OP_COPY_XOR, len: 2, off: 5, imm: 3 }]),
      plan([{ op: OP_LITERAL, len: 1 }, { op: OP_COPY, len: 4, off: 1023 }], Uint8Array.of(9)),
    ];
    const { bytes, streams } = await buildPbb(header(27), plans, { codings: ['modeled', 'streams', 'modeled'] });
    expect(streams.map((s) => s.map((x) => x.name))).toEqual([
      ['segments', 'spill'], ['ops', 'lengths', 'offsets', 'immediates', 'spill'], ['segments', 'spill'],
    ]);
    const scan = await scanBlueprint(bufferByteSource(bytes));
    const byName = Object.fromEntries(scan.streams.map((s) => [s.name, s]));
    expect(byName.segments).toMatchObject({ rawBytes: 4, coding: 'range', codedBytes: streams[0]![0]!.codedBytes + streams[2]![0]!.codedBytes });
    expect(byName.ops).toMatchObject({ rawBytes: 2, codedBytes: streams[1]![0]!.codedBytes });
    expect(byName.spill!.rawBytes).toBe(4);
    expect(scan.segments).toEqual({ copy: 3, copyXor: 1, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 2 });
    // runs continue across blocks whatever their coding
    expect(scan.copies).toEqual([
      { start: 0, length: 10, offset: 1000, op: OP_COPY },
      { start: 13, length: 7, offset: 1013, op: OP_COPY },
      { start: 20, length: 2, offset: 5, op: OP_COPY_XOR },
      { start: 23, length: 4, offset: 1023, op: OP_COPY },
    ]);
    const coded = scan.streams.reduce((a, s) => a + s.codedBytes, 0);
    expect(scan.headerLength + coded + 3 * 3).toBe(bytes.length);
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

describe('inspectBlueprint', () => {
  // A fake blob of 4096 bytes: banks const [0, 1024) and random [1024, 2048), ref0 [2048, 4096).
  const blob = fakeBlob({ bytes: randomBytes(prng(8), 4096), refSizes: [2048] });
  const S = blob.size;
  const resolved = { manifest: blob.manifest, banks: blob.banks, id: blob.id, idHex: blob.idHex, baseId: blob.baseId, baseIdHex: toHex(blob.baseId), size: S };

  async function report(plans: Parameters<typeof buildPbb>[1]) {
    const total = plans.reduce((a, p) => a + p.outLength, 0);
    const { bytes } = await buildPbb(header(total, { blobId: blob.id }), plans);
    return inspectBlueprint('x.pbb', bufferByteSource(bytes), resolved);
  }

  it('attributes copies from earlier output to earlier output, block by block', async () => {
    const r = await report([
      plan([{ op: OP_COPY, len: 100, off: 10 }, { op: OP_LITERAL, len: 20 }, { op: OP_COPY_XOR, len: 50, off: S + 40, imm: 1 }], new Uint8Array(20)),
      plan([{ op: OP_COPY, len: 30, off: 3000 }, { op: OP_COPY, len: 30, off: S + 170 }]),
    ]);
    expect(r.bytesFrom).toEqual({ banks: 100, refs: 30, output: 80, spill: 20 });
    expect(r.map).toEqual([
      { start: 0, length: 100, source: 'const' },
      { start: 100, length: 20, source: 'spill' },
      { start: 120, length: 50, source: 'earlier output' },
      { start: 170, length: 30, source: 'ref0' },
      { start: 200, length: 30, source: 'earlier output' },
    ]);
    expect(r.perBank?.map((b) => b.bytes)).toEqual([100, 0, 30]);
  });

  it('splits a copy run that goes on from the last bytes of the blob into the first bytes of the file', async () => {
    // Segment 1 continues segment 0's source: blob [S - 8, S), then output [0, 8), which
    // the scan reports as one run of 16 bytes from S - 8.
    const r = await report([plan([{ op: OP_COPY, len: 8, off: S - 8 }, { op: OP_COPY, len: 8, off: S }])]);
    expect(r.bytesFrom).toEqual({ banks: 0, refs: 8, output: 8, spill: 0 });
    expect(r.map).toEqual([
      { start: 0, length: 8, source: 'ref0' },
      { start: 8, length: 8, source: 'earlier output' },
    ]);
  });
});

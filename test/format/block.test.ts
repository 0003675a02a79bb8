import { codeOfAsync as errorCode } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  BlockEncoder, OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL, bufferByteSource, decodeHeader, encodeHeader, readBlocks,
  type BlockPlan, type DecodeLimits, type DecodedBlock,
} from '../../src/format/index.js';
import { prng, randomBytes } from '../runtime/fake-blob.js';
import { buildPbb, concat, header, normalized, plan } from './helpers.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

async function decodeAll(bytes: Uint8Array, limits?: DecodeLimits): Promise<DecodedBlock[]> {
  const { header: h, length } = decodeHeader(bytes);
  const out: DecodedBlock[] = [];
  for await (const b of readBlocks(bufferByteSource(bytes), h, length, limits)) out.push(b);
  return out;
}

async function roundTrip(plans: BlockPlan[]): Promise<DecodedBlock[]> {
  const total = plans.reduce((a, p) => a + p.outLength, 0);
  const { bytes } = await buildPbb(header(total), plans);
  const blocks = await decodeAll(bytes);
  expect(blocks.map((b) => normalized(b.plan))).toEqual(plans.map(normalized));
  return blocks;
}


// The block of docs/FORMAT.md's worked example, written by hand: 10 output bytes made of
// COPY 4 from 100, LITERAL "abc", COPY_XOR 3 from 5 with 0x07.
const GOLDEN_BLOCK = hex(`
  0a 03
  03 00 01 00 02
  03 00 04 03 03
  04 00 c8 01 cb 01
  01 00 07
  03 00 61 62 63
`);
const GOLDEN_PLAN = plan([
  { op: OP_COPY, len: 4, off: 100 },
  { op: OP_LITERAL, len: 3 },
  { op: OP_COPY_XOR, len: 3, off: 5, imm: 7 },
], new TextEncoder().encode('abc'));

describe('blocks', () => {
  it('decodes the hand-written golden block', async () => {
    const file = concat([encodeHeader(header(10)), GOLDEN_BLOCK]);
    const [b, ...rest] = await decodeAll(file);
    expect(rest).toEqual([]);
    expect(normalized(b!.plan)).toEqual(normalized(GOLDEN_PLAN));
    expect(b!.codedBytes).toBe(GOLDEN_BLOCK.length);
    expect(b!.streams.map((s) => s.coding)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
  });

  it('encodes the golden plan to the golden bytes', async () => {
    const { bytes } = await new BlockEncoder().encode(GOLDEN_PLAN);
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(GOLDEN_BLOCK).toString('hex'));
  });

  it('an empty file is a header and zero blocks', async () => {
    const { bytes } = await buildPbb(header(0), []);
    expect(bytes.length).toBe(44);
    expect(await decodeAll(bytes)).toEqual([]);
  });

  it('round trips a 1-byte file', async () => {
    await roundTrip([plan([{ op: OP_LITERAL, len: 1 }], Uint8Array.of(42))]);
    await roundTrip([plan([{ op: OP_COPY, len: 1, off: 7 }])]);
  });

  it('round trips xor and add copies and carries copy ends across blocks', async () => {
    const plans = [
      plan([{ op: OP_COPY, len: 1000, off: 5000 }, { op: OP_COPY_XOR, len: 10, off: 6000, imm: 0xff }]),
      plan([{ op: OP_COPY_ADD, len: 7, off: 6010, imm: 3 }, { op: OP_LITERAL, len: 2 }, { op: OP_COPY, len: 5, off: 0 }], Uint8Array.of(9, 8)),
      plan([{ op: OP_LITERAL, len: 3 }], Uint8Array.of(1, 2, 3)),
      plan([{ op: OP_COPY, len: 9, off: 8 }]),
    ];
    const blocks = await roundTrip(plans);
    expect(blocks.map((b) => b.outputStart)).toEqual([0, 1010, 1024, 1027]);
    expect(blocks.map((b) => b.index)).toEqual([0, 1, 2, 3]);
    // Block 3's only copy (output 1027, offset 8) lies on the diagonal of block 1's last copy
    // (output 1019, offset 0) across block 2's literals: offset delta 0, one byte.
    expect(blocks[3]!.streams[2]).toMatchObject({ rawBytes: 1 });
  });

  it('round trips offsets above 2^32 and near 2^52', async () => {
    await roundTrip([
      plan([
        { op: OP_COPY, len: 100, off: 2 ** 32 + 17 },
        { op: OP_COPY, len: 100, off: 3 },
        { op: OP_COPY_XOR, len: 1, off: 2 ** 52 - 2, imm: 1 },
        { op: OP_COPY, len: 50, off: 0 },
      ]),
    ]);
  });

  it('in-order copies cost one offset byte each', async () => {
    const segs = [];
    for (let i = 0; i < 100; i++) segs.push({ op: OP_COPY, len: 64, off: 1_000_000 + i * 64 });
    segs[0]!.off = 0;
    for (let i = 1; i < 100; i++) segs[i]!.off = i * 64;
    const { streams } = await new BlockEncoder().encode(plan(segs));
    expect(streams[2]!.rawBytes).toBe(100);
  });

  it('round trips many random multi-block plans', async () => {
    const rand = prng(7);
    for (let t = 0; t < 20; t++) {
      const plans: BlockPlan[] = [];
      const nb = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < nb; k++) {
        const segs = [];
        let spill = 0;
        const n = 1 + Math.floor(rand() * 300);
        for (let i = 0; i < n; i++) {
          const op = Math.floor(rand() * 4);
          const len = 1 + Math.floor(rand() * (op !== OP_LITERAL && rand() < 0.1 ? 70000 : 40));
          if (op === OP_LITERAL) spill += len;
          segs.push({ op, len, off: Math.floor(rand() * 2 ** (rand() < 0.5 ? 20 : 45)), imm: Math.floor(rand() * 256) });
        }
        plans.push(plan(segs, randomBytes(rand, spill)));
      }
      await roundTrip(plans);
    }
  });

  it('chooses LZMA2 only when it is smaller', async () => {
    const rand = prng(3);
    const repetitive = new Uint8Array(50_000).fill(0x41);
    const random = randomBytes(rand, 50_000);
    const enc = new BlockEncoder();
    const a = await enc.encode(plan([{ op: OP_LITERAL, len: repetitive.length }], repetitive));
    expect(a.streams[4]).toMatchObject({ name: 'spill', coding: 'lzma2', rawBytes: 50_000 });
    expect(a.streams[4]!.codedBytes).toBeLessThan(200);
    const b = await enc.encode(plan([{ op: OP_LITERAL, len: random.length }], random));
    expect(b.streams[4]).toMatchObject({ coding: 'stored', rawBytes: 50_000, codedBytes: 50_000 + 3 + 1 });
    const c = await enc.encode(plan([{ op: OP_LITERAL, len: 11 }], new Uint8Array(11)));
    expect(c.streams[4]).toMatchObject({ coding: 'stored', codedBytes: 13 });
    // empty streams cost one byte each
    expect(c.streams.slice(2, 4).map((s) => s.codedBytes)).toEqual([1, 1]);
    // the whole block is the sum of its parts plus the two block header varints
    expect(a.bytes.length).toBe(3 + 1 + a.streams.reduce((x, s) => x + s.codedBytes, 0));
    const file = concat([encodeHeader(header(100_011)), a.bytes, b.bytes, c.bytes]);
    const blocks = await decodeAll(file);
    expect(Array.from(blocks[0]!.plan.spill)).toEqual(Array.from(repetitive));
    expect(blocks[0]!.streams).toEqual(a.streams);
    expect(blocks[1]!.streams).toEqual(b.streams);
  });

  it('refuses invalid plans', async () => {
    const enc = new BlockEncoder();
    const bad = async (p: BlockPlan): Promise<string> => errorCode(enc.encode(p));
    expect(await bad({ ...plan([{ op: OP_COPY, len: 3 }]), outLength: 4 })).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_COPY, len: 0 }, { op: OP_COPY, len: 3 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_LITERAL, len: 3 }], new Uint8Array(2)))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: 9, len: 3 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_COPY, len: 3, off: -1 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_COPY, len: 3, off: 2 ** 52 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([]))).toBe('PFSC_INTERNAL');
    expect(() => new BlockEncoder({ preset: 12 })).toThrow(RangeError);
  });
});

describe('decoder checks', () => {
  const file = (block: string, outputLength = 10): Uint8Array => concat([encodeHeader(header(outputLength)), hex(block)]);
  const golden = Buffer.from(GOLDEN_BLOCK).toString('hex');
  const cases: [string, string, number, string][] = [
    ['trailing bytes', golden + '00', 10, 'PFSC_PBB_CORRUPT'],
    ['missing block', '', 10, 'PFSC_PBB_TRUNCATED'],
    ['block cut short', golden.slice(0, -2), 10, 'PFSC_PBB_TRUNCATED'],
    ['zero output length', '00', 10, 'PFSC_PBB_CORRUPT'],
    ['block longer than the output', golden, 9, 'PFSC_PBB_CORRUPT'],
    ['zero segments', '0a 00', 10, 'PFSC_PBB_CORRUPT'],
    ['more segments than bytes', '02 03', 2, 'PFSC_PBB_CORRUPT'],
    ['ops raw length differs from count', '0a 03 02 00 01 00', 10, 'PFSC_PBB_CORRUPT'],
    ['unknown op', '0a 03 03 00 01 04 02', 10, 'PFSC_PBB_CORRUPT'],
    ['lengths sum short', '0a 03 03 00 01 00 02 03 00 04 03 02 04 00 c8 01 cb 01 01 00 07 03 00 61 62 63', 10, 'PFSC_PBB_CORRUPT'],
    ['zero length', '0a 03 03 00 01 00 02 03 00 00 03 03', 10, 'PFSC_PBB_CORRUPT'],
    ['lengths stream too long', '0a 03 03 00 01 00 02 04 00 04 03 03 00', 10, 'PFSC_PBB_CORRUPT'],
    ['negative offset', '0a 03 03 00 01 00 02 03 00 04 03 03 04 00 01 00 c5 01', 10, 'PFSC_PBB_CORRUPT'],
    ['offsets stream short', '0a 03 03 00 01 00 02 03 00 04 03 03 02 00 c8 01', 10, 'PFSC_PBB_CORRUPT'],
    ['immediates count', '0a 03 03 00 01 00 02 03 00 04 03 03 04 00 c8 01 cb 01 02 00 07 07', 10, 'PFSC_PBB_CORRUPT'],
    ['spill length', '0a 03 03 00 01 00 02 03 00 04 03 03 04 00 c8 01 cb 01 01 00 07 02 00 61 62', 10, 'PFSC_PBB_CORRUPT'],
    ['LZMA2 size not below raw size', '0a 03 03 03 01 00 02', 10, 'PFSC_PBB_CORRUPT'],
    ['LZMA2 garbage', '0a 03 03 02 ff ff', 10, 'PFSC_PBB_CORRUPT'],
    ['stored data past the end', '0a 03 03 00 01', 10, 'PFSC_PBB_TRUNCATED'],
  ];
  it.each(cases)('%s', async (_name, block, outputLength, code) => {
    expect(await errorCode(decodeAll(file(block, outputLength)))).toBe(code);
  });

  it('applies limits', async () => {
    const f = file(golden);
    expect(await errorCode(decodeAll(f, { maxOutputLength: 9 }))).toBe('PFSC_PBB_LIMIT');
    expect(await errorCode(decodeAll(f, { maxBlockOutLength: 9 }))).toBe('PFSC_PBB_LIMIT');
    expect(await errorCode(decodeAll(f, { maxBlockSegments: 2 }))).toBe('PFSC_PBB_LIMIT');
    expect(await decodeAll(f, { maxBlockSegments: 3, maxBlockOutLength: 10, maxOutputLength: 10 })).toHaveLength(1);
  });

  it('rejects a block above 256 MiB as over the limit', async () => {
    // output length 2^28 + 1 = 81 80 80 80 01
    const f = concat([encodeHeader(header(2 ** 30)), hex('8180808001 01')]);
    expect(await errorCode(decodeAll(f))).toBe('PFSC_PBB_LIMIT');
  });

  it('says where the problem is', async () => {
    await expect(decodeAll(file(golden + '00'))).rejects.toThrow(/1 trailing bytes after the last block, from byte 70/);
    await expect(decodeAll(file('0a 03 03 00 01 04 02'))).rejects.toThrow(/block 0 at byte 44: segment 1 has unknown op code 4/);
  });

  it('decodes an LZMA2-coded stream written with another encoder setting', async () => {
    // Preset 0 output is a valid stream too: decoders do not depend on the encoder's preset.
    const spill = new Uint8Array(4096).fill(7);
    const p = plan([{ op: OP_LITERAL, len: spill.length }], spill);
    const { bytes } = await buildPbb(header(spill.length), [p], 0);
    const [b] = await decodeAll(bytes);
    expect(b!.streams[4]!.coding).toBe('lzma2');
    expect(normalized(b!.plan)).toEqual(normalized(p));
  });
});

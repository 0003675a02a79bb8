import { codeOfAsync as errorCode } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  BlockEncoder, OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL, bufferByteSource, decodeHeader, encodeHeader, readBlocks,
  varintLength, writeVarint, type BlockPlan, type DecodeLimits, type DecodedBlock,
} from '../../src/format/index.js';
import { prng, randomBytes } from '../runtime/fake-blob.js';
import { CODINGS, blockCodingOf, buildPbb, concat, header, normalized, plan, type Coding } from './helpers.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

async function decodeAll(bytes: Uint8Array, limits?: DecodeLimits): Promise<DecodedBlock[]> {
  const { header: h, length } = decodeHeader(bytes);
  const out: DecodedBlock[] = [];
  for await (const b of readBlocks(bufferByteSource(bytes), h, length, limits)) out.push(b);
  return out;
}

/**
 * Encodes the plans with the given coding for every block (or a list of codings, block i
 * taking codings[i % length]), decodes them back and checks the segments come back the same.
 */
async function roundTrip(plans: BlockPlan[], coding: Coding | Coding[] = 'best'): Promise<DecodedBlock[]> {
  const total = plans.reduce((a, p) => a + p.outLength, 0);
  const codings = typeof coding === 'string' ? [coding] : coding;
  const { bytes } = await buildPbb(header(total), plans, { codings });
  const blocks = await decodeAll(bytes);
  expect(blocks.map((b) => normalized(b.plan)), `coding ${codings.join(',')}`).toEqual(plans.map(normalized));
  blocks.forEach((b, i) => {
    const forced = codings[i % codings.length];
    if (forced === 'streams') expect(b.streams.map((s) => s.name)).toEqual(['ops', 'lengths', 'offsets', 'immediates', 'spill']);
    if (forced === 'modeled') expect(b.streams.map((s) => s.name === 'segments' ? s.coding : s.name)).toEqual(['range', 'spill']);
  });
  return blocks;
}

/** Round trips with each coding for every block, then with streams and modeled blocks alternating both ways. */
async function roundTripAll(plans: BlockPlan[]): Promise<void> {
  for (const c of CODINGS) await roundTrip(plans, c);
  if (plans.length > 1) {
    await roundTrip(plans, ['streams', 'modeled']);
    await roundTrip(plans, ['modeled', 'streams']);
  }
}

/** The block encoded by a fresh encoder forced to each coding, and by the default ('best'). */
async function encodeEachWay(p: BlockPlan): Promise<Record<Coding, Uint8Array>> {
  const out = {} as Record<Coding, Uint8Array>;
  for (const c of CODINGS) out[c] = (await new BlockEncoder({ coding: c }).encode(p)).bytes;
  return out;
}


// The block of docs/FORMAT.md's worked example, written by hand: 10 output bytes made of
// COPY 4 from 100, LITERAL "abc", COPY_XOR 3 from 5 with 0x07.
const GOLDEN_BLOCK = hex(`
  0a 03
  00
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

  it('the worked example is a 27-byte block in a 71-byte file', async () => {
    expect(GOLDEN_BLOCK.length).toBe(27);
    const file = concat([encodeHeader(header(10)), GOLDEN_BLOCK]);
    expect(file.length).toBe(71);
    expect(Buffer.from(file.subarray(0, 7)).toString('hex')).toBe('5046534203010a'); // magic, version 3, flags (diagnostics), length 10
  });

  it('encodes the golden plan to the golden bytes', async () => {
    const { bytes, streams } = await new BlockEncoder({ coding: 'streams' }).encode(GOLDEN_PLAN);
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(GOLDEN_BLOCK).toString('hex'));
    expect(streams.map((s) => s.name)).toEqual(['ops', 'lengths', 'offsets', 'immediates', 'spill']);
  });

  it('codes the golden plan modeled when told to, and picks the smaller coding by default', async () => {
    const each = await encodeEachWay(GOLDEN_PLAN);
    expect(blockCodingOf(each.streams)).toBe(0);
    expect(blockCodingOf(each.modeled)).toBe(1);
    // A modeled block opens with the same output length and segment count.
    expect(Array.from(each.modeled.subarray(0, 2))).toEqual([0x0a, 0x03]);
    expect(each.modeled.length).toBeLessThan(each.streams.length);
    expect(Buffer.from(each.best).equals(Buffer.from(each.modeled))).toBe(true);
    for (const c of CODINGS) {
      const [b, ...rest] = await decodeAll(concat([encodeHeader(header(10)), each[c]]));
      expect(rest).toEqual([]);
      expect(normalized(b!.plan)).toEqual(normalized(GOLDEN_PLAN));
      expect(b!.codedBytes).toBe(each[c].length);
    }
  });

  it('an empty file is a header and zero blocks', async () => {
    const { bytes } = await buildPbb(header(0), []);
    expect(bytes.length).toBe(44);
    expect(await decodeAll(bytes)).toEqual([]);
  });

  it('round trips a 1-byte file', async () => {
    await roundTripAll([plan([{ op: OP_LITERAL, len: 1 }], Uint8Array.of(42))]);
    await roundTripAll([plan([{ op: OP_COPY, len: 1, off: 7 }])]);
  });

  it('round trips xor and add copies and carries copy ends across blocks', async () => {
    const plans = [
      plan([{ op: OP_COPY, len: 1000, off: 5000 }, { op: OP_COPY_XOR, len: 10, off: 6000, imm: 0xff }]),
      plan([{ op: OP_COPY_ADD, len: 7, off: 6010, imm: 3 }, { op: OP_LITERAL, len: 2 }, { op: OP_COPY, len: 5, off: 0 }], Uint8Array.of(9, 8)),
      plan([{ op: OP_LITERAL, len: 3 }], Uint8Array.of(1, 2, 3)),
      plan([{ op: OP_COPY, len: 9, off: 8 }]),
    ];
    const blocks = await roundTrip(plans, 'streams');
    expect(blocks.map((b) => b.outputStart)).toEqual([0, 1010, 1024, 1027]);
    expect(blocks.map((b) => b.index)).toEqual([0, 1, 2, 3]);
    // Block 3's only copy (output 1027, offset 8) lies on the diagonal of block 1's last copy
    // (output 1019, offset 0) across block 2's literals: offset delta 0, one byte.
    expect(blocks[3]!.streams[2]).toMatchObject({ name: 'offsets', rawBytes: 1 });
    // The diagonal carries the same way through modeled blocks and from one coding to the other.
    await roundTripAll(plans);
    await roundTrip(plans, ['streams', 'streams', 'modeled', 'modeled']);
    await roundTrip(plans, ['modeled', 'modeled', 'streams', 'streams']);
  });

  it('round trips offsets above 2^32 and near 2^52', async () => {
    await roundTripAll([
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
    const { streams } = await new BlockEncoder({ coding: 'streams' }).encode(plan(segs));
    expect(streams[2]).toMatchObject({ name: 'offsets', rawBytes: 100 });
  });

  it('round trips lengths up to 2^28 and every bit length of lengths and offset deltas', async () => {
    // One copy of 2^28 bytes: the longest length a block can hold (29 bits). Modeled only:
    // in a streams block its 5-byte varint is more than the Lengths stream's 4 × count bound.
    await roundTrip([plan([{ op: OP_COPY, len: 2 ** 28, off: 12345 }])], 'modeled');
    await roundTripAll([plan([{ op: OP_COPY, len: 2 ** 28 - 1, off: 12345 }, { op: OP_COPY_XOR, len: 1, off: 0, imm: 1 }])]);
    await roundTripAll([plan([{ op: OP_COPY_ADD, len: 2 ** 28 - 1, off: 2 ** 52 - 2 ** 28, imm: 255 }, { op: OP_LITERAL, len: 1 }], Uint8Array.of(5))]);
    // Lengths 2^k and 2^k - 1, offset deltas of ± 2^k and ± (2^k - 1), up to 2^51.
    const segs = [];
    let spill = 0;
    let pos = 0;
    let diagonal = 0;
    for (let k = 0; k <= 51; k++) {
      for (const d of [2 ** k, -(2 ** k), 2 ** k - 1, 1 - 2 ** k]) {
        const len = k < 20 ? Math.max(1, 2 ** k - (d & 1)) : 3;
        let off = pos + diagonal + d;
        if (off < 0 || off + len >= 2 ** 52) off = pos + diagonal; // keep it valid: a zero delta
        segs.push({ op: OP_COPY, len, off });
        diagonal = off - pos;
        pos += len;
        if (k % 3 === 0) {
          segs.push({ op: OP_LITERAL, len: 1 + k });
          spill += 1 + k;
          pos += 1 + k;
        }
      }
    }
    const rand = prng(51);
    await roundTripAll([plan(segs, randomBytes(rand, spill))]);
  });

  it('round trips many random multi-block plans, streams and modeled', async () => {
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
      await roundTripAll(plans);
      // and with the coding picked at random per block
      await roundTrip(plans, plans.map(() => CODINGS[Math.floor(rand() * 3)]!));
    }
  });

  it('best is never larger than either coding, and is one of them (streams on a tie)', async () => {
    const rand = prng(11);
    const cases: BlockPlan[] = [GOLDEN_PLAN, plan([{ op: OP_LITERAL, len: 1 }], Uint8Array.of(1)), plan([{ op: OP_COPY, len: 9, off: 8 }])];
    // Many segments repeating one long pattern: LZMA2 squeezes the streams to little, while the
    // modeled coding pays the low bits of every length.
    for (const len of [1000, 77_777]) {
      const segs = [];
      for (let i = 0; i < 3000; i++) segs.push({ op: OP_COPY, len, off: i * (len + 1) }, { op: OP_LITERAL, len: 1 });
      cases.push(plan(segs, new Uint8Array(3000).fill(0x0a)));
    }
    for (let t = 0; t < 60; t++) {
      const segs = [];
      let spill = 0;
      // few segments (modeled usually wins) to many (streams may win)
      const n = 1 + Math.floor(rand() * (t < 30 ? 8 : 2000));
      const ordered = rand() < 0.5;
      let next = Math.floor(rand() * 1e6);
      for (let i = 0; i < n; i++) {
        const op = Math.floor(rand() * 4);
        const len = 1 + Math.floor(rand() * 100);
        if (op === OP_LITERAL) spill += len;
        const off = ordered ? next : Math.floor(rand() * 2 ** 40);
        next = off + len + (rand() < 0.2 ? Math.floor(rand() * 50) : 0);
        segs.push({ op, len, off, imm: ordered ? 0x20 : Math.floor(rand() * 256) });
      }
      cases.push(plan(segs, rand() < 0.5 ? new Uint8Array(spill).fill(0x61) : randomBytes(rand, spill)));
    }
    const won = { streams: 0, modeled: 0 };
    for (const p of cases) {
      const each = await encodeEachWay(p);
      expect(each.best.length).toBeLessThanOrEqual(Math.min(each.streams.length, each.modeled.length));
      const pick = each.streams.length <= each.modeled.length ? each.streams : each.modeled;
      expect(Buffer.from(each.best).equals(Buffer.from(pick))).toBe(true);
      won[blockCodingOf(each.best) === 0 ? 'streams' : 'modeled']++;
    }
    // Both codings win somewhere in this mix, so the choice is really made.
    expect(won.streams, JSON.stringify(won)).toBeGreaterThan(0);
    expect(won.modeled, JSON.stringify(won)).toBeGreaterThan(0);
  });

  it('one encoder switching codings from block to block keeps the diagonal', async () => {
    // Long periodic blocks (streams win) around short ones (modeled wins), offsets going on
    // from block to block, so every block's first offset depends on the one before.
    const periodic = (from: number): BlockPlan => {
      const segs = [];
      for (let i = 0; i < 2000; i++) segs.push({ op: OP_COPY, len: 1000, off: from + i * 1001 }, { op: OP_LITERAL, len: 1 });
      return plan(segs, new Uint8Array(2000).fill(0x0a));
    };
    const plans = [
      periodic(1_000_000),
      plan([{ op: OP_COPY, len: 50, off: 3_000_000 }, { op: OP_LITERAL, len: 2 }, { op: OP_COPY_XOR, len: 9, off: 3_000_052, imm: 5 }], Uint8Array.of(1, 2)),
      periodic(3_000_061 + 4),
      plan([{ op: OP_COPY_ADD, len: 3, off: 17, imm: 200 }]),
    ];
    const total = plans.reduce((a, p) => a + p.outLength, 0);
    const { bytes, streams } = await buildPbb(header(total), plans);
    expect(streams.map((s) => s[0]!.name)).toEqual(['ops', 'segments', 'ops', 'segments']);
    const blocks = await decodeAll(bytes);
    expect(blocks.map((b) => normalized(b.plan))).toEqual(plans.map(normalized));
  });

  it('chooses LZMA2 only when it is smaller', async () => {
    const rand = prng(3);
    const repetitive = new Uint8Array(50_000).fill(0x41);
    const random = randomBytes(rand, 50_000);
    const enc = new BlockEncoder({ coding: 'streams' });
    const a = await enc.encode(plan([{ op: OP_LITERAL, len: repetitive.length }], repetitive));
    expect(a.streams[4]).toMatchObject({ name: 'spill', coding: 'lzma2', rawBytes: 50_000 });
    expect(a.streams[4]!.codedBytes).toBeLessThan(200);
    const b = await enc.encode(plan([{ op: OP_LITERAL, len: random.length }], random));
    expect(b.streams[4]).toMatchObject({ coding: 'stored', rawBytes: 50_000, codedBytes: 50_000 + 3 + 1 });
    const c = await enc.encode(plan([{ op: OP_LITERAL, len: 11 }], new Uint8Array(11)));
    expect(c.streams[4]).toMatchObject({ coding: 'stored', codedBytes: 13 });
    // empty streams cost one byte each
    expect(c.streams.slice(2, 4).map((s) => s.codedBytes)).toEqual([1, 1]);
    // the whole block is the sum of its parts plus the two block header varints and Block_Coding
    expect(a.bytes.length).toBe(3 + 1 + 1 + a.streams.reduce((x, s) => x + s.codedBytes, 0));
    const file = concat([encodeHeader(header(100_011)), a.bytes, b.bytes, c.bytes]);
    const blocks = await decodeAll(file);
    expect(Array.from(blocks[0]!.plan.spill)).toEqual(Array.from(repetitive));
    expect(blocks[0]!.streams).toEqual(a.streams);
    expect(blocks[1]!.streams).toEqual(b.streams);
  });

  it('a modeled block codes its spill as any stream, and reports what the decoder reports', async () => {
    const rand = prng(5);
    const repetitive = new Uint8Array(50_000).fill(0x41);
    const random = randomBytes(rand, 50_000);
    const enc = new BlockEncoder({ coding: 'modeled' });
    const a = await enc.encode(plan([{ op: OP_LITERAL, len: repetitive.length }], repetitive));
    expect(blockCodingOf(a.bytes)).toBe(1);
    expect(a.streams.map((s) => s.name)).toEqual(['segments', 'spill']);
    expect(a.streams[0]).toMatchObject({ rawBytes: 1, coding: 'range' });
    expect(a.streams[1]).toMatchObject({ coding: 'lzma2', rawBytes: 50_000 });
    const b = await enc.encode(plan([{ op: OP_COPY, len: 3, off: 0 }, { op: OP_LITERAL, len: random.length }], random));
    expect(b.streams[1]).toMatchObject({ coding: 'stored', rawBytes: 50_000, codedBytes: 50_000 + 3 + 1 });
    const c = await enc.encode(plan([{ op: OP_COPY, len: 5, off: 9 }]));
    expect(c.streams[1]).toMatchObject({ name: 'spill', rawBytes: 0, codedBytes: 1 });
    // output length, segment count and Block_Coding, then the two parts
    [5, 5, 3].forEach((opening, i) => {
      const x = [a, b, c][i]!;
      expect(x.bytes.length).toBe(opening + x.streams.reduce((n, s) => n + s.codedBytes, 0));
    });
    const file = concat([encodeHeader(header(100_008)), a.bytes, b.bytes, c.bytes]);
    const blocks = await decodeAll(file);
    expect(Array.from(blocks[0]!.plan.spill)).toEqual(Array.from(repetitive));
    expect(blocks.map((x) => x.streams)).toEqual([a.streams, b.streams, c.streams]);
    expect(blocks.map((x) => x.codedBytes)).toEqual([a.bytes.length, b.bytes.length, c.bytes.length]);
  });

  it.each(CODINGS)('refuses invalid plans (%s)', async (coding) => {
    const enc = new BlockEncoder({ coding });
    const bad = async (p: BlockPlan): Promise<string> => errorCode(enc.encode(p));
    expect(await bad({ ...plan([{ op: OP_COPY, len: 3 }]), outLength: 4 })).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_COPY, len: 0 }, { op: OP_COPY, len: 3 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_LITERAL, len: 3 }], new Uint8Array(2)))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: 9, len: 3 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_COPY, len: 3, off: -1 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([{ op: OP_COPY, len: 3, off: 2 ** 52 }]))).toBe('PFSC_INTERNAL');
    expect(await bad(plan([]))).toBe('PFSC_INTERNAL');
    expect(() => new BlockEncoder({ preset: 12, coding })).toThrow(RangeError);
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
    ['no Block_Coding', '0a 03', 10, 'PFSC_PBB_TRUNCATED'],
    ['Block_Coding 2', '0a 03 02 03 00 01 00 02', 10, 'PFSC_PBB_CORRUPT'],
    ['Block_Coding 255', '0a 03 ff', 10, 'PFSC_PBB_CORRUPT'],
    ['a version 1 block (no Block_Coding byte)', '0a 03 03 00 01 00 02 03 00 04 03 03 04 00 c8 01 cb 01 01 00 07 03 00 61 62 63', 10, 'PFSC_PBB_CORRUPT'],
    ['ops raw length differs from count', '0a 03 00 02 00 01 00', 10, 'PFSC_PBB_CORRUPT'],
    ['unknown op', '0a 03 00 03 00 01 04 02', 10, 'PFSC_PBB_CORRUPT'],
    ['lengths sum short', '0a 03 00 03 00 01 00 02 03 00 04 03 02 04 00 c8 01 cb 01 01 00 07 03 00 61 62 63', 10, 'PFSC_PBB_CORRUPT'],
    ['zero length', '0a 03 00 03 00 01 00 02 03 00 00 03 03', 10, 'PFSC_PBB_CORRUPT'],
    ['lengths stream too long', '0a 03 00 03 00 01 00 02 04 00 04 03 03 00', 10, 'PFSC_PBB_CORRUPT'],
    ['negative offset', '0a 03 00 03 00 01 00 02 03 00 04 03 03 04 00 01 00 c5 01', 10, 'PFSC_PBB_CORRUPT'],
    ['offsets stream short', '0a 03 00 03 00 01 00 02 03 00 04 03 03 02 00 c8 01', 10, 'PFSC_PBB_CORRUPT'],
    ['immediates count', '0a 03 00 03 00 01 00 02 03 00 04 03 03 04 00 c8 01 cb 01 02 00 07 07', 10, 'PFSC_PBB_CORRUPT'],
    ['spill length', '0a 03 00 03 00 01 00 02 03 00 04 03 03 04 00 c8 01 cb 01 01 00 07 02 00 61 62', 10, 'PFSC_PBB_CORRUPT'],
    // Coding = Coded_Size × 4 + Method (1: LZMA2, 2: Zstandard, spill only)
    ['LZMA2 size not below raw size', '0a 03 00 03 0d 01 00 02', 10, 'PFSC_PBB_CORRUPT'],
    ['LZMA2 garbage', '0a 03 00 03 09 ff ff', 10, 'PFSC_PBB_CORRUPT'],
    ['coded size 0', '0a 03 00 03 01 01 00 02', 10, 'PFSC_PBB_CORRUPT'],
    ['method 3', '0a 03 00 03 07 01 00 02', 10, 'PFSC_PBB_CORRUPT'],
    ['stored data past the end', '0a 03 00 03 00 01', 10, 'PFSC_PBB_TRUNCATED'],
    ['modeled: no Segments_Size', '0a 03 01', 10, 'PFSC_PBB_TRUNCATED'],
    ['modeled: Segments_Size above 40 × count + 8', '0a 03 01 81 01', 10, 'PFSC_PBB_CORRUPT'],
    ['modeled: Segments_Data past the end', '0a 03 01 05 00 00', 10, 'PFSC_PBB_TRUNCATED'],
    ['modeled: Segments_Data FF FF FF FF', '0a 03 01 04 ff ff ff ff 03 00 61 62 63', 10, 'PFSC_PBB_CORRUPT'],
    ['modeled: empty Segments_Data', '0a 03 01 00 03 00 61 62 63', 10, 'PFSC_PBB_CORRUPT'],
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
    await expect(decodeAll(file(golden + '00'))).rejects.toThrow(/1 trailing bytes after the last block, from byte 71/);
    await expect(decodeAll(file('0a 03 00 03 00 01 04 02'))).rejects.toThrow(/block 0 at byte 44: segment 1 has op code 4, not defined in a block without extended ops/);
    await expect(decodeAll(file('0a 03 07'))).rejects.toThrow(/block 0 at byte 44: block coding byte 0x07/);
  });

  it('decodes an LZMA2-coded stream written with another encoder setting', async () => {
    // Preset 0 output is a valid stream too: decoders do not depend on the encoder's preset.
    const spill = new Uint8Array(4096).fill(7);
    const p = plan([{ op: OP_LITERAL, len: spill.length }], spill);
    for (const coding of ['streams', 'modeled'] as const) {
      const { bytes } = await buildPbb(header(spill.length), [p], { preset: 0, coding });
      const [b] = await decodeAll(bytes);
      expect(b!.streams.find((s) => s.name === 'spill')!.coding).toBe('lzma2');
      expect(normalized(b!.plan)).toEqual(normalized(p));
    }
  });
});

/** A modeled block taken apart: the opening (lengths and Block_Coding), Segments_Data, and the spill stream. */
interface ModeledParts {
  opening: Uint8Array;
  data: Uint8Array;
  spill: Uint8Array;
}

function readVarintAt(b: Uint8Array, p: number): [number, number] {
  let v = 0;
  let scale = 1;
  for (;;) {
    const x = b[p++]!;
    v += (x & 0x7f) * scale;
    scale *= 128;
    if (!(x & 0x80)) return [v, p];
  }
}

function modeledParts(block: Uint8Array): ModeledParts {
  let p = readVarintAt(block, 0)[1];
  p = readVarintAt(block, p)[1];
  expect(block[p]).toBe(1);
  const opening = block.subarray(0, p + 1);
  const [size, q] = readVarintAt(block, p + 1);
  return { opening, data: block.subarray(q, q + size), spill: block.subarray(q + size) };
}

/** Puts a modeled block back together, with Segments_Size set to the data's length. */
function modeledBlock(parts: ModeledParts): Uint8Array {
  const size = new Uint8Array(varintLength(parts.data.length));
  writeVarint(size, 0, parts.data.length);
  return concat([parts.opening, size, parts.data, parts.spill]);
}

/** A stored stream of these bytes. */
function storedStream(raw: Uint8Array): Uint8Array {
  if (raw.length === 0) return Uint8Array.of(0);
  const h = new Uint8Array(varintLength(raw.length) + 1);
  writeVarint(h, 0, raw.length);
  return concat([h, raw]);
}

describe('modeled block checks', () => {
  const rand = prng(1234);
  /** Plans of a few shapes, each a single block: few and many segments, with and without literals. */
  const PLANS: BlockPlan[] = [
    GOLDEN_PLAN,
    plan([{ op: OP_COPY, len: 40, off: 3 }]),
    plan([{ op: OP_LITERAL, len: 5 }], Uint8Array.of(1, 2, 3, 4, 5)),
    plan([{ op: OP_COPY_ADD, len: 2 ** 20, off: 2 ** 45, imm: 9 }, { op: OP_LITERAL, len: 2 }, { op: OP_COPY_XOR, len: 7, off: 0, imm: 0x80 }], Uint8Array.of(7, 7)),
  ];
  for (let t = 0; t < 6; t++) {
    const segs = [];
    let spill = 0;
    const n = 2 + Math.floor(rand() * 200);
    for (let i = 0; i < n; i++) {
      const op = Math.floor(rand() * 4);
      const len = 1 + Math.floor(rand() * 300);
      if (op === OP_LITERAL) spill += len;
      segs.push({ op, len, off: Math.floor(rand() * 2 ** 30), imm: Math.floor(rand() * 256) });
    }
    PLANS.push(plan(segs, randomBytes(rand, spill)));
  }

  /** The file of one plan coded modeled, with its block replaced by `block`. */
  const fileOf = (p: BlockPlan, block: Uint8Array): Uint8Array => concat([encodeHeader(header(p.outLength)), block]);
  const modeled = async (p: BlockPlan): Promise<Uint8Array> => (await new BlockEncoder({ coding: 'modeled' }).encode(p)).bytes;
  const outcome = async (p: BlockPlan, block: Uint8Array): Promise<string> => errorCode(decodeAll(fileOf(p, block)));

  it('the unchanged blocks decode', async () => {
    for (const p of PLANS) {
      const block = await modeled(p);
      expect(modeledBlock(modeledParts(block))).toEqual(block);
      const [b] = await decodeAll(fileOf(p, block));
      expect(normalized(b!.plan)).toEqual(normalized(p));
    }
  });

  it('Block_Coding 2 to 255 is corrupt', async () => {
    for (const p of PLANS.slice(0, 3)) {
      for (const c of CODINGS) {
        const block = (await new BlockEncoder({ coding: c }).encode(p)).bytes;
        const at = modeledOrStreamsCodingAt(block);
        for (let v = 2; v <= 255; v++) {
          const b = block.slice();
          b[at] = v;
          expect(await outcome(p, b), `coding byte ${v}`).toBe('PFSC_PBB_CORRUPT');
        }
      }
    }
  });

  it('a Segments_Size above 40 × Segment_Count + 8 is corrupt, even with the bytes there', async () => {
    for (const p of PLANS) {
      const parts = modeledParts(await modeled(p));
      const max = 40 * p.count + 8;
      const padded = new Uint8Array(max + 1);
      padded.set(parts.data);
      expect(await outcome(p, modeledBlock({ ...parts, data: padded }))).toBe('PFSC_PBB_CORRUPT');
      await expect(decodeAll(fileOf(p, modeledBlock({ ...parts, data: padded })))).rejects.toThrow(new RegExp(`size ${max + 1} is more than ${max} for ${p.count} segments`));
      // At the limit the size passes, and the unused padding is what is wrong.
      expect(await outcome(p, modeledBlock({ ...parts, data: padded.subarray(0, max) }))).toBe('PFSC_PBB_CORRUPT');
    }
  });

  it('a file cut anywhere inside a modeled block is truncated', async () => {
    for (const p of PLANS.slice(0, 6)) {
      const block = await modeled(p);
      for (let n = 0; n < block.length; n++) {
        expect(await outcome(p, block.subarray(0, n)), `cut at ${n} of ${block.length}`).toBe('PFSC_PBB_TRUNCATED');
      }
    }
  });

  /** Decodes the block; the error code, or whether the segments came back the same. */
  const decodeOutcome = async (p: BlockPlan, block: Uint8Array): Promise<string> => {
    let blocks: DecodedBlock[] = [];
    const code = await errorCode((async () => void (blocks = await decodeAll(fileOf(p, block))))());
    if (code !== 'no error') return code;
    return JSON.stringify(normalized(blocks[0]!.plan)) === JSON.stringify(normalized(p)) ? 'same segments' : 'other segments';
  };

  it('Segments_Data cut short (Segments_Size adjusted) is rejected or decodes to other segments', async () => {
    // The range coder's data has no slack at its end: without its last byte the value it
    // codes leaves the final interval, so the decoder fails or reads other segments (which
    // a replay then refuses, as their output's digest differs).
    const seen = new Map<string, number>();
    for (const p of PLANS) {
      const parts = modeledParts(await modeled(p));
      for (let cut = 1; cut <= Math.min(parts.data.length, 12); cut++) {
        const o = await decodeOutcome(p, modeledBlock({ ...parts, data: parts.data.subarray(0, parts.data.length - cut) }));
        expect(['PFSC_PBB_CORRUPT', 'PFSC_PBB_TRUNCATED', 'other segments'], `cut ${cut} of ${parts.data.length}`).toContain(o);
        seen.set(o, (seen.get(o) ?? 0) + 1);
      }
    }
    expect(seen.get('PFSC_PBB_CORRUPT') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(0);
  });

  it('five or more bytes appended to Segments_Data (Segments_Size adjusted) are corrupt', async () => {
    // A decoder reads at most four zero bytes past the data; appended bytes beyond those are
    // never read.
    for (const p of PLANS) {
      const parts = modeledParts(await modeled(p));
      for (const extra of [new Uint8Array(5), new Uint8Array(9), new Uint8Array(300)]) {
        const longer = { ...parts, data: concat([parts.data, extra]) };
        expect(await outcome(p, modeledBlock(longer)), `+${extra.length} zeros`).toBe('PFSC_PBB_CORRUPT');
      }
      for (const extra of [Uint8Array.of(0x5a, 1, 2, 3, 4), randomBytes(rand, 9)]) {
        const o = await decodeOutcome(p, modeledBlock({ ...parts, data: concat([parts.data, extra]) }));
        expect(['PFSC_PBB_CORRUPT', 'PFSC_PBB_TRUNCATED', 'other segments'], `+${extra.length}`).toContain(o);
      }
      // Fewer bytes may stand in for zeros the decoder would have read past the end; whatever
      // they are, the outcome is a PfscError or a decoded block.
      for (const extra of [Uint8Array.of(0x5a), Uint8Array.of(0xff, 1), Uint8Array.of(1, 2, 3, 4)]) {
        await decodeOutcome(p, modeledBlock({ ...parts, data: concat([parts.data, extra]) }));
      }
    }
  });

  it('Segments_Data starting with FF FF FF FF is corrupt', async () => {
    for (const p of PLANS) {
      const parts = modeledParts(await modeled(p));
      const data = parts.data.slice();
      if (data.length < 4) continue;
      data.fill(0xff, 0, 4);
      await expect(decodeAll(fileOf(p, modeledBlock({ ...parts, data })))).rejects.toThrow(/FF FF FF FF/);
      expect(await outcome(p, modeledBlock({ ...parts, data: concat([Uint8Array.of(0xff, 0xff, 0xff, 0xff), parts.data]) }))).toBe('PFSC_PBB_CORRUPT');
    }
    // Shorter data is read as if padded with zeros: FF FF FF is not the forbidden value.
    expect(await outcome(GOLDEN_PLAN, modeledBlock({ ...modeledParts(await modeled(GOLDEN_PLAN)), data: hex('ff ff ff ff') }))).toBe('PFSC_PBB_CORRUPT');
  });

  it('a spill whose Raw_Size is not the literal bytes is corrupt', async () => {
    for (const p of PLANS) {
      const parts = modeledParts(await modeled(p));
      const spill = p.spill;
      const variants = [concat([spill, Uint8Array.of(0x33)]), concat([Uint8Array.of(0x33), spill])];
      if (spill.length > 0) variants.push(spill.subarray(1), new Uint8Array(0));
      for (const v of variants) {
        expect(await outcome(p, modeledBlock({ ...parts, spill: storedStream(v) })), `spill of ${v.length} for ${spill.length}`).toBe('PFSC_PBB_CORRUPT');
      }
      // and the right size, stored, is fine whatever way the encoder coded it
      const [b] = await decodeAll(fileOf(p, modeledBlock({ ...parts, spill: storedStream(spill) })));
      expect(normalized(b!.plan)).toEqual(normalized(p));
    }
  });

  it('says where the problem is', async () => {
    const parts = modeledParts(await modeled(GOLDEN_PLAN));
    await expect(decodeAll(fileOf(GOLDEN_PLAN, modeledBlock({ ...parts, spill: storedStream(Uint8Array.of(1, 2)) }))))
      .rejects.toThrow(/block 0 at byte 44, spill stream at byte \d+: raw length 2, must be 3/);
    await expect(decodeAll(fileOf(GOLDEN_PLAN, modeledBlock({ ...parts, data: concat([parts.data, new Uint8Array(9)]) }))))
      .rejects.toThrow(/block 0 at byte 44/);
  });
});

/** Position of the Block_Coding byte of an encoded block. */
function modeledOrStreamsCodingAt(block: Uint8Array): number {
  return readVarintAt(block, readVarintAt(block, 0)[1])[1];
}

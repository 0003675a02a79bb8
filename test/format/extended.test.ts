/**
 * Format 3's extended ops: COPY_DIFF with its Diffs stream, and transforms the header
 * declares, with their immediates; both codings, across blocks, and the decoder's checks.
 */
import { describe, expect, it } from 'vitest';
import {
  BlockEncoder, OP_COPY, OP_COPY_DIFF, OP_COPY_XOR, OP_LITERAL, OP_TRANSFORM, bufferByteSource, decodeHeader, readBlocks,
  type BlockPlan, type DecodedBlock, type PbbHeader, type TransformDecl,
} from '../../src/format/index.js';
import { prng, randomBytes } from '../runtime/fake-blob.js';
import { CODINGS, blockCodingOf, buildPbb, codeOfAsync, concat, header, normalized, plan, type Coding } from './helpers.js';
import { encodeHeader } from '../../src/format/index.js';

const TRANSFORMS: TransformDecl[] = [{ name: 'rot', immCount: 1 }, { name: 'none', immCount: 0 }, { name: 'wide', immCount: 8 }];

async function decodeAll(bytes: Uint8Array): Promise<DecodedBlock[]> {
  const { header: h, length } = decodeHeader(bytes);
  const out: DecodedBlock[] = [];
  for await (const b of readBlocks(bufferByteSource(bytes), h, length)) out.push(b);
  return out;
}

function hdr(total: number): PbbHeader {
  return header(total, { transforms: TRANSFORMS });
}

async function roundTrip(plans: BlockPlan[], codings: Coding[]): Promise<DecodedBlock[]> {
  const total = plans.reduce((a, p) => a + p.outLength, 0);
  const { bytes } = await buildPbb(hdr(total), plans, { codings, transforms: TRANSFORMS });
  const blocks = await decodeAll(bytes);
  expect(blocks.map((b) => normalized(b.plan)), codings.join(',')).toEqual(plans.map(normalized));
  return blocks;
}

const rand = prng(77);
const diff = (n: number, nonzero = 3): number[] => {
  const d = new Array<number>(n).fill(0);
  for (let k = 0; k < nonzero && n > 0; k++) d[(k * 7919) % n] = 1 + (k % 255);
  return d;
};

const PLANS = [
  plan([{ op: OP_COPY_DIFF, len: 40, off: 1000, diff: diff(40) }]),
  plan([
    { op: OP_COPY, len: 100, off: 5000 },
    { op: OP_COPY_DIFF, len: 300, off: 5100, diff: diff(300, 12) },
    { op: OP_LITERAL, len: 3 },
    { op: OP_TRANSFORM, len: 20, off: 9000, timm: [5] },
    { op: OP_TRANSFORM + 1, len: 9, off: 9020 },
    { op: OP_TRANSFORM + 2, len: 2, off: 2 ** 40, timm: [1, 2, 3, 4, 5, 6, 7, 255] },
    { op: OP_COPY_XOR, len: 10, off: 9100, imm: 0x80 },
    { op: OP_COPY_DIFF, len: 1, off: 0, diff: [255] },
  ], Uint8Array.of(7, 8, 9)),
  plan([{ op: OP_TRANSFORM + 2, len: 64, off: 100, timm: [...randomBytes(rand, 8)] }, { op: OP_LITERAL, len: 1 }], Uint8Array.of(0)),
];

describe('extended ops (format 3)', () => {
  it('round trip in every coding and mix of codings, and set bit 2 of Block_Coding', async () => {
    for (const c of CODINGS) {
      const blocks = await roundTrip(PLANS, [c]);
      for (const b of blocks) expect(b.streams.some((s) => s.name === 'diffs')).toBe(b.plan.diffs !== undefined);
    }
    await roundTrip(PLANS, ['streams', 'modeled']);
    await roundTrip(PLANS, ['modeled', 'streams']);
    for (const p of PLANS) {
      for (const c of CODINGS) {
        const block = (await new BlockEncoder({ coding: c, transforms: TRANSFORMS }).encode(p)).bytes;
        expect(blockCodingOf(block) & 0x04, `${c}`).toBe(0x04);
      }
    }
  });

  it('a block without extended ops keeps format 2 coding (bit 2 clear), in a format 3 file', async () => {
    const p = plan([{ op: OP_COPY, len: 10, off: 4 }, { op: OP_LITERAL, len: 1 }], Uint8Array.of(1));
    for (const c of CODINGS) {
      const block = (await new BlockEncoder({ coding: c, transforms: TRANSFORMS }).encode(p)).bytes;
      expect(blockCodingOf(block) & 0x04).toBe(0);
    }
  });

  it('codes a long, mostly zero Diffs stream with LZMA2', async () => {
    const n = 200_000;
    const p = plan([{ op: OP_COPY_DIFF, len: n, off: 0, diff: diff(n, 50) }]);
    const [b] = await roundTrip([p], ['modeled']);
    const s = b!.streams.find((x) => x.name === 'diffs')!;
    expect(s.coding).toBe('lzma2');
    expect(s.codedBytes).toBeLessThan(1000);
  });

  it('the encoder refuses plans whose diffs or immediates do not add up, or an undeclared transform', async () => {
    const enc = () => new BlockEncoder({ transforms: TRANSFORMS });
    const short = plan([{ op: OP_COPY_DIFF, len: 10, off: 0, diff: diff(9) }]);
    expect(await codeOfAsync(enc().encode(short))).toBe('PFSC_INTERNAL');
    const missing = plan([{ op: OP_TRANSFORM, len: 10, off: 0 }]);
    expect(await codeOfAsync(enc().encode(missing))).toBe('PFSC_INTERNAL');
    const undeclared = plan([{ op: OP_TRANSFORM + 3, len: 10, off: 0 }]);
    expect(await codeOfAsync(enc().encode(undeclared))).toBe('PFSC_INTERNAL');
    expect(await codeOfAsync(new BlockEncoder().encode(plan([{ op: OP_TRANSFORM, len: 1, off: 0, timm: [1] }])))).toBe('PFSC_INTERNAL');
  });
});

describe('extended ops: decoder checks', () => {
  async function file(p: BlockPlan, coding: Coding, transforms: TransformDecl[] = TRANSFORMS, headerTransforms = transforms): Promise<Uint8Array> {
    const block = (await new BlockEncoder({ coding, transforms }).encode(p)).bytes;
    return concat([encodeHeader(header(p.outLength, { transforms: headerTransforms })), block]);
  }

  it('a transform op beyond the header\'s table is corrupt, in both codings', async () => {
    const p = plan([{ op: OP_TRANSFORM + 2, len: 5, off: 0, timm: [1, 2, 3, 4, 5, 6, 7, 8] }]);
    for (const c of ['streams', 'modeled'] as const) {
      // Encoded against three transforms, read against a header declaring two.
      const bytes = await file(p, c, TRANSFORMS, TRANSFORMS.slice(0, 2));
      expect(await codeOfAsync(decodeAll(bytes)), c).toBe('PFSC_PBB_CORRUPT');
    }
  });

  it('extended ops without bit 2, bit 2 without extended ops, and a format 2 file with bit 2 are corrupt', async () => {
    const withDiff = plan([{ op: OP_COPY_DIFF, len: 8, off: 0, diff: diff(8) }]);
    for (const c of ['streams', 'modeled'] as const) {
      const bytes = await file(withDiff, c);
      const { length } = decodeHeader(bytes);
      const codingAt = length + 2;
      const cleared = bytes.slice();
      cleared[codingAt] &= ~0x04;
      expect(await codeOfAsync(decodeAll(cleared)), `${c} cleared`).toBe('PFSC_PBB_CORRUPT');
    }
    const plain = plan([{ op: OP_COPY, len: 8, off: 0 }]);
    for (const c of ['streams', 'modeled'] as const) {
      const bytes = await file(plain, c);
      const { length } = decodeHeader(bytes);
      const set = bytes.slice();
      set[length + 2] |= 0x04;
      expect(await codeOfAsync(decodeAll(set)), `${c} set`).toBe('PFSC_PBB_CORRUPT');
    }
    // A format 2 header (the format 3 one with diagnostics and no transforms, relabelled) knows no bit 2.
    const v3 = await file(withDiff, 'streams', []);
    const v2 = v3.slice();
    expect(v2[5]).toBe(1);
    v2[4] = 2;
    v2[5] = 0;
    expect(await codeOfAsync(decodeAll(v2))).toBe('PFSC_PBB_CORRUPT');
  });

  it('a Diffs stream is its sparse form: runs of zeros and the nonzero byte after each', async () => {
    // diff(8) is 01 00 00 00 00 00 00 02 (positions 0 and 7): entries 00 01, 06 02.
    const d = diff(8, 2);
    expect(d).toEqual([1, 0, 0, 0, 0, 0, 0, 2]);
    const p = plan([{ op: OP_COPY_DIFF, len: 8, off: 0, diff: d }]);
    for (const c of ['streams', 'modeled'] as const) {
      const bytes = await file(p, c);
      // Stored: raw size 4, coding 0, then 00 01 06 02, the last bytes of the file.
      expect(Buffer.from(bytes.subarray(bytes.length - 6)).toString('hex'), c).toBe('040000010602');
      expect(normalized((await decodeAll(bytes))[0]!.plan).diffs).toEqual(d);
      const bad = async (tail: string): Promise<string> => codeOfAsync(decodeAll(concat([bytes.subarray(0, bytes.length - 6), Buffer.from(tail, 'hex')])));
      expect(await bad('0400000106'), `${c} cut`).toBe('PFSC_PBB_TRUNCATED');
      expect(await bad('040000000602'), `${c} zero value`).toBe('PFSC_PBB_CORRUPT');
      expect(await bad('040000010702'), `${c} past the total`).toBe('PFSC_PBB_CORRUPT');
      expect(await bad('03000001 06'.replace(' ', '')), `${c} ends inside an entry`).toBe('PFSC_PBB_CORRUPT');
      expect(await bad('1100' + '00'.repeat(17)), `${c} above 2 x total`).toBe('PFSC_PBB_CORRUPT');
      // Only zeros after the first byte: 00 01 is the whole form, the 7 zeros implied.
      const zeros = await file(plan([{ op: OP_COPY_DIFF, len: 8, off: 0, diff: [5, 0, 0, 0, 0, 0, 0, 0] }]), c);
      expect(Buffer.from(zeros.subarray(zeros.length - 4)).toString('hex')).toBe('02000005');
    }
  });
});

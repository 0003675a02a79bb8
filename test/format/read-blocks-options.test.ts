/**
 * readBlocks' options: a spill decoder brought by the reader, and onSegments, which sees
 * each block's segments once, before the block is yielded and after the spill's decoder
 * has been started (so a replay's blob loading overlaps the decode).
 */
import { describe, expect, it } from 'vitest';
import { OP_COPY, OP_LITERAL, bufferByteSource, decodeHeader, readBlocks, type BlockSegments, type DecodedBlock } from '../../src/format/index.js';
import { decodeLzma2, type RawLzma2Decoder } from '../../src/format/lzma2.js';
import { prng, randomBytes } from '../runtime/fake-blob.js';
import { buildPbb, header, plan } from './helpers.js';

/** Text-like bytes, which LZMA2 codes (random bytes would be stored). */
function words(rand: () => number, n: number): Uint8Array {
  const w = ['alpha ', 'beta ', 'gamma ', 'delta\n', 'return ', '{ ', '} '];
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    for (const c of Buffer.from(w[Math.floor(rand() * w.length)]!)) if (i < n) out[i++] = c;
  }
  return out;
}

async function blueprint(): Promise<Uint8Array> {
  const rand = prng(7);
  const plans = [0, 1, 2].map((b) => {
    const spill = b === 1 ? randomBytes(rand, 3000) : words(rand, 20_000 + b);
    return plan([{ op: OP_COPY, len: 100 + b, off: 1000 * b }, { op: OP_LITERAL, len: spill.length }, { op: OP_COPY, len: 50, off: 7 }], spill);
  });
  const total = plans.reduce((a, p) => a + p.outLength, 0);
  return (await buildPbb(header(total), plans, { coding: 'streams' })).bytes;
}

describe('readBlocks options', () => {
  it('calls onSegments once per block, with the segments the block then brings, before it comes', async () => {
    const bytes = await blueprint();
    const { header: h, length } = decodeHeader(bytes);
    const events: string[] = [];
    const seen: BlockSegments[] = [];
    const blocks: DecodedBlock[] = [];
    for await (const b of readBlocks(bufferByteSource(bytes), h, length, {}, undefined, {
      onSegments: (segments, block) => {
        events.push(`segments ${block}`);
        seen.push(segments);
      },
    })) {
      events.push(`block ${b.index}`);
      blocks.push(b);
    }
    expect(events).toEqual(['segments 0', 'block 0', 'segments 1', 'block 1', 'segments 2', 'block 2']);
    blocks.forEach((b, i) => {
      const s = seen[i]!;
      expect(s.outLength).toBe(b.plan.outLength);
      expect(s.count).toBe(b.plan.count);
      expect([...s.op]).toEqual([...b.plan.op]);
      expect([...s.len]).toEqual([...b.plan.len]);
      expect([...s.off]).toEqual([...b.plan.off]);
    });
  });

  it('decodes LZMA2 spills with the decoder it is given, and tells onSegments once that decoder runs', async () => {
    const bytes = await blueprint();
    const { header: h, length } = decodeHeader(bytes);
    const events: string[] = [];
    // A decoder that settles later: onSegments must come between its start and its end.
    const decoder: RawLzma2Decoder = async (coded, out) => {
      events.push('decoder started');
      const raw = decodeLzma2(coded, out.length, 'test');
      await new Promise((r) => setTimeout(r, 5));
      out.set(raw);
      events.push('decoder done');
      return raw.length;
    };
    const spills: Uint8Array[] = [];
    for await (const b of readBlocks(bufferByteSource(bytes), h, length, {}, undefined, {
      lzma2: decoder,
      onSegments: (_s, block) => events.push(`segments ${block}`),
    })) {
      spills.push(b.plan.spill);
    }
    const reference: Uint8Array[] = [];
    for await (const b of readBlocks(bufferByteSource(bytes), h, length)) reference.push(b.plan.spill);
    expect(spills.map((s) => Buffer.from(s).toString('hex'))).toEqual(reference.map((s) => Buffer.from(s).toString('hex')));
    // Blocks 0 and 2 have LZMA2 spills; block 1's random spill is stored, so it is told after.
    expect(events).toEqual([
      'decoder started', 'segments 0', 'decoder done',
      'segments 1',
      'decoder started', 'segments 2', 'decoder done',
    ]);
  });
});

/**
 * Filtered LZMA2 coding of the spill (docs/FORMAT.md, "Filtered LZMA2 coding"): files put
 * together here by hand from the spec, with xz's own x86 filter and LZMA2 encoder, decode to
 * their bytes; pfsc's encoder picks the coding where it pays and reads back what it wrote;
 * every malformed field is PFSC_PBB_CORRUPT.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  BlockEncoder, MAX_FILTER_RANGES, OP_COPY, OP_LITERAL, bufferByteSource, decodeHeader, encodeHeader, readBlocks, writeVarint,
  type BlockPlan, type DecodedBlock, type FilterRegion,
} from '../../src/format/index.js';
import { FILTER_IDS } from '../../src/format/filters/index.js';
import { xzFilter, xzMissing } from './filters/oracle.js';
import { prng, randomBytes } from '../runtime/fake-blob.js';
import { buildPbb, codeOfAsync, concat, fakeCode, header, plan } from './helpers.js';

const XZ = xzMissing('x86');
if (XZ !== undefined) console.warn(`test/format/filtered-spill: the files made with xz skipped: ${XZ}`);

async function decodeAll(bytes: Uint8Array): Promise<DecodedBlock[]> {
  const { header: h, length } = decodeHeader(bytes);
  const out: DecodedBlock[] = [];
  for await (const b of readBlocks(bufferByteSource(bytes), h, length)) out.push(b);
  return out;
}

const varints = (...v: number[]): Uint8Array => {
  const out = new Uint8Array(v.length * 10);
  let p = 0;
  for (const x of v) p = writeVarint(out, p, x);
  return out.subarray(0, p);
};

/** A stored stream. */
const stored = (raw: Uint8Array): Uint8Array => (raw.length === 0 ? Uint8Array.of(0) : concat([varints(raw.length, 0), raw]));

/** A streams block (coding 0) with stored ops, lengths and offsets, and the given spill stream. */
function streamsBlock(segs: { op: number; len: number; off?: number }[], spillStream: Uint8Array, prevDiagonal = 0, blockStart = 0): Uint8Array {
  const outLength = segs.reduce((a, s) => a + s.len, 0);
  const offsets: number[] = [];
  let pos = blockStart;
  let diagonal = prevDiagonal;
  for (const s of segs) {
    if (s.op !== OP_LITERAL) {
      const z = s.off! - (pos + diagonal);
      offsets.push(z >= 0 ? 2 * z : -2 * z - 1);
      diagonal = s.off! - pos;
    }
    pos += s.len;
  }
  return concat([
    varints(outLength, segs.length), Uint8Array.of(0),
    stored(Uint8Array.from(segs.map((s) => s.op))),
    stored(varints(...segs.map((s) => s.len))),
    stored(varints(...offsets)),
    stored(new Uint8Array(0)),
    spillStream,
  ]);
}

/** Raw LZMA2 by the system's xz, with a dictionary no larger than the decoder's for this size. */
function xzLzma2(raw: Uint8Array): Uint8Array {
  const r = spawnSync('xz', ['--format=raw', '--lzma2=preset=6,dict=4KiB', '-c'], { input: raw, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`xz: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

/** The spill stream header and data for a filtered spill (fields from Filter_ID on), and its data's length. */
function filteredStream(raw: Uint8Array, filtered: Uint8Array, fields: number[]): { stream: Uint8Array; dataLength: number } {
  const coded = xzLzma2(filtered);
  return { stream: concat([varints(raw.length, coded.length * 4 + 3, ...fields), coded]), dataLength: coded.length };
}

/**
 * A two-block file by hand. Block 0: 1,000 stored literal bytes. Block 1 (output position
 * 1,000): literal A, a 100-byte copy, literal B; one x86 range from 500 into A to 700 into
 * B, so two pieces are filtered, at their own output positions.
 */
function handMade(): { bytes: Uint8Array; output: Uint8Array; spill: Uint8Array; fieldsAt: number } {
  const first = randomBytes(prng(1), 1000);
  const a = fakeCode(3000, 2, 1000);
  const b = fakeCode(4000, 3, 1000 + 3100);
  const spill = concat([a, b]);
  // Pieces: A[500, 3000) at 1000 + 500, B[0, 700) at 1000 + 3100.
  const filtered = concat([
    a.subarray(0, 500), xzFilter('x86', 'encode', a.subarray(500), 1500),
    xzFilter('x86', 'encode', b.subarray(0, 700), 4100), b.subarray(700),
  ]);
  const fields = [FILTER_IDS.x86, 1, 500, 3100 + 700 - 500];
  const block0 = streamsBlock([{ op: OP_LITERAL, len: 1000 }], stored(first));
  const segs = [{ op: OP_LITERAL, len: 3000 }, { op: OP_COPY, len: 100, off: 77 }, { op: OP_LITERAL, len: 4000 }];
  const { stream, dataLength } = filteredStream(spill, filtered, fields);
  const block1 = streamsBlock(segs, stream, 0, 1000);
  const h = encodeHeader(header(8100));
  const fieldsAt = h.length + block0.length + block1.length - (dataLength + varints(...fields).length);
  return { bytes: concat([h, block0, block1]), output: concat([first, a, new Uint8Array(100), b]), spill, fieldsAt };
}

describe('filtered spill, made by hand with xz', () => {
  it.skipIf(XZ !== undefined)('decodes: each piece at its output position, the copy between them untouched', async () => {
    const { bytes, spill } = handMade();
    const blocks = await decodeAll(bytes);
    expect(blocks).toHaveLength(2);
    expect(Buffer.from(blocks[1]!.plan.spill).equals(Buffer.from(spill))).toBe(true);
    const s = blocks[1]!.streams.find((x) => x.name === 'spill')!;
    expect(s.coding).toBe('filtered');
    expect(s.filter).toBe('x86');
  });

  it.skipIf(XZ !== undefined)('every malformed filter field is PFSC_PBB_CORRUPT', async () => {
    const { bytes, fieldsAt } = handMade();
    const { header: h, length } = decodeHeader(bytes);
    const tail = bytes.subarray(fieldsAt + varints(FILTER_IDS.x86, 1, 500, 3300).length);
    const withFields = (...f: number[]): Uint8Array => concat([bytes.subarray(0, fieldsAt), varints(...f), tail]);
    expect(await codeOfAsync(decodeAll(withFields(FILTER_IDS.x86, 1, 500, 3300)))).toBe('no error');
    for (const [what, f] of [
      ['filter id 0 (no filter)', [0, 1, 500, 3300]],
      ['filter id 11 (reserved)', [11, 1, 500, 3300]],
      ['filter id 65 (reserved)', [65, 1, 500, 3300]],
      ['range count 0', [FILTER_IDS.x86, 0]],
      [`range count ${MAX_FILTER_RANGES + 1}`, [FILTER_IDS.x86, MAX_FILTER_RANGES + 1, 500, 3300]],
      ['a range of length 0', [FILTER_IDS.x86, 1, 500, 0]],
      ['a range past the block', [FILTER_IDS.x86, 1, 500, 6601]],
      ['a second range touching the first', [FILTER_IDS.x86, 2, 500, 100, 0, 100]],
    ] as const) {
      expect(await codeOfAsync(decodeAll(withFields(...f))), what).toBe('PFSC_PBB_CORRUPT');
    }
    // Method 3 in a stream other than the spill: the ops stream of block 0 relabelled.
    const block0 = length;
    const ops = block0 + varints(1000, 1).length + 1;
    const bad = bytes.slice();
    expect([bad[ops], bad[ops + 1]]).toEqual([1, 0]);
    bad[ops + 1] = 3;
    expect(await codeOfAsync(decodeAll(bad))).toBe('PFSC_PBB_CORRUPT');
    // Format 2 has no Method 3: the same file relabelled version 2 (it has diagnostics and no transforms).
    expect(h.version).toBe(3);
    const v2 = bytes.slice();
    v2[4] = 2;
    v2[5] = 0;
    expect(await codeOfAsync(decodeAll(v2))).toBe('PFSC_PBB_CORRUPT');
  });
});

describe('filtered spill, pfsc encoder', () => {
  /** A plan: literal code, a copy, literal code; and its output from position `start`. */
  function codePlan(start: number, seed: number): BlockPlan {
    const a = fakeCode(40_000, seed, start);
    const b = fakeCode(30_000, seed + 1, start + 40_010);
    return plan([{ op: OP_LITERAL, len: a.length }, { op: OP_COPY, len: 10, off: 5 }, { op: OP_LITERAL, len: b.length }], concat([a, b]));
  }

  async function roundTrip(plans: BlockPlan[], filterRegions: FilterRegion[], coding: 'streams' | 'modeled' | 'best'): Promise<DecodedBlock[]> {
    const total = plans.reduce((s, p) => s + p.outLength, 0);
    const { bytes } = await buildPbb(header(total), plans, { coding, filterRegions, preset: 6 });
    const blocks = await decodeAll(bytes);
    blocks.forEach((b, i) => expect(Buffer.from(b.plan.spill).equals(Buffer.from(plans[i]!.spill)), `block ${i}`).toBe(true));
    return blocks;
  }

  it('codes code through its filter when that is smaller, in both block codings, at any block position', async () => {
    const plans = [codePlan(0, 10), codePlan(70_010, 20)];
    const regions: FilterRegion[] = [{ start: 100, length: 139_000, filter: FILTER_IDS['x86-64'] }];
    for (const coding of ['streams', 'modeled', 'best'] as const) {
      const blocks = await roundTrip(plans, regions, coding);
      for (const b of blocks) {
        const s = b.streams.find((x) => x.name === 'spill')!;
        expect(s.coding, coding).toBe('filtered');
        expect(s.filter).toBe('x86-64');
      }
    }
    const plain = await buildPbb(header(140_020), plans, { preset: 6 });
    const filtered = await buildPbb(header(140_020), plans, { preset: 6, filterRegions: regions });
    expect(filtered.bytes.length).toBeLessThan(plain.bytes.length * 0.9);
  });

  it('of regions with different filters, takes the one covering the most literal bytes', async () => {
    const p = codePlan(0, 30);
    const regions: FilterRegion[] = [
      { start: 0, length: 2000, filter: FILTER_IDS.arm64 },
      { start: 2000, length: 68_000, filter: FILTER_IDS['x86-64'] },
      { start: 70_005, length: 15, filter: FILTER_IDS.arm64 },
    ];
    const [b] = await roundTrip([p], regions, 'best');
    expect(b!.streams.find((x) => x.name === 'spill')!.filter).toBe('x86-64');
  });

  it('keeps plain LZMA2 or stored where filtering does not pay, and skips tiny code', async () => {
    const noise = randomBytes(prng(5), 50_000);
    const p = plan([{ op: OP_LITERAL, len: noise.length }], noise);
    const [b] = await roundTrip([p], [{ start: 0, length: 50_000, filter: FILTER_IDS['x86-64'] }], 'best');
    expect(b!.streams.find((x) => x.name === 'spill')!.coding).not.toBe('filtered');
    const small = codePlan(0, 40);
    const [c] = await roundTrip([small], [{ start: 0, length: 600, filter: FILTER_IDS['x86-64'] }], 'best');
    expect(c!.streams.find((x) => x.name === 'spill')!.coding).toBe('lzma2');
  });

  it(`lists at most ${MAX_FILTER_RANGES} ranges, the largest, however many regions there are`, async () => {
    const p = codePlan(0, 50);
    const regions: FilterRegion[] = [];
    for (let s = 0; s + 8 < 70_000; s += 16) regions.push({ start: s, length: s % 64 === 0 ? 12 : 8, filter: FILTER_IDS['x86-64'] });
    expect(regions.length).toBeGreaterThan(MAX_FILTER_RANGES);
    const [b] = await roundTrip([p], regions, 'streams');
    expect(['filtered', 'lzma2']).toContain(b!.streams.find((x) => x.name === 'spill')!.coding);
  });
});


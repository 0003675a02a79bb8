/**
 * An independent decoder of modeled blocks' Segments_Data, written from docs/FORMAT.md
 * ("Modeled segments", "Range coder") without the project's coder, checks the encoder: it
 * must read back every segment of random plans. It uses BigInt arithmetic, unlike the
 * project's number-based coder, so a mistake in one is unlikely to hide in the other.
 */
import { describe, expect, it } from 'vitest';
import { BlockEncoder, OP_LITERAL, type BlockPlan } from '../../src/format/index.js';
import { prng } from '../runtime/fake-blob.js';
import { FieldReader, plan, type Seg } from './helpers.js';

class RefRangeDecoder {
  private range = 0xffffffffn;
  private code = 0n;
  private pos = 0;
  implied = 0;

  constructor(private readonly data: Uint8Array) {
    for (let i = 0; i < 4; i++) this.code = (this.code << 8n) | BigInt(this.next());
    if (this.code === 0xffffffffn) throw new Error('code FFFFFFFF');
  }

  private next(): number {
    if (this.pos < this.data.length) return this.data[this.pos++]!;
    this.implied++;
    if (this.implied > 4) throw new Error('past the end');
    return 0;
  }

  private normalize(): void {
    while (this.range < 1n << 24n) {
      this.range <<= 8n;
      this.code = (this.code << 8n) | BigInt(this.next());
    }
  }

  bit(probs: number[], i: number): number {
    const p = probs[i]!;
    const bound = (this.range >> 12n) * BigInt(p);
    let bit: number;
    if (this.code < bound) {
      bit = 0;
      this.range = bound;
      probs[i] = p + ((4096 - p) >> 4);
    } else {
      bit = 1;
      this.code -= bound;
      this.range -= bound;
      probs[i] = p - (p >> 4);
    }
    this.normalize();
    return bit;
  }

  direct(): number {
    this.range >>= 1n;
    let bit = 0;
    if (this.code >= this.range) {
      bit = 1;
      this.code -= this.range;
    }
    this.normalize();
    return bit;
  }

  usedUp(): boolean {
    return this.pos === this.data.length;
  }
}

const probs = (n: number): number[] => new Array<number>(n).fill(2048);

/**
 * Decodes the segments of one modeled block, per docs/FORMAT.md; `immCounts` (an extended
 * block's) are the immediate counts of the header's transforms.
 */
function refDecode(data: Uint8Array, count: number, outLength: number, start: { pos: number; diagonal: number }, immCounts?: number[]) {
  const rc = new RefRangeDecoder(data);
  const OP = probs(16);
  const OPX = probs(48);
  const TR = probs(16);
  const TIMM = probs(16 * 8 * 256);
  const LEN_BITS = probs(128);
  const LEN_MANT = probs(2 * 64 * 8);
  const ZERO = probs(4);
  const SIGN = probs(4);
  const DELTA_BITS = probs(128);
  const DELTA_MANT = probs(2 * 64 * 8);
  const IMM = probs(512);
  const tree = (p: number[], base: number, k: number): number => {
    let node = 1;
    for (let b = 0; b < k; b++) node = 2 * node + rc.bit(p, base + node);
    return node - (1 << k);
  };
  const number = (bitsP: number[], mantP: number[], c: number): number => {
    const n = tree(bitsP, 64 * c, 6);
    let v = 1;
    let node = 1;
    for (let b = n - 2; b >= 0; b--) {
      let bit: number;
      if (b >= n - 3) {
        bit = rc.bit(mantP, (64 * c + n) * 8 + node);
        node = 2 * node + bit;
      } else {
        bit = rc.direct();
      }
      v = v * 2 + bit;
    }
    return v;
  };
  let prevOp = 1;
  let prevZero = 1;
  let pos = start.pos;
  let diagonal = start.diagonal;
  let sum = 0;
  const segs: Seg[] = [];
  const symbol = (op: number): number => (op >= 16 ? 5 : op);
  for (let i = 0; i < count; i++) {
    let op: number;
    if (immCounts !== undefined) {
      const s = tree(OPX, 8 * symbol(prevOp), 3);
      op = s === 5 ? 16 + tree(TR, 0, 4) : s;
    } else {
      const hi = rc.bit(OP, 4 * prevOp + 1);
      op = 2 * hi + rc.bit(OP, 4 * prevOp + 2 + hi);
    }
    const len = i < count - 1 ? number(LEN_BITS, LEN_MANT, op === OP_LITERAL ? 0 : 1) : outLength - sum;
    const seg: Seg = { op, len };
    if (op !== OP_LITERAL) {
      const c = 2 * (prevOp === OP_LITERAL ? 1 : 0) + prevZero;
      let d = 0;
      if (rc.bit(ZERO, c) === 1) {
        const negative = rc.bit(SIGN, c) === 1;
        const mag = number(DELTA_BITS, DELTA_MANT, prevOp === OP_LITERAL ? 1 : 0);
        d = negative ? -mag : mag;
      }
      prevZero = d === 0 ? 1 : 0;
      seg.off = pos + diagonal + d;
      diagonal = seg.off - pos;
      if (op === 2 || op === 3) seg.imm = tree(IMM, 256 * (op - 2), 8);
      if (op >= 16) {
        const j = op - 16;
        const t: number[] = [];
        for (let q = 0; q < immCounts![j]!; q++) t.push(tree(TIMM, 256 * (8 * j + q), 8));
        if (t.length > 0) seg.timm = t;
      }
    }
    segs.push(seg);
    prevOp = op;
    pos += len;
    sum += len;
  }
  expect(rc.usedUp()).toBe(true);
  start.pos = pos;
  start.diagonal = diagonal;
  return segs;
}

/** Extracts Segments_Data from an encoded modeled block (Block_Output_Length, count, 01, size, data). */
function segmentsData(block: Uint8Array): { outLength: number; count: number; data: Uint8Array } {
  const r = new FieldReader(block);
  const outLength = r.varint();
  const count = r.varint();
  expect(r.byte() & ~0x04).toBe(1);
  const size = r.varint();
  return { outLength, count, data: block.subarray(r.at, r.at + size) };
}

function randomSegs(rand: () => number, n: number): { segs: Seg[]; spill: Uint8Array } {
  const segs: Seg[] = [];
  let spillLen = 0;
  let bigUsed = false;
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(rand() * 5);
    // Lengths of every bit length up to 2^27 for copies (one huge copy per block at most,
    // so the block stays under 256 MiB); literals stay short, as the spill is real bytes.
    let len = 1 + Math.floor(rand() < 0.2 ? rand() * 2 ** (1 + Math.floor(rand() * 20)) : rand() * 300);
    if (kind !== 0 && !bigUsed && rand() < 0.05) {
      len = 2 ** 26 + Math.floor(rand() * 2 ** 26);
      bigUsed = true;
    }
    if (kind === 0) len = Math.min(len, 4000);
    if (kind === 0) {
      segs.push({ op: OP_LITERAL, len });
      spillLen += len;
    } else {
      const big = rand() < 0.1;
      const off = Math.floor(big ? rand() * 2 ** 51 : rand() * 1e6);
      const op = kind <= 2 ? 1 : kind === 3 ? 2 : 3;
      segs.push({ op, len, off, imm: op === 1 ? 0 : Math.floor(rand() * 256) });
    }
  }
  return { segs, spill: new Uint8Array(spillLen).map(() => Math.floor(rand() * 256)) };
}

describe('modeled segments against an independent decoder', () => {
  it('reads back random multi-block plans, diagonal carried across blocks', async () => {
    const rand = prng(20261122);
    for (let file = 0; file < 60; file++) {
      const enc = new BlockEncoder({ coding: 'modeled' });
      const state = { pos: 0, diagonal: 0 };
      const blocks = 1 + Math.floor(rand() * 3);
      for (let b = 0; b < blocks; b++) {
        const { segs, spill } = randomSegs(rand, 1 + Math.floor(rand() * 80));
        const p: BlockPlan = plan(segs, spill);
        const { bytes } = await enc.encode(p);
        const { outLength, count, data } = segmentsData(bytes);
        expect(outLength).toBe(p.outLength);
        expect(count).toBe(p.count);
        const got = refDecode(data, count, outLength, state);
        const want = segs.map((s) => (s.op === OP_LITERAL ? { op: s.op, len: s.len } : s.op === 1 ? { op: 1, len: s.len, off: s.off } : s));
        expect(got).toEqual(want);
      }
    }
  });

  it('reads back random plans with COPY_DIFF and transform copies (extended blocks)', async () => {
    const rand = prng(20261201);
    const transforms = [{ name: 'a', immCount: 0 }, { name: 'b', immCount: 1 }, { name: 'c', immCount: 3 }, { name: 'd', immCount: 8 }];
    for (let file = 0; file < 40; file++) {
      const enc = new BlockEncoder({ coding: 'modeled', transforms });
      const state = { pos: 0, diagonal: 0 };
      for (let b = 0; b < 1 + Math.floor(rand() * 3); b++) {
        const { segs, spill } = randomSegs(rand, 1 + Math.floor(rand() * 60));
        // Turn some copies into COPY_DIFF and transform copies; at least one of them.
        segs.forEach((s, i) => {
          if (s.op === OP_LITERAL || (rand() < 0.6 && i > 0)) return;
          if (rand() < 0.5) {
            s.op = 4;
            s.imm = 0;
            s.len = Math.min(s.len, 5000);
            s.diff = Array.from({ length: s.len }, () => (rand() < 0.9 ? 0 : Math.floor(rand() * 256)));
          } else {
            const j = Math.floor(rand() * transforms.length);
            s.op = 16 + j;
            s.imm = 0;
            s.timm = Array.from({ length: transforms[j]!.immCount }, () => Math.floor(rand() * 256));
          }
        });
        if (!segs.some((s) => s.op >= 4)) segs.push({ op: 4, len: 3, off: 7, diff: [1, 0, 2] });
        const p: BlockPlan = plan(segs, spill);
        const { bytes } = await enc.encode(p);
        const { outLength, count, data } = segmentsData(bytes);
        const got = refDecode(data, count, outLength, state, transforms.map((t) => t.immCount));
        const want = segs.map((s) => {
          if (s.op === OP_LITERAL) return { op: s.op, len: s.len };
          if (s.op === 2 || s.op === 3) return { op: s.op, len: s.len, off: s.off, imm: s.imm };
          if (s.op >= 16 && s.timm !== undefined && s.timm.length > 0) return { op: s.op, len: s.len, off: s.off, timm: s.timm };
          return { op: s.op, len: s.len, off: s.off };
        });
        expect(got).toEqual(want);
      }
    }
  });

  it('drops the leading zero byte and at most four trailing zeros', async () => {
    // A single long copy on the diagonal codes in a handful of bits: the data is tiny.
    const { bytes } = await new BlockEncoder({ coding: 'modeled' }).encode(plan([{ op: 1, len: 1000, off: 0 }]));
    const { data } = segmentsData(bytes);
    expect(data.length).toBeLessThanOrEqual(2);
    expect(refDecode(data, 1, 1000, { pos: 0, diagonal: 0 })).toEqual([{ op: 1, len: 1000, off: 0 }]);
  });
});

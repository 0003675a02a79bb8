/**
 * The segment model of modeled blocks (docs/FORMAT.md, "Modeled segments"): each segment's
 * op, length, offset delta and immediate as bits of one adaptive range-coded stream, with
 * contexts taken from the segment before. Coding and decoding share this file so the two
 * can never drift apart.
 */
import { MAX_BLOCK_OUT_LENGTH, MAX_COPY_END } from './constants.js';
import { fail } from './fail.js';
import { newProbs, RangeDecoder, RangeEncoder } from './range-coder.js';
import { OP_COPY, OP_COPY_DIFF, OP_LITERAL, OP_TRANSFORM, opHasImmediate, type TransformDecl } from './types.js';

/** Mantissa bits below the leading 1 that get a model; the rest are direct bits. */
const MODELED_MANTISSA_BITS = 2;
/** Largest bit length of a segment length (2^28 = MAX_BLOCK_OUT_LENGTH needs 29 bits). */
export const MAX_LENGTH_BITS = 29;
/** Largest bit length of an offset delta's magnitude (below 2^53). */
export const MAX_DELTA_BITS = 53;

/** Number of bits of v >= 1 (v < 2^53). */
function bitLength(v: number): number {
  return v < 2 ** 32 ? 32 - Math.clz32(v) : 32 + (32 - Math.clz32(Math.floor(v / 2 ** 32)));
}

/** Bit k of v (v < 2^53). */
function bitOf(v: number, k: number): number {
  return v < 2 ** 31 ? (v >> k) & 1 : Math.floor(v / 2 ** k) % 2;
}

/**
 * Adaptive models of one coded number family (lengths, offset magnitudes): the bit length
 * as a 6-bit tree per context, then the two bits after the leading 1 modeled per context
 * and bit length.
 */
class NumberModel {
  private readonly lengthBits: Uint16Array;
  private readonly mantissa: Uint16Array;

  constructor(contexts: number) {
    this.lengthBits = newProbs(contexts * 64);
    this.mantissa = newProbs(contexts * 64 * (1 << (MODELED_MANTISSA_BITS + 1)));
  }

  encode(rc: RangeEncoder, ctx: number, v: number): void {
    const n = bitLength(v);
    let m = 1;
    for (let k = 5; k >= 0; k--) {
      const b = (n >> k) & 1;
      rc.bit(this.lengthBits, ctx * 64 + m, b);
      m = (m << 1) | b;
    }
    const base = (ctx * 64 + n) << (MODELED_MANTISSA_BITS + 1);
    m = 1;
    for (let k = n - 2; k >= 0; k--) {
      const b = bitOf(v, k);
      if (n - 2 - k < MODELED_MANTISSA_BITS) {
        rc.bit(this.mantissa, base + m, b);
        m = (m << 1) | b;
      } else {
        rc.direct(b);
      }
    }
  }

  /** Decodes a number of 1..maxBits bits; a bit length outside that range is corrupt. */
  decode(rc: RangeDecoder, ctx: number, maxBits: number, what: () => string): number {
    let m = 1;
    for (let k = 0; k < 6; k++) m = (m << 1) | rc.bit(this.lengthBits, ctx * 64 + m);
    const n = m - 64;
    if (n < 1 || n > maxBits) fail('PFSC_PBB_CORRUPT', `${what()}: coded number of ${n} bits, must be 1 to ${maxBits}`);
    const base = (ctx * 64 + n) << (MODELED_MANTISSA_BITS + 1);
    let v = 1;
    m = 1;
    for (let k = n - 2; k >= 0; k--) {
      let b: number;
      if (n - 2 - k < MODELED_MANTISSA_BITS) {
        b = rc.bit(this.mantissa, base + m);
        m = (m << 1) | b;
      } else {
        b = rc.direct();
      }
      v = v * 2 + b;
    }
    return v;
  }
}

/** Symbols of an extended block's op tree: ops 0-4 as themselves, any transform as 5. */
const SYM_TRANSFORM = 5;

function symbolOf(op: number): number {
  return op >= OP_TRANSFORM ? SYM_TRANSFORM : op;
}

/** The models of one block; a block starts with fresh ones. */
class SegmentModels {
  /** Op as a 2-bit tree, by the previous segment's op (a block without extended ops). */
  readonly op = newProbs(4 * 4);
  /** Extended blocks: op symbol as a 3-bit tree by the previous symbol; a transform's index as a 4-bit tree. */
  readonly opx = newProbs(6 * 8);
  readonly transform = newProbs(16);
  /** Transform immediates as 8-bit trees, by transform and byte (made when first needed). */
  private timmProbs: Uint16Array | undefined;
  /** Lengths: context 0 for literals, 1 for copies. */
  readonly length = new NumberModel(2);
  /** Offset delta is zero / sign, by (previous op was a literal) × (previous delta was zero). */
  readonly zero = newProbs(4);
  readonly sign = newProbs(4);
  /** Offset delta magnitudes, by (previous op was a literal). */
  readonly delta = new NumberModel(2);
  /** Immediates as 8-bit trees, one per transform op. */
  readonly imm = newProbs(2 * 256);

  timm(): Uint16Array {
    this.timmProbs ??= newProbs(16 * 8 * 256);
    return this.timmProbs;
  }
}

/** How a block's ops are coded: a format 3 block with extended ops uses the 3-bit tree. */
export interface OpCoding {
  extended: boolean;
  /** The header's transforms (their immediate counts). */
  transforms: readonly TransformDecl[];
}

const PLAIN: OpCoding = { extended: false, transforms: [] };

/** What carries from block to block: the previous copy's diagonal. */
export interface DiagonalState {
  diagonal: number;
  /** File position of the block's first output byte. */
  position: number;
}

export interface SegmentArrays {
  count: number;
  op: Uint8Array;
  len: Uint32Array;
  off: Float64Array;
  imm: Uint8Array;
  /** Transform segments' immediate bytes, in order (extended blocks). */
  timm?: Uint8Array;
}

/** Codes a block's segments; updates `state` (diagonal) as the decoder will. */
export function encodeModeledSegments(seg: SegmentArrays, state: DiagonalState, coding: OpCoding = PLAIN): Uint8Array {
  const rc = new RangeEncoder();
  const m = new SegmentModels();
  let prevOp = OP_COPY;
  let prevZero = 1;
  let pos = state.position;
  let diagonal = state.diagonal;
  let tp = 0;
  for (let i = 0; i < seg.count; i++) {
    const op = seg.op[i]!;
    const l = seg.len[i]!;
    if (coding.extended) {
      const s = symbolOf(op);
      let t = 1;
      for (let k = 2; k >= 0; k--) {
        const b = (s >> k) & 1;
        rc.bit(m.opx, symbolOf(prevOp) * 8 + t, b);
        t = (t << 1) | b;
      }
      if (s === SYM_TRANSFORM) {
        const j = op - OP_TRANSFORM;
        t = 1;
        for (let k = 3; k >= 0; k--) {
          const b = (j >> k) & 1;
          rc.bit(m.transform, t, b);
          t = (t << 1) | b;
        }
      }
    } else {
      rc.bit(m.op, prevOp * 4 + 1, op >> 1);
      rc.bit(m.op, prevOp * 4 + 2 + (op >> 1), op & 1);
    }
    // The last segment's length is what is left of the block: not coded.
    if (i < seg.count - 1) m.length.encode(rc, op === OP_LITERAL ? 0 : 1, l);
    if (op !== OP_LITERAL) {
      const f = seg.off[i]!;
      const d = f - (pos + diagonal);
      const ctx = (prevOp === OP_LITERAL ? 2 : 0) + prevZero;
      rc.bit(m.zero, ctx, d === 0 ? 0 : 1);
      if (d !== 0) {
        rc.bit(m.sign, ctx, d < 0 ? 1 : 0);
        m.delta.encode(rc, prevOp === OP_LITERAL ? 1 : 0, Math.abs(d));
      }
      prevZero = d === 0 ? 1 : 0;
      diagonal = f - pos;
      if (opHasImmediate(op)) {
        const v = seg.imm[i]!;
        const base = (op - 2) * 256;
        let t = 1;
        for (let k = 7; k >= 0; k--) {
          const b = (v >> k) & 1;
          rc.bit(m.imm, base + t, b);
          t = (t << 1) | b;
        }
      } else if (op >= OP_TRANSFORM) {
        const j = op - OP_TRANSFORM;
        const probs = m.timm();
        for (let q = 0; q < coding.transforms[j]!.immCount; q++) {
          const v = seg.timm![tp++]!;
          const base = (j * 8 + q) * 256;
          let t = 1;
          for (let k = 7; k >= 0; k--) {
            const b = (v >> k) & 1;
            rc.bit(probs, base + t, b);
            t = (t << 1) | b;
          }
        }
      }
    }
    prevOp = op;
    pos += l;
  }
  state.diagonal = diagonal;
  state.position = pos;
  return rc.finish();
}

/**
 * Decodes `count` segments producing exactly outLength bytes; checks every length and
 * offset as the streams decoder does. Updates `state`. Returns the segments and the number
 * of literal bytes they need.
 */
export function decodeModeledSegments(
  data: Uint8Array,
  count: number,
  outLength: number,
  state: DiagonalState,
  where: string,
  coding: OpCoding = PLAIN,
): SegmentArrays & { literalBytes: number; diffBytes: number } {
  const rc = new RangeDecoder(data, `${where}: segments`);
  const m = new SegmentModels();
  const op = new Uint8Array(count);
  const len = new Uint32Array(count);
  const off = new Float64Array(count);
  const imm = new Uint8Array(count);
  let timm = new Uint8Array(0);
  let tp = 0;
  let prevOp = OP_COPY;
  let prevZero = 1;
  let pos = state.position;
  let diagonal = state.diagonal;
  let sum = 0;
  let literalBytes = 0;
  let diffBytes = 0;
  let i = 0;
  const what = (): string => `${where}: segment ${i}`;
  for (; i < count; i++) {
    let o: number;
    if (coding.extended) {
      let t = 1;
      for (let k = 0; k < 3; k++) t = (t << 1) | rc.bit(m.opx, symbolOf(prevOp) * 8 + t);
      const s = t - 8;
      if (s > SYM_TRANSFORM) fail('PFSC_PBB_CORRUPT', `${what()}: op symbol ${s} is not defined (0-5)`);
      if (s === SYM_TRANSFORM) {
        t = 1;
        for (let k = 0; k < 4; k++) t = (t << 1) | rc.bit(m.transform, t);
        const j = t - 16;
        if (j >= coding.transforms.length) {
          fail('PFSC_PBB_CORRUPT', `${what()}: transform ${j}, but the header declares ${coding.transforms.length}`);
        }
        o = OP_TRANSFORM + j;
      } else {
        o = s;
      }
    } else {
      const hi = rc.bit(m.op, prevOp * 4 + 1);
      o = (hi << 1) | rc.bit(m.op, prevOp * 4 + 2 + hi);
    }
    const l = i < count - 1 ? m.length.decode(rc, o === OP_LITERAL ? 0 : 1, MAX_LENGTH_BITS, what) : outLength - sum;
    if (l < 1) fail('PFSC_PBB_CORRUPT', `${what()}: the last segment has no bytes left (the others take all ${outLength})`);
    if (l > MAX_BLOCK_OUT_LENGTH || sum + l > outLength) {
      fail('PFSC_PBB_CORRUPT', `${what()}: length ${l} passes the block's output length ${outLength}`);
    }
    op[i] = o;
    len[i] = l;
    sum += l;
    if (o === OP_LITERAL) {
      literalBytes += l;
    } else {
      const ctx = (prevOp === OP_LITERAL ? 2 : 0) + prevZero;
      let d = 0;
      if (rc.bit(m.zero, ctx) === 1) {
        const negative = rc.bit(m.sign, ctx) === 1;
        const mag = m.delta.decode(rc, prevOp === OP_LITERAL ? 1 : 0, MAX_DELTA_BITS, what);
        d = negative ? -mag : mag;
      }
      prevZero = d === 0 ? 1 : 0;
      const f = pos + diagonal + d;
      if (f < 0) fail('PFSC_PBB_CORRUPT', `${what()}: offset is negative (${f})`);
      if (f + l >= MAX_COPY_END) fail('PFSC_PBB_CORRUPT', `${what()}: copy end ${f + l} is 2^52 or more`);
      off[i] = f;
      diagonal = f - pos;
      if (opHasImmediate(o)) {
        const base = (o - 2) * 256;
        let t = 1;
        for (let k = 0; k < 8; k++) t = (t << 1) | rc.bit(m.imm, base + t);
        imm[i] = t - 256;
      } else if (o >= OP_TRANSFORM) {
        const j = o - OP_TRANSFORM;
        const probs = m.timm();
        for (let q = 0; q < coding.transforms[j]!.immCount; q++) {
          const base = (j * 8 + q) * 256;
          let t = 1;
          for (let k = 0; k < 8; k++) t = (t << 1) | rc.bit(probs, base + t);
          if (tp === timm.length) {
            const grown = new Uint8Array(Math.max(64, 2 * timm.length));
            grown.set(timm);
            timm = grown;
          }
          timm[tp++] = t - 256;
        }
      } else if (o === OP_COPY_DIFF) {
        diffBytes += l;
      }
    }
    prevOp = o;
    pos += l;
  }
  rc.end();
  if (sum !== outLength) fail('PFSC_PBB_CORRUPT', `${where}: lengths sum to ${sum}, the block's output length is ${outLength}`);
  state.diagonal = diagonal;
  state.position = pos;
  return { count, op, len, off, imm, timm: timm.subarray(0, tp), literalBytes, diffBytes };
}

/**
 * Soft-id's rewrite of a block plan, after bsdiff: exact copies are extended, approximately,
 * into the literal stretches around them, and copies along one diagonal are merged into one
 * COPY_DIFF whose difference bytes say how the new bytes differ from the old ones.
 *
 * Code whose addresses moved matches its old version almost everywhere on one diagonal, with
 * a few bytes changed every few dozen. As exact copies and literals that costs a segment per
 * change and spills the changed bytes; as one approximate copy it costs one segment and a
 * difference stream that is mostly zeros, whose nonzero bytes repeat (the same displacement
 * at every reference) and compress well.
 *
 * For each literal stretch between two copies, the copy before it is extended forward and
 * the copy after it backward, each as far as its extension scores best, where a byte equal
 * to the old one counts +1 and another -1 (bsdiff's 2 × equal − length); when the two
 * extensions overlap, they meet where the bytes equal on each side add up to most. What is
 * left between them stays literal: new content. Then neighbouring copies on one diagonal
 * are joined, and every copy that was extended or joined becomes a COPY_DIFF.
 */
import { OP_COPY, OP_COPY_DIFF, OP_LITERAL, type BlockPlan } from 'pfsc';
import { differencesInPlace, zeroRunEnd } from './runs.js';

export interface MergeOptions {
  /** A stretch between two copies on one diagonal up to this long is always bridged. */
  maxGap: number;
  /** A longer one is bridged when at least this share of its bytes equals the old ones. */
  minEqual: number;
  /** Longest stretch, of any segments, between two copies on one diagonal that is considered. */
  maxBridge: number;
  /** Longest stretch of a literal an extension scans, from each side. */
  maxScan: number;
  /** A COPY_DIFF must cover at least this many bytes; shorter ones stay exact copies and literals. */
  minLength: number;
  /**
   * Runs of at least this many equal bytes in a COPY_DIFF are cut out as exact copies. In the
   * Diffs stream a run of zeros costs a varint, so only very long ones are worth a segment.
   */
  splitRun: number;
}

export const DEFAULT_MERGE: MergeOptions = { maxGap: 32, minEqual: 0.5, maxBridge: 4096, maxScan: 1 << 20, minLength: 16, splitRun: 65536 };

/** Reads blob bytes: blob[offset, offset + length) into dst at 0. */
export type BlobReader = (offset: number, length: number, dst: Uint8Array) => void;

/** One segment while the plan is rewritten; positions are block-relative. */
interface Seg {
  op: number;
  pos: number;
  len: number;
  /** Copies: blob offset (or earlier-output offset) of the first byte. */
  off: number;
  imm: number;
  /** Literals: where their bytes start in the old spill. */
  spillAt: number;
  /** COPY_DIFF segments of the input plan: where their differences start in the old diffs. */
  diffAt: number;
  /** True once the copy has been extended or joined: it becomes a COPY_DIFF. */
  soft: boolean;
}

/**
 * How far an extension along diagonal d, from output position `from` over `n` bytes
 * forward (dir 1) or backward (dir -1), scores best; and its equal bytes at each length.
 */
function bestExtension(block: Uint8Array, old: Uint8Array, n: number, from: number, dir: 1 | -1): { length: number; equalAt: Int32Array } {
  const equalAt = new Int32Array(n + 1);
  let equal = 0;
  let best = 0;
  let bestScore = 0;
  for (let l = 1; l <= n; l++) {
    const i = dir === 1 ? from + l - 1 : from - l;
    const j = dir === 1 ? l - 1 : n - l;
    if (block[i] === old[j]) equal++;
    equalAt[l] = equal;
    const score = 2 * equal - l;
    if (score > bestScore) {
      bestScore = score;
      best = l;
    }
  }
  return { length: best, equalAt };
}

/**
 * The plan with copies extended over the stretches around them and joined along their
 * diagonals (COPY_DIFF segments), or the plan itself when nothing changes. `block` is the
 * block's input; offsets below `blobSize` are blob offsets, read through `read`.
 */
export function mergeDiagonals(
  plan: BlockPlan,
  block: Uint8Array,
  blobSize: number,
  read: BlobReader,
  opts: MergeOptions = DEFAULT_MERGE,
  fromRef: (offset: number) => boolean = () => true,
): BlockPlan {
  const { count } = plan;
  const segs: Seg[] = [];
  {
    let pos = 0;
    let sp = 0;
    let dp = 0;
    for (let i = 0; i < count; i++) {
      const op = plan.op[i]!;
      const len = plan.len[i]!;
      segs.push({ op, pos, len, off: plan.off[i]!, imm: plan.imm[i]!, spillAt: sp, diffAt: dp, soft: false });
      if (op === OP_LITERAL) sp += len;
      else if (op === OP_COPY_DIFF) dp += len;
      pos += len;
    }
  }
  /**
   * Copies an extension may grow: identity or difference copies from a ref (an old version:
   * generated banks are patterns, whose neighbourhood says nothing about the input's).
   */
  const extensible = (s: Seg | undefined): s is Seg =>
    s !== undefined && (s.op === OP_COPY || s.op === OP_COPY_DIFF) && s.off + s.len <= blobSize && fromRef(s.off);

  // 1. Bridge the stretch between two copies on one diagonal when it is short, or mostly
  //    equal to the old bytes there: an edit inside a copied region. The stretch may hold
  //    literals and other short copies (matches elsewhere that cut the diagonal in pieces).
  for (let k = 0; k < segs.length; k++) {
    const a = segs[k]!;
    if (!extensible(a) || a.len === 0) continue;
    const diagonal = a.off - a.pos;
    // The next copy on the same diagonal within reach.
    let j = k + 1;
    let span = 0;
    while (j < segs.length && span <= opts.maxBridge) {
      const c = segs[j]!;
      if (extensible(c) && c.len > 0 && c.off - c.pos === diagonal) break;
      span += c.len;
      j++;
    }
    if (j >= segs.length || j === k + 1 || span > opts.maxBridge) continue;
    const b = segs[j]!;
    const from = a.pos + a.len;
    const m = b.pos - from;
    if (m > opts.maxGap) {
      const old = new Uint8Array(m);
      read(a.off + a.len, m, old);
      let equal = 0;
      for (let i = 0; i < m; i++) if (block[from + i] === old[i]) equal++;
      if (equal < opts.minEqual * m) continue;
    }
    // a takes the stretch; the segments in it are used up (length 0).
    a.len += m;
    a.soft = true;
    for (let t = k + 1; t < j; t++) segs[t]!.len = 0;
    k = j - 1;
  }

  // 2. Extend the copies around each literal left into it.
  for (let k = 0; k < segs.length; k++) {
    const lit = segs[k]!;
    if (lit.op !== OP_LITERAL || lit.len === 0) continue;
    const a = extensible(segs[k - 1]) ? segs[k - 1]! : undefined;
    const b = extensible(segs[k + 1]) ? segs[k + 1]! : undefined;
    if (a === undefined && b === undefined) continue;
    const m = lit.len;
    let lenf = 0;
    let lenb = 0;
    let fwd: Int32Array | undefined;
    let bwd: Int32Array | undefined;
    if (a !== undefined) {
      // Old bytes on a's diagonal after its end.
      const at = a.off + a.len;
      const n = Math.min(m, opts.maxScan, blobSize - at);
      if (n > 0) {
        const old = new Uint8Array(n);
        read(at, n, old);
        const e = bestExtension(block, old, n, lit.pos, 1);
        lenf = e.length;
        fwd = e.equalAt;
      }
    }
    if (b !== undefined) {
      const n = Math.min(m, opts.maxScan, b.off);
      if (n > 0) {
        const old = new Uint8Array(n);
        read(b.off - n, n, old);
        const e = bestExtension(block, old, n, lit.pos + m, -1);
        lenb = e.length;
        bwd = e.equalAt;
      }
    }
    if (lenf + lenb > m) {
      // They overlap: meet where the equal bytes on both sides add up to most.
      let bestSplit = lenf;
      let bestEqual = -1;
      for (let x = m - lenb; x <= lenf; x++) {
        const eq = fwd![x]! + bwd![m - x]!;
        if (eq > bestEqual) {
          bestEqual = eq;
          bestSplit = x;
        }
      }
      lenf = bestSplit;
      lenb = m - bestSplit;
    }
    if (lenf > 0) {
      a!.len += lenf;
      a!.soft = true;
    }
    if (lenb > 0) {
      b!.pos -= lenb;
      b!.off -= lenb;
      b!.len += lenb;
      b!.soft = true;
    }
    lit.spillAt += lenf;
    lit.pos += lenf;
    lit.len = m - lenf - lenb;
  }

  // 3. Join neighbouring copies on one diagonal (the literal between them is used up).
  const kept: Seg[] = [];
  for (const s of segs) {
    if (s.len === 0) continue;
    const prev = kept[kept.length - 1];
    if (prev !== undefined && extensible(prev) && extensible(s) && prev.off + prev.len === s.off && prev.pos + prev.len === s.pos) {
      prev.len += s.len;
      prev.soft = true;
      continue;
    }
    kept.push(s);
  }
  if (!kept.some((s) => s.soft)) return plan;

  // 4. Rebuild: literals' bytes from the block, differences from the block and the blob
  // (a copy whose differences are all zero stays an exact copy).
  const diffOf = new Map<Seg, Uint8Array>();
  let spillBytes = 0;
  let diffBytes = 0;
  for (const s of kept) {
    if (s.op === OP_LITERAL) {
      spillBytes += s.len;
    } else if (s.soft || s.op === OP_COPY_DIFF) {
      const d = new Uint8Array(s.len);
      read(s.off, s.len, d);
      if (differencesInPlace(block, s.pos, d, s.len)) {
        diffOf.set(s, d);
        diffBytes += s.len;
      }
    }
  }
  // Emit, cutting long runs of zero differences out of each COPY_DIFF as exact copies.
  const ops: number[] = [];
  const lens: number[] = [];
  const offs: number[] = [];
  const imms: number[] = [];
  const diffParts: Uint8Array[] = [];
  const spill = new Uint8Array(spillBytes);
  let sp = 0;
  const emit = (o: number, l: number, f: number, x: number): void => {
    ops.push(o);
    lens.push(l);
    offs.push(f);
    imms.push(x);
  };
  for (const s of kept) {
    const d = diffOf.get(s);
    if (s.op === OP_LITERAL) {
      emit(OP_LITERAL, s.len, 0, 0);
      spill.set(block.subarray(s.pos, s.pos + s.len), sp);
      sp += s.len;
    } else if (d === undefined) {
      emit(s.op === OP_COPY_DIFF ? OP_COPY : s.op, s.len, s.off, s.imm);
    } else {
      let k = 0;
      while (k < s.len) {
        // A run of zeros from k: long enough to be an exact copy of its own?
        const z = zeroRunEnd(d, k, s.len);
        const run = z - k;
        if (run >= opts.splitRun) {
          emit(OP_COPY, run, s.off + k, 0);
          k = z;
          continue;
        }
        // A difference piece: up to the next long zero run.
        let e = z;
        for (;;) {
          while (e < s.len && d[e] !== 0) e++;
          const z2 = zeroRunEnd(d, e, s.len);
          if (z2 - e >= opts.splitRun) break;
          if (z2 === s.len) {
            e = z2; // trailing zeros too short for a copy of their own stay in the piece
            break;
          }
          e = z2;
        }
        emit(OP_COPY_DIFF, e - k, s.off + k, 0);
        diffParts.push(d.subarray(k, e));
        k = e;
      }
    }
  }
  const n = ops.length;
  const diffTotal = diffParts.reduce((t, p) => t + p.length, 0);
  const out: BlockPlan = {
    outLength: plan.outLength,
    count: n,
    op: Uint8Array.from(ops),
    len: Uint32Array.from(lens),
    off: Float64Array.from(offs),
    imm: Uint8Array.from(imms),
    spill,
  };
  if (diffTotal > 0) out.diffs = joined(diffParts);
  if (plan.timm !== undefined) out.timm = plan.timm;
  // A soft copy too short for a COPY_DIFF is split back into exact pieces and literals.
  return out.op.some((o, i) => o === OP_COPY_DIFF && out.len[i]! < opts.minLength) ? splitShortSoft(out, block, opts) : out;
}

/**
 * Turns COPY_DIFF segments shorter than minLength back into exact copies and literals:
 * where the differences are zero, a copy; elsewhere, literal bytes.
 */
function splitShortSoft(plan: BlockPlan, block: Uint8Array, opts: MergeOptions): BlockPlan {
  const op: number[] = [];
  const len: number[] = [];
  const off: number[] = [];
  const imm: number[] = [];
  // Spill and differences as pieces of the input arrays, joined once at the end (they run to
  // megabytes: a byte at a time into a JavaScript array took hundreds of milliseconds).
  const spill: Uint8Array[] = [];
  const diffs: Uint8Array[] = [];
  let pos = 0;
  let sp = 0;
  let dp = 0;
  const push = (o: number, l: number, f: number, x: number): void => {
    const last = op.length - 1;
    if (o === OP_LITERAL && last >= 0 && op[last] === OP_LITERAL) {
      len[last]! += l;
      return;
    }
    op.push(o);
    len.push(l);
    off.push(f);
    imm.push(x);
  };
  for (let i = 0; i < plan.count; i++) {
    const o = plan.op[i]!;
    const l = plan.len[i]!;
    if (o === OP_LITERAL) {
      push(OP_LITERAL, l, 0, 0);
      spill.push(plan.spill.subarray(sp, sp + l));
      sp += l;
    } else if (o === OP_COPY_DIFF && l < opts.minLength) {
      let k = 0;
      while (k < l) {
        const zero = plan.diffs![dp + k] === 0;
        let e = k;
        while (e < l && (plan.diffs![dp + e] === 0) === zero) e++;
        if (zero) push(OP_COPY, e - k, plan.off[i]! + k, 0);
        else {
          push(OP_LITERAL, e - k, 0, 0);
          spill.push(block.subarray(pos + k, pos + e));
        }
        k = e;
      }
      dp += l;
    } else {
      push(o, l, plan.off[i]!, plan.imm[i]!);
      if (o === OP_COPY_DIFF) {
        diffs.push(plan.diffs!.subarray(dp, dp + l));
        dp += l;
      }
    }
    pos += l;
  }
  const n = op.length;
  const out: BlockPlan = {
    outLength: plan.outLength,
    count: n,
    op: Uint8Array.from(op),
    len: Uint32Array.from(len),
    off: Float64Array.from(off),
    imm: Uint8Array.from(imm),
    spill: joined(spill),
  };
  const d = joined(diffs);
  if (d.length > 0) out.diffs = d;
  if (plan.timm !== undefined) out.timm = plan.timm;
  return out;
}

/** The pieces end to end, in one new array. */
function joined(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

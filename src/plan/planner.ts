/**
 * The planner: turns one block of input into segments against the match index.
 *
 * Greedy with a cost model: at each input position still in a literal run it tries, in
 * order, (1) continuing the previous copy's diagonal (an edit inside a copied region),
 * (2) identity k-gram probes, (3) xor/add delta-sequence probes when identity found nothing
 * long. Each candidate is extended both ways; the one with the largest estimated saving in
 * wire bytes wins, and only if that saving is positive.
 */
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR, type BlockPlan } from '../format/types.js';
import { hash16, hash8 } from '../index/hash.js';
import type { IndexPart, MatchIndex } from '../index/match-index.js';
import { engineInfo } from '../engine/index.js';
import { buildTableWithBits, buildTableWithBitsAsync, checkOf, mayHoldCheck, type KgramTable } from '../index/table.js';
import { copyCost, DEFAULT_COST, estimateLiteralByte, type CostModel } from './cost.js';
import { backward, forwardIdentity, forwardTransformed } from './extend.js';
import { SegmentBuilder } from './segments.js';
import { BankKinds, OPEN_GATE, gateCursor, type GeneratedBank } from './gates.js';

/** A region of the input with a kind, from the hint stage. */
export interface Region {
  start: number;
  length: number;
  /** e.g. 'code', 'text', 'data', 'compressed'. */
  kind: string;
  /** For code: the instruction set (plugins/llvm-hints: 'x86', 'x86-64', 'arm64', 'arm', 'armthumb', 'powerpc', ...). */
  arch?: string;
  /** For code: the byte order. */
  endian?: 'little' | 'big';
}

export interface PlannerOptions {
  cost?: Partial<CostModel>;
  /** Shortest copy from generated banks worth considering (LZMA2 codes short runs well). */
  minGeneratedMatch?: number;
  /** Shortest continuation of the previous copy's diagonal worth considering. */
  minRepMatch?: number;
  /** A found match at least this long ends the search at this position. */
  goodEnough?: number;
  /**
   * Shortest copy worth a jump away from the previous copy's end (|delta| > nearDelta):
   * short far copies cut the spill into pieces LZMA2 compresses worse than the whole.
   */
  minFarMatch?: number;
  nearDelta?: number;
  /**
   * Half-width of a window around the previous copy's diagonal searched for short matches
   * (down to minLocalMatch bytes) that the k-gram index is too coarse to find; 0: off.
   */
  localWindow?: number;
  minLocalMatch?: number;
  /**
   * Also copy from the block's own earlier output (offsets past the blob's end, see
   * docs/FORMAT.md), for new text that repeats itself; matches of at least minSelfMatch bytes.
   */
  selfMatch?: boolean;
  minSelfMatch?: number;
  /**
   * The generated banks' places and content kinds, for the gates of src/plan/gates.ts
   * (which generated banks each hinted region may copy from). Without them only the
   * compressed gate (no generated bank at all) applies.
   */
  generatedBanks?: readonly GeneratedBank[];
  /** False: no gates but the compressed one (for measuring what gates do). Default true. */
  gates?: boolean;
}

/**
 * Entries a probe looks at in one bucket, at most, for a walk of `maxWalk` candidates: the
 * check bytes skip other k-grams sharing the bucket, and this bounds the skipping when a
 * bucket holds many of them.
 */
function scanLimit(maxWalk: number): number {
  return 4 * maxWalk + 64;
}

/** Where a candidate copies from: an index part, or the block's own earlier bytes. */
interface Source {
  bytes: Uint8Array;
  /** Offset of bytes[0] in the copy address space (blob, then the file's output). */
  start: number;
  /** False for generated banks, whose matches must be at least minGeneratedMatch long. */
  isRef: boolean;
}

/** k of the k-grams hashed to find copies from earlier output. */
const SELF_K = 8;
/** Chain entries walked per probe of earlier output. */
const SELF_WALK = 16;
/** Inside copies at least this long, earlier output is hashed only every SPARSE_STEP bytes. */
const SPARSE_COPY = 64;
/**
 * The planner probes every position of a literal run and extends matches backwards, so a
 * repeat of a long-copied stretch is still found from a sampled position; sampling keeps the
 * cost of hashing a large, mostly copied block low.
 */
const SPARSE_STEP = 4;

/**
 * The block's k-grams at every SPARSE_STEP-th position, bucketed by hash (a k-gram table
 * over the block), built once per block for every planner of it (the plan stage tries
 * several): they cover long copies, and a probe at position i looks only at entries that
 * end before i, found by binary search in the bucket, which lists them in position order.
 */
interface SampledIndex {
  table: KgramTable;
  shift: number;
}

const sampledIndexes = new WeakMap<Uint8Array, SampledIndex>();

/** Builds of sampled indexes started off the JavaScript thread (prepareBlock), by block. */
const sampledBuilds = new WeakMap<Uint8Array, Promise<void>>();

function sampledBits(block: Uint8Array): number {
  const entries = Math.max(0, Math.floor((block.length - SELF_K) / SPARSE_STEP) + 1);
  return Math.min(20, Math.max(10, 32 - Math.clz32(entries)));
}

function sampledIndexOf(block: Uint8Array): SampledIndex {
  let s = sampledIndexes.get(block);
  if (s === undefined) {
    const bits = sampledBits(block);
    s = { table: buildTableWithBits(block, SELF_K, SPARSE_STEP, bits), shift: 32 - bits };
    sampledIndexes.set(block, s);
  }
  return s;
}

/**
 * Starts (once per block) building its sampled index off the JavaScript thread. The JS
 * engine would build it on that thread anyway, perhaps for nothing (only selfMatch planners
 * use it): there it is left to planBlock.
 */
function prepareSampledIndex(block: Uint8Array): Promise<void> {
  if (sampledIndexes.has(block) || engineInfo().engine !== 'native') return Promise.resolve();
  let job = sampledBuilds.get(block);
  if (job === undefined) {
    const bits = sampledBits(block);
    // One native thread: this runs while the JavaScript thread works (opening the blob,
    // planning), and on two cores a second native thread would only slow that down.
    job = buildTableWithBitsAsync(block, SELF_K, SPARSE_STEP, bits, 1).then(
      (table) => {
        if (!sampledIndexes.has(block)) sampledIndexes.set(block, { table, shift: 32 - bits });
      },
      () => undefined, // planBlock builds it on this thread, and reports what fails there
    );
    sampledBuilds.set(block, job);
  }
  return job;
}

/**
 * One planner's chains over the positions of the current block outside long copies (literal
 * runs, short copies), filled as planning goes; long copies are covered by the block's
 * sampled index. Entries are numbered in insertion order, so memory follows the positions
 * inserted, not the block's size.
 */
class SelfChains {
  head = new Int32Array(0);
  /** pos[e]: block position of entry e; prev[e]: the entry before it in its chain, or -1. */
  pos = new Int32Array(0);
  prev = new Int32Array(0);
  shift = 0;
  sampled: SampledIndex | undefined;
  private entries = 0;
  private t: Uint8Array = new Uint8Array(0);
  private next = 0; // next position to insert
  /** Long copies emitted so far, [start, end) pairs in order: left to the sampled index. */
  private sparse: number[] = [];
  private sparseAt = 0;

  reset(t: Uint8Array): void {
    const bits = Math.min(18, Math.max(10, 32 - Math.clz32(t.length)));
    if (this.head.length !== 1 << bits) this.head = new Int32Array(1 << bits);
    this.head.fill(-1);
    this.shift = 32 - bits;
    this.t = t;
    this.sampled = sampledIndexOf(t);
    this.entries = 0;
    this.next = 0;
    this.sparse = [];
    this.sparseAt = 0;
  }

  /** Records a copy the planner emitted. */
  copied(start: number, length: number): void {
    if (length >= SPARSE_COPY) this.sparse.push(start + SELF_K, start + length - SELF_K);
  }

  /** Inserts the positions whose k-gram ends at or before `i`, skipping long copies. */
  fillTo(i: number): void {
    const end = Math.min(i - SELF_K + 1, this.t.length - SELF_K + 1);
    const { head, shift, t, sparse } = this;
    let j = this.next;
    while (j < end) {
      while (this.sparseAt < sparse.length && sparse[this.sparseAt + 1]! <= j) this.sparseAt += 2;
      if (this.sparseAt < sparse.length && j >= sparse[this.sparseAt]!) {
        j = sparse[this.sparseAt + 1]!;
        continue;
      }
      if (this.entries === this.pos.length) this.grow();
      const x = hash8(t, j, 0) >>> shift;
      const e = this.entries++;
      this.pos[e] = j;
      this.prev[e] = head[x]!;
      head[x] = e;
      j++;
    }
    if (j > this.next) this.next = j;
  }

  private grow(): void {
    const size = Math.max(1 << 16, this.pos.length * 2);
    const pos = new Int32Array(size);
    const prev = new Int32Array(size);
    pos.set(this.pos);
    prev.set(this.prev);
    this.pos = pos;
    this.prev = prev;
  }
}

/**
 * One set of chains serves every planner: planBlock runs to its end without yielding, and
 * resets the chains when it starts, so planners never see each other's entries. Sharing keeps
 * the memory of the several planners the plan stage tries to one set.
 */
const sharedSelfChains = new SelfChains();

/**
 * The plan stage gives every planner of a block the same regions array: its gate cursor is
 * made once for all of them (a cursor starts its walk again when asked about an earlier
 * position, so planners can share it one after another).
 */
const gateCursors = new WeakMap<readonly Region[], ReturnType<typeof gateCursor>>();
function sharedGateCursor(regions: readonly Region[]): ReturnType<typeof gateCursor> {
  if (!gateCursors.has(regions)) gateCursors.set(regions, gateCursor(regions));
  return gateCursors.get(regions);
}

/** Carried between blocks: where the previous copy ended (blob offset), its op and imm. */
export interface PlannerState {
  prevEnd: number;
  prevOp: number;
  prevImm: number;
  /** File position of the next block's first byte (addresses copies from earlier output). */
  filePos: number;
}

interface Candidate {
  gain: number;
  start: number; // input position where the copy starts (after backward extension)
  length: number;
  offset: number; // blob offset
  op: number;
  imm: number;
}

export class Planner {
  readonly state: PlannerState = { prevEnd: 0, prevOp: OP_COPY, prevImm: 0, filePos: 0 };
  private readonly parts: IndexPart[];
  private readonly partBufs: Buffer[];
  private readonly minGen: number;
  private readonly minRep: number;
  private readonly goodEnough: number;
  private readonly minFar: number;
  private readonly nearDelta: number;
  private readonly localWindow: number;
  private readonly minLocal: number;
  private readonly costBase: CostModel;
  private readonly hasDeltas: boolean;
  /** Which k-gram widths the identity and the delta tables use: only those are hashed. */
  private readonly idK8: boolean;
  private readonly idK16: boolean;
  private readonly deltaK8: boolean;
  private readonly deltaK16: boolean;
  private readonly literalByte: number | undefined;
  /** Blob size: copy offsets at or past it address the file's earlier output. */
  private readonly blobSize: number;
  private readonly selfMatch: boolean;
  private readonly minSelf: number;
  /** The current block's own bytes as a copy source, and its k-gram chains (selfMatch only). */
  private self: Source | undefined;
  private readonly selfChains = sharedSelfChains;
  /** Block position where the previous copy ended (negative: it ended in an earlier block). */
  private lastOut = 0;
  /** Length of the previous block, to re-base lastOut. */
  private blockStartShift = 0;
  /** The xor and add delta sequences at the position being probed (16 bytes each). */
  private readonly deltaX = new Uint8Array(16);
  private readonly deltaA = new Uint8Array(16);
  private readonly bankKinds: BankKinds | undefined;
  private readonly gates: boolean;
  /** The gate of the position being planned: which generated banks' content kinds it may copy from. */
  private gateKinds = OPEN_GATE.kinds;

  constructor(index: MatchIndex, options: PlannerOptions = {}) {
    this.parts = index.parts;
    this.partBufs = index.parts.map((p) => Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.length));
    this.minGen = options.minGeneratedMatch ?? 48;
    this.minRep = options.minRepMatch ?? 4;
    this.goodEnough = options.goodEnough ?? 256;
    this.minFar = options.minFarMatch ?? 40;
    this.nearDelta = options.nearDelta ?? 256;
    this.localWindow = options.localWindow ?? 0;
    this.minLocal = options.minLocalMatch ?? 5;
    this.costBase = { ...DEFAULT_COST, ...options.cost };
    this.hasDeltas = index.parts.some((p) => p.xor !== undefined);
    this.idK8 = index.parts.some((p) => p.params.k === 8);
    this.idK16 = index.parts.some((p) => p.params.k === 16);
    this.deltaK8 = index.parts.some((p) => p.xor !== undefined && p.params.k === 8);
    this.deltaK16 = index.parts.some((p) => p.xor !== undefined && p.params.k === 16);
    this.literalByte = options.cost?.literalByte;
    const last = index.parts[index.parts.length - 1];
    this.blobSize = last ? last.start + last.bytes.length : 0;
    this.selfMatch = options.selfMatch ?? false;
    this.minSelf = Math.max(SELF_K, options.minSelfMatch ?? 12);
    this.bankKinds = options.generatedBanks !== undefined ? new BankKinds(options.generatedBanks) : undefined;
    this.gates = options.gates ?? true;
  }

  /** Where the planner stands between blocks; restore it to plan a block again another way. */
  saveState(): PlannerState & { lastOut: number; blockStartShift: number } {
    return { ...this.state, lastOut: this.lastOut, blockStartShift: this.blockStartShift };
  }

  restoreState(s: ReturnType<Planner['saveState']>): void {
    this.state.prevEnd = s.prevEnd;
    this.state.prevOp = s.prevOp;
    this.state.prevImm = s.prevImm;
    this.state.filePos = s.filePos;
    this.lastOut = s.lastOut;
    this.blockStartShift = s.blockStartShift;
  }

  /**
   * Builds what planning `block` with selfMatch needs (its sampled index, shared by every
   * planner) off the JavaScript thread where the engine can, so that planBlock does not
   * build it on that thread. Optional: planBlock builds whatever is missing. Awaiting it
   * twice, or for a block already planned, costs nothing.
   */
  static prepareBlock(block: Uint8Array): Promise<void> {
    return prepareSampledIndex(block);
  }

  /** Plans one block. `regions` are relative to the block (hints); may be empty. */
  planBlock(block: Uint8Array, regions: readonly Region[] = []): BlockPlan {
    const t = Buffer.from(block.buffer, block.byteOffset, block.length);
    const n = t.length;
    const out = new SegmentBuilder(t);
    const cost: CostModel = { ...this.costBase, literalByte: this.literalByte ?? literalByteOf(block) };
    const withDeltas = this.hasDeltas && n > 16;
    const tx = this.deltaX;
    const ta = this.deltaA;
    const gateAt = this.gates ? sharedGateCursor(regions) : gateCursor(regions.filter((r) => r.kind === 'compressed'));
    const st = this.state;
    let litStart = 0;
    // Input position where the previous copy ended, relative to this block.
    this.lastOut -= this.blockStartShift;
    this.startSelf(t, block);
    let i = 0;
    const best: Candidate = { gain: 0, start: 0, length: 0, offset: 0, op: OP_COPY, imm: 0 };

    while (i + 4 <= n) {
      best.gain = 0;
      best.length = 0;
      const gate = gateAt === undefined ? OPEN_GATE : gateAt(i);
      const skipGenerated = gate.kinds === 0;
      this.gateKinds = gate.kinds;
      // (1) the previous copy's diagonal, and straight after its end
      this.tryRep(t, i, litStart, st.prevEnd + (i - this.lastOut), st.prevOp, st.prevImm, cost, best);
      if (i !== this.lastOut) this.tryRep(t, i, litStart, st.prevEnd, st.prevOp, st.prevImm, cost, best);
      // (2) identity probes
      if (best.length < this.goodEnough) {
        const h8 = this.idK8 && i + 8 <= n ? hash8(t, i, 0) : -1;
        const h16 = this.idK16 && i + 16 <= n ? hash16(t, i, 0) : -1;
        for (let p = 0; p < this.parts.length; p++) {
          const part = this.parts[p];
          if (!part.isRef && skipGenerated) continue;
          const h = part.params.k === 8 ? h8 : h16;
          if (h < 0) continue;
          const hb = h >>> (32 - part.id.bits);
          const c = checkOf(h, part.id.bits);
          if (!mayHoldCheck(part.id, hb, c)) continue; // no entry of the bucket has this check byte
          this.probeIdentity(t, i, litStart, p, hb, c, cost, best);
        }
        if (this.self !== undefined && best.length < this.goodEnough) this.probeSelf(t, i, litStart, cost, best);
      }
      // (2b) short matches near the diagonal
      if (this.localWindow > 0 && best.length < 16 && i + this.minLocal <= n) this.tryLocal(t, i, litStart, cost, best);
      // (3) xor / add probes
      if (withDeltas && best.length < 32 && i + 17 <= n) {
        // The delta sequences at i, 16 of each (what a k-gram of 8 or 16 reads): made here,
        // only where a probe needs them, instead of over the whole block.
        for (let j = 0; j < 16; j++) {
          const a = t[i + j]!;
          const b = t[i + j + 1]!;
          tx[j] = a ^ b;
          ta[j] = (b - a) & 255;
        }
        const hx8 = this.deltaK8 ? hash8(tx, 0, 0) : 0;
        const ha8 = this.deltaK8 ? hash8(ta, 0, 0) : 0;
        const hx16 = this.deltaK16 ? hash16(tx, 0, 0) : 0;
        const ha16 = this.deltaK16 ? hash16(ta, 0, 0) : 0;
        for (let p = 0; p < this.parts.length; p++) {
          const part = this.parts[p];
          if (!part.isRef && !gate.deltas) continue;
          if (part.xor) this.probeDelta(t, tx, i, litStart, p, OP_COPY_XOR, part.params.k === 8 ? hx8 : hx16, cost, best);
          if (part.add) this.probeDelta(t, ta, i, litStart, p, OP_COPY_ADD, part.params.k === 8 ? ha8 : ha16, cost, best);
        }
      }
      if (best.gain <= 0) {
        i++;
        continue;
      }
      out.literal(litStart, best.start - litStart);
      out.copy(best.op, best.offset, best.length, best.imm);
      if (this.self !== undefined) this.selfChains.copied(best.start, best.length);
      i = best.start + best.length;
      litStart = i;
      this.lastOut = i;
      st.prevEnd = best.offset + best.length;
      st.prevOp = best.op;
      st.prevImm = best.imm;
    }
    out.literal(litStart, n - litStart);
    this.blockStartShift = n;
    st.filePos += n;
    this.self = undefined;
    return out.finish();
  }

  /** Sets up the block's own bytes as a copy source (selfMatch). */
  private startSelf(t: Buffer, block: Uint8Array): void {
    this.self = undefined;
    if (!this.selfMatch || t.length < 2 * this.minSelf) return;
    this.self = { bytes: t, start: this.blobSize + this.state.filePos, isRef: true };
    this.selfChains.reset(block);
  }

  /** Finds the longest earlier occurrence (not overlapping position i) of the bytes at i. */
  private probeSelf(t: Buffer, i: number, litStart: number, cost: CostModel, best: Candidate): void {
    if (i + SELF_K > t.length) return;
    const chains = this.selfChains;
    chains.fillTo(i);
    const h = hash8(t, i, 0);
    const last = i - this.minSelf; // a source past it would overlap position i
    // Positions outside long copies, this planner's own chain: all before i.
    let e = chains.head[h >>> chains.shift]!;
    for (let walked = 0; e >= 0 && walked < SELF_WALK; walked++, e = chains.prev[e]!) {
      if (this.trySelfAt(t, i, chains.pos[e]!, litStart, cost, best)) return;
    }
    // Sample positions, which cover long copies: the newest at or before `last` first.
    if (last < 0) return;
    const { table, shift } = chains.sampled!;
    const { start, entries, check } = table;
    const hb = h >>> shift;
    const c = checkOf(h, table.bits);
    const lo = start[hb]!;
    const newest = Math.floor(last / SPARSE_STEP);
    let a = lo;
    let b = start[hb + 1]!;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (entries[mid]! <= newest) a = mid + 1;
      else b = mid;
    }
    const stop = Math.max(lo, a - scanLimit(SELF_WALK));
    for (let x = a - 1, walked = 0; x >= stop && walked < SELF_WALK; x--) {
      if (check[x] !== c) continue;
      walked++;
      if (this.trySelfAt(t, i, entries[x]! * SPARSE_STEP, litStart, cost, best)) return;
    }
  }

  /** Considers a copy of earlier output from block position q; true when it is good enough to stop. */
  private trySelfAt(t: Buffer, i: number, q: number, litStart: number, cost: CostModel, best: Candidate): boolean {
    if (q > i - this.minSelf || t[q + SELF_K - 1] !== t[i + SELF_K - 1] || t[q] !== t[i]) return false;
    const fwd = forwardIdentity(t, i, t, q, Math.min(t.length - i, i - q));
    if (fwd < this.minSelf) return false;
    this.consider(t, i, litStart, this.self!, q, fwd, OP_COPY, 0, cost, best);
    return best.length >= this.goodEnough;
  }

  private partAt(offset: number): number {
    const parts = this.parts;
    let lo = 0;
    let hi = parts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = parts[mid];
      if (offset < p.start) hi = mid - 1;
      else if (offset >= p.start + p.bytes.length) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private consider(
    t: Uint8Array,
    i: number,
    litStart: number,
    part: Source,
    q: number,
    fwd: number,
    op: number,
    imm: number,
    cost: CostModel,
    best: Candidate,
  ): void {
    const back = backward(op, imm, t, i, part.bytes, q, Math.min(i - litStart, q));
    const length = fwd + back;
    if (!part.isRef && length < this.minGen) return;
    const offset = part.start + q - back;
    if (!part.isRef && this.bankKinds !== undefined && !this.bankKinds.allows(offset, this.gateKinds)) return;
    // The format codes an offset relative to the previous copy's diagonal (docs/FORMAT.md).
    const delta = offset - (this.state.prevEnd + (i - back - this.lastOut));
    if (length < this.minFar && (delta > this.nearDelta || delta < -this.nearDelta)) return;
    const gain = length * cost.literalByte - copyCost(cost, length, delta, op !== OP_COPY);
    if (gain > best.gain || (gain === best.gain && length > best.length)) {
      best.gain = gain;
      best.start = i - back;
      best.length = length;
      best.offset = offset;
      best.op = op;
      best.imm = imm;
    }
  }

  private tryRep(t: Buffer, i: number, litStart: number, at: number, op: number, imm: number, cost: CostModel, best: Candidate): void {
    const self = this.self;
    if (self !== undefined && at >= self.start) {
      // The diagonal runs in the block's own earlier output: never past position i.
      const q = at - self.start;
      if (q >= i) return;
      const max = Math.min(t.length - i, i - q);
      const fwd = op === OP_COPY ? forwardIdentity(t, i, t, q, max) : forwardTransformed(op, imm, t, i, t, q, max);
      if (fwd >= this.minRep) this.consider(t, i, litStart, self, q, fwd, op, imm, cost, best);
      return;
    }
    const p = this.partAt(at);
    if (p < 0) return;
    const part = this.parts[p];
    const q = at - part.start;
    const max = Math.min(t.length - i, part.bytes.length - q);
    const fwd = op === OP_COPY ? forwardIdentity(t, i, this.partBufs[p], q, max) : forwardTransformed(op, imm, t, i, part.bytes, q, max);
    if (fwd < this.minRep) return;
    this.consider(t, i, litStart, part, q, fwd, op, imm, cost, best);
  }

  private tryLocal(t: Buffer, i: number, litStart: number, cost: CostModel, best: Candidate): void {
    const pred = this.state.prevEnd + (i - this.lastOut);
    const p = this.partAt(Math.max(0, this.state.prevEnd - 1));
    if (p < 0) return;
    const part = this.parts[p];
    const buf = this.partBufs[p];
    const centre = Math.min(Math.max(pred - part.start, 0), buf.length);
    const from = Math.max(0, centre - this.localWindow);
    const to = Math.min(buf.length, centre + this.localWindow);
    const needle = t.subarray(i, i + this.minLocal);
    // Search the window only: indexOf on the whole part would scan to its end on a miss.
    const window = buf.subarray(from, to);
    let w = window.indexOf(needle);
    for (let seen = 0; w >= 0 && seen < 64; seen++) {
      const q = from + w;
      const fwd = forwardIdentity(t, i, buf, q, Math.min(t.length - i, buf.length - q));
      this.consider(t, i, litStart, part, q, fwd, OP_COPY, 0, cost, best);
      w = window.indexOf(needle, w + 1);
    }
  }

  private probeIdentity(t: Buffer, i: number, litStart: number, p: number, h: number, c: number, cost: CostModel, best: Candidate): void {
    const part = this.parts[p];
    const { start, entries, check, step, k } = part.id;
    const buf = this.partBufs[p];
    const limit = part.bytes.length;
    // In generated banks only matches of minGen bytes or more count; found at its first
    // sampled position, such a match goes on at least minGen - step bytes forward.
    const reach = part.isRef ? k - 1 : Math.max(k - 1, this.minGen - step);
    if (i + reach >= t.length) return;
    const maxWalk = part.params.maxWalk;
    const end = Math.min(start[h + 1], start[h] + scanLimit(maxWalk));
    for (let x = start[h], walked = 0; x < end && walked < maxWalk; x++) {
      if (check[x] !== c) continue; // another k-gram in the bucket
      walked++;
      const q = entries[x] * step;
      if (q + reach >= limit || t[i] !== buf[q] || t[i + k - 1] !== buf[q + k - 1] || t[i + reach] !== buf[q + reach]) continue;
      const fwd = forwardIdentity(t, i, buf, q, Math.min(t.length - i, limit - q));
      if (fwd < k) continue;
      this.consider(t, i, litStart, part, q, fwd, OP_COPY, 0, cost, best);
      if (best.length >= this.goodEnough) return;
    }
  }

  private probeDelta(
    t: Uint8Array,
    td: Uint8Array,
    i: number,
    litStart: number,
    p: number,
    op: number,
    hFull: number,
    cost: CostModel,
    best: Candidate,
  ): void {
    const part = this.parts[p];
    const table = op === OP_COPY_XOR ? part.xor! : part.add!;
    const { start, entries, check, step, k, bits } = table;
    const b = part.bytes;
    const isXor = op === OP_COPY_XOR;
    const last = k - 1;
    const hb = hFull >>> (32 - bits);
    const c = checkOf(hFull, bits);
    if (!mayHoldCheck(table, hb, c)) return;
    const maxWalk = part.params.maxWalk;
    const end = Math.min(start[hb + 1], start[hb] + scanLimit(maxWalk));
    for (let x = start[hb], walked = 0; x < end && walked < maxWalk; x++) {
      if (check[x] !== c) continue;
      walked++;
      const q = entries[x] * step;
      // Quick reject on the first and last delta of the k-gram, computed from the bytes.
      const d0 = isXor ? b[q] ^ b[q + 1] : (b[q + 1] - b[q]) & 255;
      const dk = isXor ? b[q + last] ^ b[q + last + 1] : (b[q + last + 1] - b[q + last]) & 255;
      if (td[0] !== d0 || td[last] !== dk) continue;
      const imm = op === OP_COPY_XOR ? t[i] ^ b[q] : (t[i] - b[q]) & 255;
      if (imm === 0) continue; // an identity match; identity probes own those
      const fwd = forwardTransformed(op, imm, t, i, b, q, Math.min(t.length - i, b.length - q));
      if (fwd < k + 1) continue;
      this.consider(t, i, litStart, part, q, fwd, op, imm, cost, best);
    }
  }
}

/** The block's estimated literal cost, computed once for all planners of that block. */
const blockLiteralByte = new WeakMap<Uint8Array, number>();

function literalByteOf(block: Uint8Array): number {
  let v = blockLiteralByte.get(block);
  if (v === undefined) {
    v = estimateLiteralByte(block);
    blockLiteralByte.set(block, v);
  }
  return v;
}

export type { BlockPlan };

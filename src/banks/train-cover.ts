/**
 * Choosing what a trained bank keeps when the samples' pieces do not fit its budget
 * (docs/BANKS.md, section 12), in the spirit of zstd's COVER dictionary builder: every
 * d-mer (d consecutive bytes) is weighed by how many samples hold it, less one (a d-mer of
 * one sample only says nothing about the next file); the pieces are cut into segments, each
 * scored by the weights of the distinct d-mers inside it; segments are taken greedily by
 * score per unit of budget, and a taken segment's d-mers weigh nothing from then on, so a
 * segment that only repeats what the bank holds scores zero. Taking stops when nothing more
 * fits.
 *
 * Scores only fall as segments are taken, so the greedy step is lazy: a segment's score is
 * computed again only when it reaches the top of the heap. Every comparison breaks ties by
 * the segment's position, so the choice is one fixed function of the input.
 */
import type { Piece } from './train-dedupe.js';

/** Length of the d-mers whose sample counts weigh a segment. */
export const DMER = 8;
/** Target length of a segment, in bytes of the samples. */
export const SEGMENT = 2048;

const PRIME = 0x01000193;
const MIX = 0x9e3779b1;
/** PRIME^(DMER-1) mod 2^32, to roll a d-mer's hash one byte on. */
const TOP = (() => {
  let t = 1;
  for (let j = 1; j < DMER; j++) t = Math.imul(t, PRIME);
  return t;
})();

export interface CoverBudget {
  /** Most bytes the chosen segments may hold. */
  bytes: number;
  /** Most bytes of text their literals may take (writePiece's length, line break included). */
  text: number;
}

/** A chosen range of the samples' array, with its place in the order of choice. */
export interface Chosen {
  start: number;
  end: number;
  /** 0 for the first segment taken, 1 for the next, ... (the smallest of a merged range's). */
  rank: number;
  /** The piece it comes from. */
  piece: number;
}

/**
 * d-mer weights: how many samples hold each hashed d-mer, less one. Each slot is one 32-bit
 * cell: the weight in its low 16 bits (at most MAX_SAMPLES), and in its high 16 bits the
 * stamp of the last visit that saw it, so a visit counts each distinct d-mer once while
 * reading one cell per byte.
 */
class DmerWeights {
  private readonly cells: Uint32Array;
  private readonly shift: number;
  private mark = 0;

  constructor(total: number) {
    // About two slots per byte of the samples, at most 2^22 (16 MiB): d-mers that share a
    // slot are counted together, as in zstd's fastcover (2^20 there), and the table stays
    // small enough to be read at random quickly.
    let bits = 16;
    while (bits < 22 && 1 << bits < total * 2) bits++;
    this.shift = 32 - bits;
    this.cells = new Uint32Array(1 << bits);
  }

  /** A stamp no cell holds. */
  private nextMark(): number {
    if (++this.mark > 0xffff) {
      const c = this.cells;
      for (let i = 0; i < c.length; i++) c[i] = (c[i] as number) & 0xffff;
      this.mark = 1;
    }
    return this.mark;
  }

  /**
   * Visits each distinct d-mer of all[start, end) once: mode 0 adds one to its weight, mode 1
   * sums the weights, mode 2 sets them to zero. Returns the sum (mode 1).
   */
  private visit(all: Uint8Array, start: number, end: number, mode: 0 | 1 | 2): number {
    if (end - start < DMER) return 0;
    const stamp = this.nextMark() << 16;
    const cells = this.cells;
    const shift = this.shift;
    let sum = 0;
    let h = 0;
    for (let j = 0; j < DMER; j++) h = (Math.imul(h, PRIME) + (all[start + j] as number)) | 0;
    for (let p = start; ; p++) {
      const slot = Math.imul(h, MIX) >>> shift;
      const c = cells[slot] as number;
      if ((c & 0xffff0000) >>> 0 !== stamp >>> 0) {
        const w = c & 0xffff;
        if (mode === 1) {
          sum += w;
          cells[slot] = stamp | w;
        } else if (mode === 0) {
          cells[slot] = stamp | (w + 1);
        } else {
          cells[slot] = stamp;
        }
      }
      if (p + DMER >= end) break;
      h = (Math.imul((h - Math.imul(all[p] as number, TOP)) | 0, PRIME) + (all[p + DMER] as number)) | 0;
    }
    return sum;
  }

  /** Counts each sample once per d-mer it holds; then every count becomes its weight. */
  count(all: Uint8Array, bounds: readonly number[]): void {
    for (let s = 0; s + 1 < bounds.length; s++) this.visit(all, bounds[s] as number, bounds[s + 1] as number, 0);
    const c = this.cells;
    for (let i = 0; i < c.length; i++) if (((c[i] as number) & 0xffff) > 0) c[i] = (c[i] as number) - 1;
  }

  /** The weights of the distinct d-mers of all[start, end), summed. */
  score(all: Uint8Array, start: number, end: number): number {
    return this.visit(all, start, end, 1);
  }

  /** Makes the d-mers of all[start, end) weigh nothing. */
  cover(all: Uint8Array, start: number, end: number): void {
    this.visit(all, start, end, 2);
  }
}

interface Segment {
  start: number;
  end: number;
  piece: number;
  text: number;
  /** Score per unit of budget, as last computed. */
  density: number;
}

/** A max-heap of segment indexes by density, then lower index (earlier bytes) first. */
class SegmentHeap {
  private readonly items: number[] = [];

  constructor(private readonly segs: readonly Segment[]) {}

  get size(): number {
    return this.items.length;
  }

  private above(a: number, b: number): boolean {
    const da = (this.segs[a] as Segment).density;
    const db = (this.segs[b] as Segment).density;
    return da > db || (da === db && a < b);
  }

  push(i: number): void {
    const h = this.items;
    h.push(i);
    let c = h.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.above(h[c] as number, h[p] as number)) break;
      [h[c], h[p]] = [h[p] as number, h[c] as number];
      c = p;
    }
  }

  peek(): number {
    return this.items[0] as number;
  }

  pop(): number {
    const h = this.items;
    const top = h[0] as number;
    const last = h.pop() as number;
    if (h.length > 0) {
      h[0] = last;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < h.length && this.above(h[l] as number, h[m] as number)) m = l;
        if (r < h.length && this.above(h[r] as number, h[m] as number)) m = r;
        if (m === p) break;
        [h[m], h[p]] = [h[p] as number, h[m] as number];
        p = m;
      }
    }
    return top;
  }
}

/** The piece cut into the fewest segments of at most `most` bytes, of near-equal lengths. */
function cut(piece: Piece, index: number, most: number, out: { start: number; end: number; piece: number }[]): void {
  const len = piece.end - piece.start;
  const n = Math.ceil(len / most);
  for (let j = 0; j < n; j++) {
    const start = piece.start + Math.floor((len * j) / n);
    const end = piece.start + Math.floor((len * (j + 1)) / n);
    if (end > start) out.push({ start, end, piece: index });
  }
}

/**
 * The segments of the pieces to keep within the budget, in the samples' order, adjacent
 * ones merged. `textOf(start, end)` is the text a range takes as a piece of its own.
 */
export function coverSelect(
  all: Uint8Array,
  bounds: readonly number[],
  pieces: readonly Piece[],
  budget: CoverBudget,
  textOf: (start: number, end: number) => number,
): Chosen[] {
  const weights = new DmerWeights(bounds[bounds.length - 1] as number);
  weights.count(all, bounds);

  const ranges: { start: number; end: number; piece: number }[] = [];
  // Segments of at most SEGMENT bytes, and small enough that any one fits the budget: a
  // byte takes little more than 2 bytes of text (as hex), a piece a few more for its quotes
  // and line breaks, so 5 a byte and 16 more are enough.
  const most = Math.max(1, Math.min(SEGMENT, budget.bytes, Math.floor((budget.text - 16) / 5)));
  pieces.forEach((p, i) => cut(p, i, most, ranges));
  const segs: Segment[] = ranges.map((r) => ({ ...r, text: textOf(r.start, r.end), density: 0 }));
  const densityOf = (s: Segment, score: number): number => score / Math.max((s.end - s.start) / budget.bytes, s.text / budget.text);

  const heap = new SegmentHeap(segs);
  segs.forEach((s, i) => {
    s.density = densityOf(s, weights.score(all, s.start, s.end));
    heap.push(i);
  });

  const taken: { seg: number; rank: number }[] = [];
  let bytes = 0;
  let text = 0;
  while (heap.size > 0) {
    const i = heap.pop();
    const s = segs[i] as Segment;
    if (bytes + (s.end - s.start) > budget.bytes || text + s.text > budget.text) continue;
    const density = densityOf(s, weights.score(all, s.start, s.end));
    if (density < s.density && heap.size > 0) {
      // Stale: put it back with its current score unless it still beats the next one.
      s.density = density;
      const next = segs[heap.peek()] as Segment;
      if (next.density > density || (next.density === density && heap.peek() < i)) {
        heap.push(i);
        continue;
      }
    }
    s.density = density;
    weights.cover(all, s.start, s.end);
    taken.push({ seg: i, rank: taken.length });
    bytes += s.end - s.start;
    text += s.text;
  }

  // Back in the samples' order, touching segments of one piece merged into one range.
  taken.sort((a, b) => a.seg - b.seg);
  const out: Chosen[] = [];
  for (const t of taken) {
    const s = segs[t.seg] as Segment;
    const last = out[out.length - 1];
    if (last !== undefined && last.piece === s.piece && last.end === s.start) {
      last.end = s.end;
      last.rank = Math.min(last.rank, t.rank);
    } else {
      out.push({ start: s.start, end: s.end, rank: t.rank, piece: s.piece });
    }
  }
  return out;
}

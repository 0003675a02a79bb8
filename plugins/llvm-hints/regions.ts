/**
 * From the pieces parsers found to the regions the plugin adds: clipped to the file, sorted,
 * without overlaps, neighbours of one kind merged, compressed regions close together joined,
 * and at most maxRegions of them. docs/HINTS.md, "Normalisation".
 */
import type { HintRegion, Piece } from './types.js';

/** The more specific of two overlapping pieces wins: the shorter, then the earlier, then the first found. */
interface Ranked {
  start: number;
  end: number;
  piece: Piece;
  order: number;
}

function better(a: Ranked, b: Ranked): boolean {
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la < lb;
  if (a.start !== b.start) return a.start < b.start;
  return a.order < b.order;
}

/** A binary heap whose top is the best piece. */
class Heap {
  private readonly a: Ranked[] = [];
  get size(): number {
    return this.a.length;
  }
  top(): Ranked | undefined {
    return this.a[0];
  }
  push(x: Ranked): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!better(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): void {
    const a = this.a;
    const last = a.pop()!;
    if (a.length === 0) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && better(a[l]!, a[m]!)) m = l;
      if (r < a.length && better(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}

function sameAttributes(a: HintRegion, b: HintRegion): boolean {
  return a.kind === b.kind && a.arch === b.arch && a.endian === b.endian;
}

function regionOf(p: Piece, start: number, end: number): HintRegion {
  const r: HintRegion = { start, length: end - start, kind: p.kind };
  if (p.kind === 'code') {
    if (p.arch !== undefined) r.arch = p.arch;
    if (p.endian !== undefined) r.endian = p.endian;
  }
  return r;
}

export interface NormaliseOptions {
  maxRegions: number;
  compressedGap: number;
}

/**
 * Normalises pieces over a file of `size` bytes. Pieces with non-integer, negative or empty
 * extents are dropped; the rest are clipped to [0, size).
 */
export function normalise(pieces: readonly Piece[], size: number, options: NormaliseOptions): HintRegion[] {
  const ranked: Ranked[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (!Number.isFinite(p.start) || !Number.isFinite(p.length) || p.length <= 0 || p.start < 0) continue;
    const start = Math.floor(p.start);
    const end = Math.min(size, Math.floor(p.start + p.length));
    if (end <= start) continue;
    ranked.push({ start, end, piece: p, order: i });
  }
  if (ranked.length === 0) return [];

  // Sweep over the boundaries: in each stretch between two of them, the best live piece owns it.
  ranked.sort((a, b) => a.start - b.start);
  const points = [...new Set(ranked.flatMap((r) => [r.start, r.end]))].sort((a, b) => a - b);
  const heap = new Heap();
  const out: HintRegion[] = [];
  let next = 0;
  let owner: Ranked | undefined;
  for (let k = 0; k + 1 < points.length; k++) {
    const at = points[k]!;
    while (next < ranked.length && ranked[next]!.start === at) heap.push(ranked[next++]!);
    while (heap.size > 0 && heap.top()!.end <= at) heap.pop();
    const top = heap.top();
    if (top === undefined) {
      owner = undefined;
      continue;
    }
    const to = points[k + 1]!;
    const last = out[out.length - 1];
    if (last !== undefined && owner === top && last.start + last.length === at) {
      last.length = to - last.start;
    } else {
      out.push(regionOf(top.piece, at, to));
    }
    owner = top;
  }

  // Merge touching neighbours of the same kind, and join compressed regions close together.
  const merged: HintRegion[] = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last !== undefined && sameAttributes(last, r)) {
      const gap = r.start - (last.start + last.length);
      if (gap === 0 || (r.kind === 'compressed' && gap <= options.compressedGap)) {
        last.length = r.start + r.length - last.start;
        continue;
      }
    }
    merged.push(r);
  }

  if (merged.length <= options.maxRegions) return merged;
  // Too many: keep the longest (ties: the earliest), in file order.
  const keep = merged
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.length - a.r.length || a.i - b.i)
    .slice(0, Math.max(0, options.maxRegions))
    .sort((a, b) => a.i - b.i);
  return keep.map((x) => x.r);
}

/** True when regions are sorted, non-overlapping, non-empty and inside [0, size). */
export function wellFormed(regions: readonly { start: number; length: number }[], size: number): boolean {
  let end = 0;
  for (const r of regions) {
    if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.length) || r.length <= 0) return false;
    if (r.start < end || r.start + r.length > size) return false;
    end = r.start + r.length;
  }
  return true;
}

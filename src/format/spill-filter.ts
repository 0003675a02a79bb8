/**
 * Filtered spill (docs/FORMAT.md, "Filtered LZMA2 coding"): the literal bytes of a block
 * that lie in code ranges go through a branch-call-jump filter (docs/FILTERS.md) before
 * LZMA2, so that calls to one function become one repeated string. Both sides cut the
 * spill into the same pieces: each literal segment's part inside each range, filtered
 * with its output position in the file as the start position.
 */
import { fail } from './fail.js';
import { filterById, type BcjFilter } from './filters/index.js';
import { OP_LITERAL } from './types.js';

/** Most ranges one filtered spill may list. */
export const MAX_FILTER_RANGES = 4096;

/** A stretch of a block's output, relative to the block's first byte. */
export interface FilterRange {
  start: number;
  length: number;
}

/** Code the encoder may filter: a stretch of the file's output and the filter for it. */
export interface FilterRegion {
  /** Output position of the first byte, in the file. */
  start: number;
  length: number;
  /** A filter id of docs/FILTERS.md (not FILTER_NONE). */
  filter: number;
}

/** A block's choice: one filter and its ranges, sorted, disjoint, not adjacent. */
export interface BlockFilter {
  filter: number;
  ranges: FilterRange[];
}

/**
 * Applies `filter` in place to the pieces of `spill` that lie in `ranges`: for each literal
 * segment in order, its intersection with each range, with start position
 * blockStart + (the piece's position in the block). Returns the bytes filtered.
 */
export function filterSpill(
  spill: Uint8Array,
  seg: { count: number; op: Uint8Array; len: Uint32Array | readonly number[] },
  ranges: readonly FilterRange[],
  filter: BcjFilter,
  blockStart: number,
  direction: 'encode' | 'decode',
): number {
  let r = 0;
  let pos = 0; // output position of segment i in the block
  let sp = 0; // spill position of segment i when it is a literal
  let filtered = 0;
  for (let i = 0; i < seg.count && r < ranges.length; i++) {
    const l = seg.len[i]!;
    if (seg.op[i] === OP_LITERAL) {
      const end = pos + l;
      // Ranges ending at or before this segment are done with.
      while (r < ranges.length && ranges[r]!.start + ranges[r]!.length <= pos) r++;
      for (let k = r; k < ranges.length && ranges[k]!.start < end; k++) {
        const a = Math.max(pos, ranges[k]!.start);
        const b = Math.min(end, ranges[k]!.start + ranges[k]!.length);
        if (b <= a) continue;
        const piece = spill.subarray(sp + (a - pos), sp + (b - pos));
        filter.apply(piece, blockStart + a, direction);
        filtered += b - a;
      }
      sp += l;
    }
    pos += l;
  }
  return filtered;
}

/**
 * The encoder's choice for a block at output position blockStart: of the regions that
 * overlap it, those of the filter that covers the most of the block's literal bytes, as
 * block-relative ranges (adjacent ones merged). Undefined when no region covers a literal.
 */
export function chooseBlockFilter(
  regions: readonly FilterRegion[],
  blockStart: number,
  seg: { count: number; op: Uint8Array; len: Uint32Array | readonly number[]; outLength: number },
): BlockFilter | undefined {
  const blockEnd = blockStart + seg.outLength;
  const byFilter = new Map<number, FilterRange[]>();
  for (const g of regions) {
    const a = Math.max(g.start, blockStart);
    const b = Math.min(g.start + g.length, blockEnd);
    if (b <= a || filterById(g.filter) === undefined) continue;
    let list = byFilter.get(g.filter);
    if (list === undefined) byFilter.set(g.filter, (list = []));
    list.push({ start: a - blockStart, length: b - a });
  }
  let best: BlockFilter | undefined;
  let bestCovered = 0;
  for (const [filter, list] of byFilter) {
    const ranges = normalize(list);
    const covered = literalBytesIn(ranges, seg);
    if (covered > bestCovered) {
      best = { filter, ranges };
      bestCovered = covered;
    }
  }
  return best;
}

/** Sorted, overlapping and adjacent ranges merged; at most MAX_FILTER_RANGES (the largest kept). */
function normalize(list: FilterRange[]): FilterRange[] {
  list.sort((x, y) => x.start - y.start);
  const out: FilterRange[] = [];
  for (const x of list) {
    const last = out[out.length - 1];
    if (last !== undefined && x.start <= last.start + last.length) {
      last.length = Math.max(last.length, x.start + x.length - last.start);
    } else out.push({ ...x });
  }
  if (out.length <= MAX_FILTER_RANGES) return out;
  return out
    .map((x, i) => ({ x, i }))
    .sort((p, q) => q.x.length - p.x.length || p.i - q.i)
    .slice(0, MAX_FILTER_RANGES)
    .sort((p, q) => p.i - q.i)
    .map((p) => p.x);
}

/** How many of the block's literal bytes lie in the ranges. */
function literalBytesIn(ranges: readonly FilterRange[], seg: { count: number; op: Uint8Array; len: Uint32Array | readonly number[] }): number {
  let r = 0;
  let pos = 0;
  let n = 0;
  for (let i = 0; i < seg.count && r < ranges.length; i++) {
    const l = seg.len[i]!;
    if (seg.op[i] === OP_LITERAL) {
      while (r < ranges.length && ranges[r]!.start + ranges[r]!.length <= pos) r++;
      for (let k = r; k < ranges.length && ranges[k]!.start < pos + l; k++) {
        n += Math.max(0, Math.min(pos + l, ranges[k]!.start + ranges[k]!.length) - Math.max(pos, ranges[k]!.start));
      }
    }
    pos += l;
  }
  return n;
}

/** The header fields after Coding: Filter_ID, Range_Count, then (Gap, Length) per range. */
export function filterFields(f: BlockFilter): number[] {
  const fields = [f.filter, f.ranges.length];
  let prevEnd = 0;
  for (const r of f.ranges) {
    fields.push(r.start - prevEnd, r.length);
    prevEnd = r.start + r.length;
  }
  return fields;
}

/**
 * Reads and checks the filter fields of a filtered spill of a block with outLength bytes
 * of output; `next` reads one varint. Fails PFSC_PBB_CORRUPT on anything out of place.
 */
export async function readFilterFields(next: (what: string) => Promise<number>, outLength: number, where: string): Promise<{ filter: BcjFilter; ranges: FilterRange[] }> {
  const id = await next('filter id');
  const filter = filterById(id);
  if (filter === undefined) fail('PFSC_PBB_CORRUPT', `${where}: filter id ${id} names no filter (docs/FILTERS.md, "Ids")`);
  const count = await next('range count');
  if (count === 0 || count > MAX_FILTER_RANGES) fail('PFSC_PBB_CORRUPT', `${where}: range count ${count} is not in [1, ${MAX_FILTER_RANGES}]`);
  const ranges: FilterRange[] = [];
  let end = 0;
  for (let k = 0; k < count; k++) {
    const gap = await next(`range ${k} gap`);
    const length = await next(`range ${k} length`);
    if (k > 0 && gap === 0) fail('PFSC_PBB_CORRUPT', `${where}: range ${k} has gap 0 (ranges must not touch)`);
    if (length === 0) fail('PFSC_PBB_CORRUPT', `${where}: range ${k} has length 0`);
    const start = end + gap;
    if (start + length > outLength) fail('PFSC_PBB_CORRUPT', `${where}: range ${k} ends at ${start + length}, past the block's ${outLength} output bytes`);
    ranges.push({ start, length });
    end = start + length;
  }
  return { filter: filter!, ranges };
}

/**
 * Copies from the block's own earlier output (docs/FORMAT.md, "Copy sources") need output
 * bytes that exec never writes anywhere. This keeps exactly the parts of a block's output
 * that later copies read: their ranges are known from the segments before the block runs.
 */
import { OP_LITERAL, type BlockPlan } from '../../format/types.js';

/**
 * The block-relative output ranges that copies from earlier output read, merged and in
 * order. Ranges that leave the block are left out: the walk refuses their copies anyway.
 */
export function rangesReadByLaterCopies(plan: BlockPlan, blobSize: number, outputStart: number): { start: number[]; end: number[] } {
  const pairs: [number, number][] = [];
  for (let i = 0; i < plan.count; i++) {
    if (plan.op[i] === OP_LITERAL || plan.off[i]! < blobSize) continue;
    const s = plan.off[i]! - blobSize - outputStart;
    const e = s + plan.len[i]!;
    if (s >= 0 && e <= plan.outLength) pairs.push([s, e]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const start: number[] = [];
  const end: number[] = [];
  for (const [s, e] of pairs) {
    const last = end.length - 1;
    if (last >= 0 && s <= end[last]!) end[last] = Math.max(end[last]!, e);
    else {
      start.push(s);
      end.push(e);
    }
  }
  return { start, end };
}

/** The kept bytes: one buffer per merged range, filled as the walk produces those bytes. */
export class KeptOutput {
  private readonly start: number[];
  private readonly end: number[];
  private readonly bufs: Uint8Array[];
  /** First range that may still overlap output not yet produced (output comes in order). */
  private next = 0;

  constructor(ranges: { start: number[]; end: number[] }) {
    this.start = ranges.start;
    this.end = ranges.end;
    this.bufs = ranges.start.map((s, i) => new Uint8Array(ranges.end[i]! - s));
  }

  get empty(): boolean {
    return this.start.length === 0;
  }

  /**
   * Calls fill(buf, at, from, to) for each part [from, to) of the output range [pos, pos + len)
   * that a later copy reads, to write output bytes from..to into buf at `at`.
   */
  keep(pos: number, len: number, fill: (buf: Uint8Array, at: number, from: number, to: number) => void): void {
    const endPos = pos + len;
    while (this.next < this.start.length && this.end[this.next]! <= pos) this.next++;
    for (let k = this.next; k < this.start.length && this.start[k]! < endPos; k++) {
      const from = Math.max(pos, this.start[k]!);
      const to = Math.min(endPos, this.end[k]!);
      if (from < to) fill(this.bufs[k]!, from - this.start[k]!, from, to);
    }
  }

  /**
   * The kept bytes of output [s, s + len) as (buffer, index), or undefined when that range is
   * not kept. A range some copy reads lies inside one merged range.
   */
  find(s: number, len: number): { buf: Uint8Array; at: number } | undefined {
    let lo = 0;
    let hi = this.start.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.start[mid]! <= s) lo = mid;
      else hi = mid - 1;
    }
    if (hi < 0 || this.start[lo]! > s || s + len > this.end[lo]!) return undefined;
    return { buf: this.bufs[lo]!, at: s - this.start[lo]! };
  }
}

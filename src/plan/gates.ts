/**
 * Which generated banks the planner may copy from, region by region (docs/HINTS.md, "What
 * the planner does with hints"). A copy from a generated bank is worth its cost only when
 * the bank was made for that kind of content: a 48-byte run of a de Bruijn tile inside
 * machine code, or an xor copy from a counter inside JSON, is a coincidence that cuts the
 * spill LZMA2 would have coded well. Refs (files both sides hold) are never gated.
 */
import type { BankContentKind } from '../blob/types.js';

/** One bit per generated bank content kind. */
const KIND_BITS: Readonly<Record<BankContentKind, number>> = {
  palette: 1,
  tiles: 2,
  random: 4,
  code: 8,
  text: 16,
  data: 32,
  ref: 0,
};
const ALL = 63;

export interface Gate {
  /** The content kinds (KIND_BITS) of generated banks copies may come from; 0: none. */
  kinds: number;
  /** Whether xor/add copies from generated banks are tried. */
  deltas: boolean;
}

/** Outside any region, and in regions of other kinds: everything. */
export const OPEN_GATE: Gate = Object.freeze({ kinds: ALL, deltas: true });

/**
 * Region kind → gate. Code: code banks, bank files of data, and palettes (runs of one byte
 * pad functions); text: text banks, data and palettes (runs of spaces and tabs, digits in
 * order); compressed: no generated bank at all (it was the one rule before gates).
 */
export const GATES: Readonly<Record<string, Gate>> = Object.freeze({
  compressed: Object.freeze({ kinds: 0, deltas: false }),
  code: Object.freeze({ kinds: KIND_BITS.code | KIND_BITS.data | KIND_BITS.palette, deltas: false }),
  text: Object.freeze({ kinds: KIND_BITS.text | KIND_BITS.data | KIND_BITS.palette, deltas: false }),
});

/** The gate of a region kind. */
export function gateOf(kind: string): Gate {
  return GATES[kind] ?? OPEN_GATE;
}

/** A generated bank's place in the blob and what it holds. */
export interface GeneratedBank {
  start: number;
  end: number;
  contentKind: BankContentKind;
}

/** Blob offset → KIND_BITS of the generated bank there (0 past them), by binary search. */
export class BankKinds {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly bits: Uint8Array;

  constructor(banks: readonly GeneratedBank[]) {
    const sorted = [...banks].sort((a, b) => a.start - b.start);
    this.starts = Float64Array.from(sorted, (b) => b.start);
    this.ends = Float64Array.from(sorted, (b) => b.end);
    this.bits = Uint8Array.from(sorted, (b) => KIND_BITS[b.contentKind]);
  }

  /** Whether a copy starting at blob offset `offset` passes a gate allowing `kinds`. */
  allows(offset: number, kinds: number): boolean {
    if (kinds === ALL) return true;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= offset) lo = mid + 1;
      else hi = mid - 1;
    }
    const k = lo - 1;
    if (k < 0 || offset >= this.ends[k]!) return true; // not in a generated bank
    return (this.bits[k]! & kinds) !== 0;
  }
}

/** A region of a block with a kind. */
interface KindRegion {
  start: number;
  length: number;
  kind: string;
}

/**
 * The gate at each block position, asked in increasing order (a cursor over the regions
 * whose kinds have gates; a position before the cursor starts the walk again). Where gated
 * regions overlap, the stricter gate (fewer kinds) holds. Undefined when no region is gated.
 */
export function gateCursor(regions: readonly KindRegion[]): ((pos: number) => Gate) | undefined {
  const zones = regions
    .filter((r) => GATES[r.kind] !== undefined && r.length > 0)
    .map((r) => ({ start: r.start, end: r.start + r.length, gate: GATES[r.kind]! }))
    .sort((a, b) => a.start - b.start);
  if (zones.length === 0) return undefined;
  // Cut into disjoint pieces, each with the strictest gate covering it, in one sweep: for
  // each gate, a queue of its zones in start order whose front, once the ended ones are
  // dropped, is its earliest zone still open (at most one candidate per gate, so a file of
  // thousands of zones costs no more per cut than one).
  const cuts = [...new Set(zones.flatMap((z) => [z.start, z.end]))].sort((a, b) => a - b);
  const queues = new Map<Gate, { zones: typeof zones; head: number }>();
  for (const z of zones) {
    const q = queues.get(z.gate);
    if (q === undefined) queues.set(z.gate, { zones: [z], head: 0 });
    else q.zones.push(z);
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const gates: Gate[] = [];
  for (let c = 0; c + 1 < cuts.length; c++) {
    const a = cuts[c]!;
    const b = cuts[c + 1]!;
    let g: Gate | undefined;
    let gStart = 0;
    for (const [gate, q] of queues) {
      while (q.head < q.zones.length && q.zones[q.head]!.end <= a) q.head++;
      const z = q.zones[q.head];
      if (z === undefined || z.start > a) continue;
      if (g === undefined || stricter(gate, z.start, g, gStart)) {
        g = gate;
        gStart = z.start;
      }
    }
    if (g === undefined) continue;
    const last = gates.length - 1;
    if (last >= 0 && gates[last] === g && ends[last] === a) ends[last] = b;
    else {
      starts.push(a);
      ends.push(b);
      gates.push(g);
    }
  }
  let k = 0;
  return (pos) => {
    if (k > 0 && pos < ends[k - 1]!) k = 0;
    while (k < ends.length && ends[k]! <= pos) k++;
    return k < ends.length && pos >= starts[k]! ? gates[k]! : OPEN_GATE;
  };
}

/** Whether gate x (of a zone starting at xs) holds over gate y (ys): fewer kinds, then no deltas, then the earlier zone. */
function stricter(x: Gate, xs: number, y: Gate, ys: number): boolean {
  const dx = popcount(x.kinds) - popcount(y.kinds);
  if (dx !== 0) return dx < 0;
  if (x.deltas !== y.deltas) return !x.deltas;
  return xs < ys;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

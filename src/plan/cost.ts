/**
 * The cost model: estimated wire bytes of a segment, after the streams are compressed.
 * A copy is taken only when the literal bytes it replaces would cost more than it does.
 * The constants were tuned on the dev corpus (bench/compare); they are estimates, and the
 * pack stage's stored-or-LZMA2 choice has the last word.
 */
import { varintLength, zigzagEncode } from '../format/varint.js';

export interface CostModel {
  /** Estimated wire bytes per literal byte left in the spill (default: estimated per block). */
  literalByte: number;
  /** Fixed cost of a segment's op code and of splitting a literal run around it. */
  segment: number;
  /** Cost per byte of a varint length. */
  lengthByte: number;
  /** Cost of an offset equal to the previous copy's end (delta 0). */
  zeroDelta: number;
  /** Cost per byte of a non-zero offset delta varint. */
  deltaByte: number;
  /** Cost of an immediate byte (xor/add copies). */
  immediate: number;
}

export const DEFAULT_COST: CostModel = {
  literalByte: 0.5,
  segment: 0.6,
  lengthByte: 0.8,
  zeroDelta: 0.2,
  deltaByte: 1.0,
  immediate: 0.7,
};

/** Estimated wire bytes of one copy segment. */
export function copyCost(m: CostModel, length: number, delta: number, hasImmediate: boolean): number {
  return (
    m.segment +
    m.lengthByte * varintLength(length) +
    (delta === 0 ? m.zeroDelta : m.deltaByte * varintLength(zigzagEncode(delta))) +
    (hasImmediate ? m.immediate : 0)
  );
}

/**
 * Estimated wire bytes per literal byte of a block, from its order-0 entropy: LZMA2 gets
 * well below order-0 on text and code, so this is scaled, and kept within sane bounds.
 */
export function estimateLiteralByte(block: Uint8Array): number {
  if (block.length === 0) return 0.5;
  const counts = new Uint32Array(256);
  const stride = block.length > 1 << 20 ? 7 : 1; // sample large blocks
  let n = 0;
  for (let i = 0; i < block.length; i += stride) {
    counts[block[i]]++;
    n++;
  }
  let h = 0;
  for (let s = 0; s < 256; s++) {
    if (counts[s] === 0) continue;
    const p = counts[s] / n;
    h -= p * Math.log2(p);
  }
  const perByte = h / 8;
  return perByte > 0.95 ? 1 : Math.max(0.15, Math.min(0.9, perByte * 0.6));
}

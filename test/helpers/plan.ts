/** A block plan's segments and spill as plain values, for comparing two plans with toEqual. */
import type { BlockPlan } from '../../src/format/types.js';

export function planFields(p: BlockPlan): { op: number[]; off: number[]; len: number[]; spill: string } {
  const n = p.count;
  return {
    op: Array.from(p.op.subarray(0, n)),
    off: Array.from(p.off.subarray(0, n)),
    len: Array.from(p.len.subarray(0, n)),
    spill: Buffer.from(p.spill).toString('hex'),
  };
}

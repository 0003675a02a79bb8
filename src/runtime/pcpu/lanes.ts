/**
 * How a program is shared among several pcores (docs/PCPU.md, "Several pcores"). Counts and
 * CRCs split: each worker takes whole stretches of the stream and the partial results are
 * combined in stream order. fnv does not split (each step needs the state the previous byte
 * left), so it runs in one serial lane over the whole stream, beside the others.
 */
import { OPS, opText, type Program, type ProgramOp } from './ops.js';

/** A program one lane runs, and where its accumulators go among the whole program's. */
export interface LaneProgram {
  program: Program;
  /** slots[i]: the whole program's accumulator slot of this program's i-th reduction. */
  slots: number[];
}

export interface LanePlan {
  /** The fnv reductions and the transforms before them, over every byte; absent without fnv. */
  serial?: LaneProgram;
  /** Everything but fnv, in stretches; absent when nothing but fnv is left. */
  split?: LaneProgram;
}

function subProgram(program: Program, keep: (op: ProgramOp, i: number) => boolean): LaneProgram {
  const ops: ProgramOp[] = [];
  const slots: number[] = [];
  let slot = 0;
  program.ops.forEach((op, i) => {
    const reduction = OPS[op.name].role === 'reduction';
    if (keep(op, i)) {
      ops.push(op);
      if (reduction) slots.push(slot);
    }
    if (reduction) slot++;
  });
  return { program: { ops, text: ops.map(opText).join(',') }, slots };
}

export function planLanes(program: Program): LanePlan {
  const lastFnv = program.ops.map((op) => op.name).lastIndexOf('fnv');
  if (lastFnv < 0) return { split: subProgram(program, () => true) };
  // Removing a reduction never changes the bytes other ops see, so each lane's program
  // gives the same accumulators as the whole program does.
  const serial = subProgram(program, (op, i) => i <= lastFnv && (op.name === 'fnv' || OPS[op.name].role === 'transform'));
  const split = subProgram(program, (op) => op.name !== 'fnv');
  return split.program.ops.length > 0 ? { serial, split } : { serial };
}

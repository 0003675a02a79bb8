/**
 * Runs a program over byte ranges fed one after another, as if they were one stream: the
 * ops in program order over each chunk, reductions carried from range to range. Each range
 * comes with the transform of the copy that produced it (docs/FORMAT.md, "Op codes"), which
 * is applied first, so the program sees the output file's bytes.
 */
import { engine, type Kernels } from '../../engine/index.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR } from '../../format/types.js';
import { initialValue, reductionsOf, type AccumulatorValue, type Reduction } from './accumulators.js';
import type { Program } from './ops.js';

/**
 * Bytes per chunk: every op runs over one chunk before the next op does, so a chunk should
 * stay in the core's cache between ops. 64 KiB fits the L2 of every x86-64 and ARM64 core.
 */
export const CHUNK_BYTES = 64 * 1024;

type Step =
  | { kind: 'xor' | 'add'; imm: number }
  | { kind: 'counteq'; imm: number; slot: number }
  | { kind: 'crc32c' | 'fnv'; slot: number };

function compile(program: Program): Step[] {
  const reductions = reductionsOf(program);
  let r = 0;
  return program.ops.map((op): Step => {
    if (op.name === 'xor' || op.name === 'add') return { kind: op.name, imm: op.imm };
    const red = reductions[r++]!;
    return red.name === 'counteq' ? { kind: 'counteq', imm: red.imm, slot: red.slot } : { kind: red.name, slot: red.slot };
  });
}

export class ProgramRunner {
  readonly reductions: readonly Reduction[];
  /** Accumulators by slot (see Reduction.slot). */
  readonly values: AccumulatorValue[];
  /** Bytes fed since the start or the last takeValues(). */
  bytes = 0;
  private readonly steps: readonly Step[];
  private readonly transforms: boolean;
  private readonly k: Kernels;
  private scratch: Uint8Array | undefined;

  constructor(program: Program, kernels: Kernels = engine()) {
    this.steps = compile(program);
    this.reductions = reductionsOf(program);
    this.values = this.reductions.map((r) => initialValue(r.name));
    this.transforms = this.steps.some((s) => s.kind === 'xor' || s.kind === 'add');
    this.k = kernels;
  }

  /**
   * Runs the program over src[start, end) after the copy transform `copyOp`/`copyImm`
   * (OP_COPY or OP_LITERAL: none). When `writable`, the bytes are transformed in place;
   * otherwise through a scratch chunk, and src is left as it was.
   */
  feed(src: Uint8Array, start: number, end: number, copyOp: number, copyImm: number, writable: boolean): void {
    const copyXor = copyOp === OP_COPY_XOR && copyImm !== 0;
    const copyAdd = copyOp === OP_COPY_ADD && copyImm !== 0;
    const rewrite = copyXor || copyAdd || this.transforms;
    // The engine's copy kernel moves and transforms in one pass. (TypedArray.set from a
    // SharedArrayBuffer, where workers' blob bytes live, copies unaligned ranges a byte at a
    // time: about 2 GB/s against 12 GB/s for the kernel.)
    const copyKernelOp = copyXor ? OP_COPY_XOR : copyAdd ? OP_COPY_ADD : OP_COPY;
    this.bytes += end - start;
    for (let s = start; s < end; s += CHUNK_BYTES) {
      const e = Math.min(end, s + CHUNK_BYTES);
      if (rewrite && !writable) {
        const scratch = (this.scratch ??= new Uint8Array(CHUNK_BYTES));
        this.k.executeCopy(scratch, 0, src, s, e - s, copyKernelOp, copyImm);
        this.runSteps(scratch, 0, e - s);
      } else {
        if (copyXor) this.k.xorInPlace(src, s, e, copyImm);
        else if (copyAdd) this.k.addInPlace(src, s, e, copyImm);
        this.runSteps(src, s, e);
      }
    }
  }

  private runSteps(buf: Uint8Array, a: number, b: number): void {
    const k = this.k;
    const v = this.values;
    for (const step of this.steps) {
      switch (step.kind) {
        case 'xor': k.xorInPlace(buf, a, b, step.imm); break;
        case 'add': k.addInPlace(buf, a, b, step.imm); break;
        case 'counteq': v[step.slot] = (v[step.slot] as number) + k.countEq(buf, a, b, step.imm); break;
        case 'crc32c': v[step.slot] = k.crc32c(v[step.slot] as number, buf, a, b); break;
        case 'fnv': v[step.slot] = k.fnv1a64(v[step.slot] as bigint, buf, a, b); break;
      }
    }
  }

  /** The accumulators and byte count so far; then starts them afresh (a new stretch). */
  takeValues(): { values: AccumulatorValue[]; bytes: number } {
    const out = { values: [...this.values], bytes: this.bytes };
    this.reductions.forEach((r) => (this.values[r.slot] = initialValue(r.name)));
    this.bytes = 0;
    return out;
  }
}

/**
 * pcores 1: the program runs on the calling thread, straight over the blob's own bytes and
 * the block's spill; no rings, no copies beyond the runner's scratch chunk.
 */
import type { Blob } from '../../blob/types.js';
import type { AccumulatorValue } from './accumulators.js';
import type { Program } from './ops.js';
import { ProgramRunner } from './runner.js';
import { smallInt } from './small-int.js';
import type { PieceSink } from './walk.js';

/** Where exec sends a blueprint's pieces, and how it gets the accumulators at the end. */
export interface Lanes extends PieceSink {
  /** Worker threads running the program (0: the calling thread does). */
  readonly workers: number;
  /** After the last piece: the accumulators of the whole stream, by slot. */
  finish(): Promise<AccumulatorValue[]>;
  /** Releases threads and memory; safe after finish() or a failure. */
  close(): Promise<void>;
}

export class LocalLane implements Lanes {
  readonly workers = 0;
  private readonly runner: ProgramRunner;

  constructor(program: Program, private readonly source: Blob) {
    this.runner = new ProgramRunner(program);
  }

  blob(offset: number, length: number, op: number, imm: number): void {
    // The blob is banks side by side; a copy may run across a bank's end.
    const blob = this.source;
    let i = blob.bankAt(offset);
    let pos = offset;
    const end = offset + length;
    while (pos < end) {
      const bank = blob.banks[i]!;
      const view = blob.bankBytes(i);
      const from = smallInt(pos - bank.offset);
      const n = Math.min(end - pos, bank.size - from);
      this.runner.feed(view, from, from + n, op, imm, false);
      pos += n;
      i++;
    }
  }

  bytes(src: Uint8Array, start: number, end: number, op: number, imm: number): void {
    this.runner.feed(src, start, end, op, imm, false);
  }

  async finish(): Promise<AccumulatorValue[]> {
    return [...this.runner.values];
  }

  async close(): Promise<void> {}
}

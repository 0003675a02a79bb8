/**
 * A pcore: one worker thread that takes piece descriptors from its ring and runs its lane's
 * program over them (parallel-lanes.ts starts it). A split lane reports one partial result
 * per stretch; the serial lane one result for the whole stream.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AccumulatorValue } from './accumulators.js';
import type { Program } from './ops.js';
import { KIND_BLOB, RingConsumer, type Piece, type RingMemory } from './ring.js';
import { ProgramRunner } from './runner.js';

export interface WorkerSetup {
  lane: 'serial' | 'split';
  program: Program;
  ring: RingMemory;
  /** The blob's bytes at their blob offsets (only the banks the blueprint copies from are filled). */
  blob: SharedArrayBuffer;
}

/** A split lane's result over one stretch. */
export interface StretchResult {
  stretch: number;
  bytes: number;
  values: AccumulatorValue[];
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; stretches: StretchResult[]; values: AccumulatorValue[]; bytes: number }
  | { type: 'error'; code?: string; message: string };

function run(setup: WorkerSetup): WorkerMessage {
  const runner = new ProgramRunner(setup.program);
  const ring = new RingConsumer(setup.ring);
  const blob = new Uint8Array(setup.blob);
  const split = setup.lane === 'split';
  const stretches: StretchResult[] = [];
  const piece: Piece = { kind: 0, op: 0, imm: 0, offset: 0, length: 0, stretch: 0 };
  let stretch = -1;
  parentPort!.postMessage({ type: 'ready' } satisfies WorkerMessage);
  while (ring.next(piece)) {
    if (split && piece.stretch !== stretch) {
      if (stretch >= 0) stretches.push({ stretch, ...runner.takeValues() });
      stretch = piece.stretch;
    }
    const end = piece.offset + piece.length;
    if (piece.kind === KIND_BLOB) runner.feed(blob, piece.offset, end, piece.op, piece.imm, false);
    else runner.feed(ring.bytes, piece.offset, end, piece.op, piece.imm, true); // the ring's copy is ours to change
    ring.release();
  }
  if (split && stretch >= 0) stretches.push({ stretch, ...runner.takeValues() });
  return { type: 'done', stretches, values: [...runner.values], bytes: runner.bytes };
}

try {
  parentPort!.postMessage(run(workerData as WorkerSetup));
} catch (e) {
  const err = e as { code?: unknown; message?: unknown };
  parentPort!.postMessage({
    type: 'error',
    code: typeof err.code === 'string' ? err.code : undefined,
    message: typeof err.message === 'string' ? err.message : String(e),
  } satisfies WorkerMessage);
}

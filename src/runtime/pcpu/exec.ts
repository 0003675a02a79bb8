/**
 * exec: runs a pCPU program over the file a blueprint describes, without writing the file.
 * One pass decodes the blueprint block by block and hands each block's pieces to the lanes
 * that run the program (local-lane.ts on this thread, parallel-lanes.ts on workers).
 */
import type { Blob } from '../../blob/types.js';
import { readBlocks, type DecodeLimits, type DictionarySource } from '../../format/block-decoder.js';
import type { ByteSource } from '../../format/source.js';
import type { PbbHeader } from '../../format/types.js';
import { checkBlobMatches } from '../check.js';
import { dictionarySource, prepareCopies, type ReplayProgress } from '../replay.js';
import { spillDecoders } from '../spill-decoders.js';
import type { AccumulatorValue } from './accumulators.js';
import { LocalLane, type Lanes } from './local-lane.js';
import type { Program } from './ops.js';
import { ParallelLanes } from './parallel-lanes.js';
import { walkBlock } from './walk.js';
import type { TransformDefinition } from '../plugin-transforms.js';

/** More pcores than any machine this runs on has; a bound on threads and ring memory. */
export const MAX_PCORES = 256;

export interface ExecPassOptions {
  /** The blueprint, its parsed header and the header's length (readHeader). */
  input: ByteSource;
  header: PbbHeader;
  headerLength: number;
  /** The local blob; its Blob_ID must be the header's. */
  blob: Blob;
  program: Program;
  /** 1: run on this thread; N > 1: on N worker threads. */
  pcores: number;
  limits?: DecodeLimits;
  /** Names of the local refs for a blob mismatch message (e.g. the --ref paths). */
  refLabels?: readonly string[];
  /** The definitions of the header's transforms (plugins'), in its order. */
  transforms?: readonly TransformDefinition[];
  onProgress?(p: ReplayProgress): void;
}

export interface ExecPass {
  /** The accumulators by slot, in program order. */
  values: AccumulatorValue[];
  /** Bytes of output the program ran over (the header's Output_Length). */
  bytes: number;
  /**
   * Seconds the pass took: decoding the blueprint and running the program, without starting
   * the workers or loading the blob's generated banks (which the first pass of a process
   * pays and later ones do not).
   */
  seconds: number;
  /** Worker threads that ran the program (0 when this thread did). */
  workers: number;
}

/** The blob as a dictionary source whose loading time is counted apart. */
function timedDictionary(blob: Blob, excluded: { ms: number }): DictionarySource {
  const inner = dictionarySource(blob);
  return {
    size: inner.size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const t0 = performance.now();
      await blob.prepare?.(offset, length);
      excluded.ms += performance.now() - t0;
      return inner.read(offset, length);
    },
  };
}

export async function execPass(opts: ExecPassOptions): Promise<ExecPass> {
  const { input, header, headerLength, blob, program, pcores } = opts;
  checkBlobMatches(header, blob, { refLabels: opts.refLabels });
  if (!Number.isInteger(pcores) || pcores < 1 || pcores > MAX_PCORES) {
    throw new RangeError(`pcores must be an integer 1..${MAX_PCORES}, got ${pcores}`);
  }
  const lanes: Lanes = pcores === 1 ? new LocalLane(program, blob) : await ParallelLanes.start(program, pcores, blob);
  try {
    const excluded = { ms: 0 };
    const total = header.outputLength;
    let done = 0;
    const t0 = performance.now();
    opts.onProgress?.({ phase: 'exec', done: 0, total });
    for await (const block of readBlocks(input, header, headerLength, opts.limits, timedDictionary(blob, excluded), spillDecoders())) {
      if (blob.prepare) {
        const p0 = performance.now();
        await prepareCopies(blob, block.plan);
        excluded.ms += performance.now() - p0;
      }
      await walkBlock(block, blob, lanes, opts.transforms);
      done += block.plan.outLength;
      opts.onProgress?.({ phase: 'exec', done, total });
    }
    const values = await lanes.finish();
    const seconds = Math.max(0, performance.now() - t0 - excluded.ms) / 1000;
    return { values, bytes: done, seconds, workers: lanes.workers };
  } finally {
    await lanes.close();
  }
}

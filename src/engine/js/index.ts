/** The JavaScript engine: the reference implementation of every kernel. */
import type { Kernels } from '../types.js';
import { allocBytes } from './alloc.js';
import { countEq } from './count.js';
import { crc32c, crc32cCombine } from './crc32c.js';
import { addDeltas, xorDeltas } from './deltas.js';
import { addDiff, executeCopy } from './copy.js';
import { fnv1a64 } from './fnv.js';
import { buildKgramTable } from './kgram.js';
import { mapFile } from './map-file.js';
import { readFile } from './read-file.js';
import { matchBackward, matchForward } from './match.js';
import { addInPlace, xorInPlace } from './transforms.js';

export const jsKernels: Kernels = Object.freeze({
  xorInPlace,
  addInPlace,
  countEq,
  crc32c,
  crc32cCombine,
  fnv1a64,
  matchForward,
  matchBackward,
  buildKgramTable,
  xorDeltas,
  addDeltas,
  buildKgramTableAsync: async (seq: Uint8Array, k: number, step: number, bits: number, shift?: number) => buildKgramTable(seq, k, step, bits, shift),
  executeCopy,
  addDiff,
  mapFile,
  readFile,
  allocBytes,
});

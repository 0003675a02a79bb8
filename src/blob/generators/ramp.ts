/**
 * `ramp`: incrementing sequences of 8-, 16- or 32-bit little-endian words with several
 * strides. For each stride s in order, a segment of `segment` bytes holds the words
 * 0, s, 2s, 3s, ... modulo 2^(8*width); the segments in order form a cycle, and the bank
 * repeats that cycle. Strides above half the word range run downwards (255 is -1 for bytes).
 */
import type { BankGenerator, BankParams } from '../types.js';
import { choiceParam, expectParams, intParam, listParam, paramError, repeatCycle } from '../params.js';

export const RAMP_MAX_SEGMENT = 1 << 24;
export const RAMP_MAX_STRIDES = 64;

function strides(params: BankParams, width: number): number[] {
  return listParam(params, 'strides', {
    radix: 10,
    min: 1,
    max: width === 4 ? 0xffffffff : (1 << (8 * width)) - 1,
    maxCount: RAMP_MAX_STRIDES,
  });
}

export const rampGenerator: BankGenerator = {
  kind: 'ramp',
  version: 1,
  contentKind: 'palette',
  validate(params: BankParams): void {
    expectParams(params, 'ramp', ['segment', 'strides', 'width']);
    const width = choiceParam(params, 'width', [1, 2, 4]);
    const segment = intParam(params, 'segment', 1, RAMP_MAX_SEGMENT);
    if (segment % width !== 0) throw paramError('segment', `must be a multiple of width (${width})`, segment);
    strides(params, width);
  },
  generate(out: Uint8Array, params: BankParams): void {
    const width = params.width as number;
    const segment = params.segment as number;
    const list = strides(params, width);
    const cycle = list.length * segment;
    const limit = Math.min(out.length, cycle);
    const mask = width === 4 ? 0xffffffff : (1 << (8 * width)) - 1;
    let pos = 0;
    for (const s of list) {
      const words = segment / width;
      for (let k = 0; k < words && pos < limit; k++) {
        const v = (Math.imul(k, s | 0) & mask) >>> 0;
        for (let b = 0; b < width && pos < limit; b++) out[pos++] = (v >>> (8 * b)) & 0xff;
      }
    }
    repeatCycle(out, limit);
  },
};

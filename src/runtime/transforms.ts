/**
 * The transform table: how blob bytes become output bytes for each copy op code
 * (docs/FORMAT.md, "Op codes"). Copies read blob bytes into the output first, then the
 * transform rewrites them in place.
 */
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR } from '../format/types.js';

export interface Transform {
  op: number;
  name: 'copy' | 'xor' | 'add';
  hasImmediate: boolean;
  /** The output byte for blob byte b and immediate imm. */
  forward(b: number, imm: number): number;
  /** Rewrites buf[start, end) in place from blob bytes to output bytes. */
  apply(buf: Uint8Array, start: number, end: number, imm: number): void;
}

/** Below this many bytes the word-at-a-time loops are not worth setting up. */
const WORD_MIN = 32;

/** buf[i] ^= imm for i in [start, end), four bytes at a time where aligned. */
export function xorInPlace(buf: Uint8Array, start: number, end: number, imm: number): void {
  imm &= 255;
  if (imm === 0) return;
  let i = start;
  if (end - start >= WORD_MIN) {
    while ((buf.byteOffset + i) & 3) buf[i] = buf[i++]! ^ imm;
    const words = (end - i) >>> 2;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const k = (imm * 0x01010101) >>> 0;
    for (let j = 0; j < words; j++) w[j] = w[j]! ^ k;
    i += words * 4;
  }
  for (; i < end; i++) buf[i] = buf[i]! ^ imm;
}

/**
 * buf[i] = (buf[i] + imm) & 255 for i in [start, end). Word loop: adds the low seven bits
 * of each byte lane without carries between lanes, then puts the top bit back by xor.
 */
export function addInPlace(buf: Uint8Array, start: number, end: number, imm: number): void {
  imm &= 255;
  if (imm === 0) return;
  let i = start;
  if (end - start >= WORD_MIN) {
    while ((buf.byteOffset + i) & 3) buf[i] = (buf[i++]! + imm) & 255;
    const words = (end - i) >>> 2;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    const k = (imm * 0x01010101) >>> 0;
    const kLow = k & 0x7f7f7f7f;
    const kHigh = k & 0x80808080;
    for (let j = 0; j < words; j++) {
      const x = w[j]!;
      w[j] = ((x & 0x7f7f7f7f) + kLow) ^ ((x & 0x80808080) ^ kHigh);
    }
    i += words * 4;
  }
  for (; i < end; i++) buf[i] = (buf[i]! + imm) & 255;
}

export const TRANSFORM_COPY: Transform = {
  op: OP_COPY,
  name: 'copy',
  hasImmediate: false,
  forward: (b) => b,
  apply: () => undefined,
};

export const TRANSFORM_XOR: Transform = {
  op: OP_COPY_XOR,
  name: 'xor',
  hasImmediate: true,
  forward: (b, imm) => (b ^ imm) & 255,
  apply: xorInPlace,
};

export const TRANSFORM_ADD: Transform = {
  op: OP_COPY_ADD,
  name: 'add',
  hasImmediate: true,
  forward: (b, imm) => (b + imm) & 255,
  apply: addInPlace,
};

/** Transforms indexed by op code; undefined for OP_LITERAL and unknown codes. */
const TABLE: readonly (Transform | undefined)[] = [undefined, TRANSFORM_COPY, TRANSFORM_XOR, TRANSFORM_ADD];

/** The transform of a copy op code, or undefined (literal or unknown op). */
export function transformFor(op: number): Transform | undefined {
  return TABLE[op];
}

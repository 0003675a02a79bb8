/**
 * The transform table: how blob bytes become output bytes for each copy op code
 * (docs/FORMAT.md, "Op codes"). Copies read blob bytes into the output first, then the
 * transform rewrites them in place.
 */
import { engine } from '../engine/index.js';
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

/** buf[i] ^= imm for i in [start, end), by the engine's kernel. */
export function xorInPlace(buf: Uint8Array, start: number, end: number, imm: number): void {
  engine().xorInPlace(buf, start, end, imm);
}

/** buf[i] = (buf[i] + imm) & 255 for i in [start, end), by the engine's kernel. */
export function addInPlace(buf: Uint8Array, start: number, end: number, imm: number): void {
  engine().addInPlace(buf, start, end, imm);
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

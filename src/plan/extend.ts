/** Match extension: how far input and blob agree, forward and backward, through a transform. */
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR } from '../format/types.js';

const CHUNK = 512;

/**
 * Length of the identity match t[i..] == b[q..], at most max. Long matches are compared in
 * chunks by Buffer.compare (memcmp), the tail byte by byte.
 */
export function forwardIdentity(t: Buffer, i: number, b: Buffer, q: number, max: number): number {
  let n = 0;
  const quick = Math.min(max, 24);
  while (n < quick && t[i + n] === b[q + n]) n++;
  if (n < quick || n === max) return n;
  while (n + CHUNK <= max && b.compare(t, i + n, i + n + CHUNK, q + n, q + n + CHUNK) === 0) n += CHUNK;
  while (n < max && t[i + n] === b[q + n]) n++;
  return n;
}

/** Length of the match t[i..] == f(b[q..]) for xor/add with imm, at most max. */
export function forwardTransformed(op: number, imm: number, t: Uint8Array, i: number, b: Uint8Array, q: number, max: number): number {
  let n = 0;
  if (op === OP_COPY_XOR) {
    while (n < max && t[i + n] === (b[q + n] ^ imm)) n++;
  } else if (op === OP_COPY_ADD) {
    while (n < max && t[i + n] === ((b[q + n] + imm) & 255)) n++;
  } else if (op === OP_COPY) {
    while (n < max && t[i + n] === b[q + n]) n++;
  }
  return n;
}

/** Length of the backward extension: t[i-1-n] == f(b[q-1-n]), at most max. */
export function backward(op: number, imm: number, t: Uint8Array, i: number, b: Uint8Array, q: number, max: number): number {
  let n = 0;
  if (op === OP_COPY) {
    while (n < max && t[i - 1 - n] === b[q - 1 - n]) n++;
  } else if (op === OP_COPY_XOR) {
    while (n < max && t[i - 1 - n] === (b[q - 1 - n] ^ imm)) n++;
  } else {
    while (n < max && t[i - 1 - n] === ((b[q - 1 - n] + imm) & 255)) n++;
  }
  return n;
}

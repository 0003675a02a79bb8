/** Match extension: how far input and blob agree, forward and backward, through a transform. */
import { engine } from '../engine/index.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR } from '../format/types.js';

/**
 * Bytes compared here before handing the rest to the engine's kernel: most candidates
 * differ within a few bytes, and a loop in JavaScript settles them faster than a call.
 */
const QUICK = 24;

/** Length of the identity match t[i..] == b[q..], at most max. */
export function forwardIdentity(t: Uint8Array, i: number, b: Uint8Array, q: number, max: number): number {
  let n = 0;
  const quick = Math.min(max, QUICK);
  while (n < quick && t[i + n] === b[q + n]) n++;
  if (n < quick || n === max) return n;
  return n + engine().matchForward(t, i + n, b, q + n, max - n);
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
    const quick = Math.min(max, QUICK);
    while (n < quick && t[i - 1 - n] === b[q - 1 - n]) n++;
    if (n < quick || n === max) return n;
    return n + engine().matchBackward(t, i - n, b, q - n, max - n);
  } else if (op === OP_COPY_XOR) {
    while (n < max && t[i - 1 - n] === (b[q - 1 - n] ^ imm)) n++;
  } else {
    while (n < max && t[i - 1 - n] === ((b[q - 1 - n] + imm) & 255)) n++;
  }
  return n;
}

/** Segment execution: one copy segment, moved and transformed. */
import { addInPlace, xorInPlace } from './transforms.js';
import { argText, checkBytes, checkCount, checkRange } from './range.js';

/** Copy op codes (docs/FORMAT.md "Op codes"); the engine does not import src/format. */
export const COPY_OPS = { copy: 1, xor: 2, add: 3 } as const;

export function checkCopyArgs(outLength: number, outPos: number, srcLength: number, srcPos: number, len: number, op: number): void {
  checkCount('executeCopy', len);
  checkRange('executeCopy (output)', outLength, outPos, outPos + len);
  checkRange('executeCopy (source)', srcLength, srcPos, srcPos + len);
  if (op !== COPY_OPS.copy && op !== COPY_OPS.xor && op !== COPY_OPS.add) throw new RangeError(`executeCopy: ${argText(op)} is not a copy op code`);
}

export function executeCopy(out: Uint8Array, outPos: number, src: Uint8Array, srcPos: number, len: number, op: number, imm: number): void {
  checkBytes('executeCopy', out, 1);
  checkBytes('executeCopy', src, 3);
  checkCopyArgs(out.length, outPos, src.length, srcPos, len, op);
  if (len === 0) return;
  // set() copies as if through a temporary when both views share a buffer, so overlap is safe.
  out.set(src.subarray(srcPos, srcPos + len), outPos);
  if (op === COPY_OPS.xor) xorInPlace(out, outPos, outPos + len, imm);
  else if (op === COPY_OPS.add) addInPlace(out, outPos, outPos + len, imm);
}

/** out[outPos + k] += diff[diffPos + k] (mod 256) for k < len; the differences as they were before the call. */
export function addDiff(out: Uint8Array, outPos: number, diff: Uint8Array, diffPos: number, len: number): void {
  checkBytes('addDiff', out, 1);
  checkBytes('addDiff', diff, 3);
  checkCount('addDiff', len);
  checkRange('addDiff (output)', out.length, outPos, outPos + len);
  checkRange('addDiff (differences)', diff.length, diffPos, diffPos + len);
  if (len === 0) return;
  let d = diff;
  let dp = diffPos;
  if (out.buffer === diff.buffer) {
    // Overlap is possible: work from a copy of the differences.
    d = diff.slice(diffPos, diffPos + len);
    dp = 0;
  }
  for (let k = 0; k < len; k++) out[outPos + k] = (out[outPos + k]! + d[dp + k]!) & 255;
}

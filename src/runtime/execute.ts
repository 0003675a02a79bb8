/**
 * Executes one block's segments against the local blob.
 */
import type { Blob } from '../blob/types.js';
import { engine } from '../engine/index.js';
import { PfscError } from '../errors.js';
import { OP_COPY, OP_COPY_DIFF, OP_LITERAL, OP_TRANSFORM, type BlockPlan } from '../format/types.js';
import type { TransformDefinition } from './plugin-transforms.js';
import { transformFor } from './transforms.js';

export interface ExecuteWhere {
  /** Block number, for messages. */
  block?: number;
  /**
   * File position of the block's first output byte (default 0). Copies from earlier output
   * (offsets at or past the blob's end) are addressed by file position.
   */
  outputStart?: number;
  /** The definitions of the header's transforms, by index (resolved from its transform table). */
  transforms?: readonly TransformDefinition[];
}

const EMPTY = new Uint8Array(0);

function corrupt(where: ExecuteWhere, message: string): never {
  const prefix = where.block === undefined ? '' : `block ${where.block}: `;
  throw new PfscError('PFSC_PBB_CORRUPT', prefix + message);
}

/**
 * out[pos, pos + length) = transform(blob[offset, offset + length)), one engine call per
 * bank the range spans (the caller checked that it lies inside the blob).
 */
function copyFromBlob(blob: Blob, offset: number, length: number, out: Uint8Array, pos: number, op: number, imm: number): void {
  const k = engine();
  let bank = blob.bankAt(offset);
  let from = offset;
  let at = pos;
  let left = length;
  while (left > 0) {
    const info = blob.banks[bank]!;
    const start = from - info.offset;
    const n = Math.min(left, info.size - start);
    if (n > 0) k.executeCopy(out, at, blob.bankBytes(bank), start, n, op, imm);
    from += n;
    at += n;
    left -= n;
    bank++;
  }
}

/**
 * Writes the block's output into out[0, plan.outLength). Every copy must lie inside the
 * blob or, for an offset at or past the blob's end, inside this block's output already
 * written (docs/FORMAT.md, "Copy sources"); the segments must produce exactly outLength
 * bytes, which must fit in `out`, and literals must use up the spill exactly; otherwise
 * PFSC_PBB_CORRUPT names the segment.
 */
export function executeBlock(plan: BlockPlan, blob: Blob, out: Uint8Array, where: ExecuteWhere = {}): void {
  const { count, op, len, off, imm, spill, outLength } = plan;
  const diffs = plan.diffs ?? EMPTY;
  const timm = plan.timm ?? EMPTY;
  const transforms = where.transforms ?? [];
  if (outLength > out.length) corrupt(where, `block output of ${outLength} bytes does not fit the ${out.length}-byte buffer`);
  if (op.length < count || len.length < count || off.length < count || imm.length < count) {
    corrupt(where, `segment arrays are shorter than the segment count ${count}`);
  }
  const blobSize = blob.size;
  const outputStart = where.outputStart ?? 0;
  const k = engine();
  let pos = 0;
  let sp = 0;
  let dp = 0;
  let tp = 0;
  for (let i = 0; i < count; i++) {
    const o = op[i]!;
    const l = len[i]!;
    if (l === 0) corrupt(where, `segment ${i} has length 0`);
    if (pos + l > outLength) corrupt(where, `segment ${i} ends at output byte ${pos + l}, past the block's ${outLength} bytes`);
    if (o === OP_LITERAL) {
      if (sp + l > spill.length) corrupt(where, `segment ${i} needs spill bytes ${sp}..${sp + l}, the spill holds ${spill.length}`);
      out.set(spill.subarray(sp, sp + l), pos);
      sp += l;
    } else {
      // The copy moves the source bytes (through a built-in transform), then a COPY_DIFF adds
      // its differences and a plugin transform rewrites them.
      const plugin = o >= OP_TRANSFORM ? transforms[o - OP_TRANSFORM] : undefined;
      const builtin = o === OP_COPY_DIFF || plugin !== undefined ? OP_COPY : o;
      if (transformFor(builtin) === undefined) corrupt(where, `segment ${i} has unknown op code ${o}`);
      const f = off[i]!;
      if (!(f >= 0) || !Number.isInteger(f)) corrupt(where, `segment ${i} has copy offset ${f}`);
      if (f >= blobSize) {
        // A copy from this block's earlier output: file position f - blobSize.
        const src = f - blobSize - outputStart;
        if (src < 0 || src + l > pos) {
          corrupt(where, `segment ${i} copies output bytes ${f - blobSize}..${f - blobSize + l}, not all written earlier in this block (it starts at ${outputStart}, ${pos} bytes written)`);
        }
        k.executeCopy(out, pos, out, src, l, builtin, imm[i]!);
      } else {
        if (f + l > blobSize) corrupt(where, `segment ${i} copies blob bytes ${f}..${f + l}, past the blob's end (${blobSize} bytes)`);
        copyFromBlob(blob, f, l, out, pos, builtin, imm[i]!);
      }
      if (o === OP_COPY_DIFF) {
        if (dp + l > diffs.length) corrupt(where, `segment ${i} needs difference bytes ${dp}..${dp + l}, the block holds ${diffs.length}`);
        k.addDiff(out, pos, diffs, dp, l);
        dp += l;
      } else if (plugin !== undefined) {
        const n = plugin.immCount;
        if (tp + n > timm.length) corrupt(where, `segment ${i} needs transform immediates ${tp}..${tp + n}, the block holds ${timm.length}`);
        plugin.apply(out, pos, pos + l, timm.subarray(tp, tp + n));
        tp += n;
      }
    }
    pos += l;
  }
  if (dp !== diffs.length) corrupt(where, `COPY_DIFF segments use ${dp} of the ${diffs.length} difference bytes`);
  if (tp !== timm.length) corrupt(where, `transform segments use ${tp} of the ${timm.length} immediate bytes`);
  if (pos !== outLength) corrupt(where, `segments produce ${pos} bytes, the block declares ${outLength}`);
  if (sp !== spill.length) corrupt(where, `literals use ${sp} of the ${spill.length} spill bytes`);
}

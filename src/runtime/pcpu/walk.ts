/**
 * Walks one decoded block's segments and hands out its output as pieces, without building
 * the output: a copy from the blob is a blob range, a literal is a range of the spill, a
 * copy from earlier output is a range of the bytes KeptOutput kept for it. Each piece
 * carries the copy's transform, applied by whoever runs the program over it. A COPY_DIFF
 * or plugin-transform copy is built into a scratch buffer first (its bytes depend on more
 * than one byte of input each) and handed out as bytes.
 */
import type { Blob } from '../../blob/types.js';
import { PfscError } from '../../errors.js';
import type { DecodedBlock } from '../../format/block-decoder.js';
import { engine } from '../../engine/index.js';
import { OP_COPY, OP_COPY_DIFF, OP_LITERAL, OP_TRANSFORM } from '../../format/types.js';
import type { TransformDefinition } from '../plugin-transforms.js';
import { transformFor } from '../transforms.js';
import { KeptOutput, rangesReadByLaterCopies } from './earlier-output.js';
import { smallInt } from './small-int.js';

/** Where the pieces go, in output order. A returned promise is awaited before the next piece. */
export interface PieceSink {
  /** Output bytes blob[offset, offset + length), each through the copy transform op/imm. */
  blob(offset: number, length: number, op: number, imm: number): void | Promise<void>;
  /**
   * Output bytes src[start, end), each through op/imm. src is only valid during the call
   * (and until a returned promise settles) and must not be modified.
   */
  bytes(src: Uint8Array, start: number, end: number, op: number, imm: number): void | Promise<void>;
}

function corrupt(block: number, message: string): never {
  throw new PfscError('PFSC_PBB_CORRUPT', `block ${block}: ${message}`);
}

/**
 * Hands block's output to sink piece by piece. The checks are those of executeBlock (every
 * copy inside the blob or inside this block's earlier output, lengths adding up, the spill
 * used exactly): a damaged block fails with PFSC_PBB_CORRUPT naming the segment.
 * The blob ranges the block copies must be readable (blob.prepare) before the walk.
 */
export async function walkBlock(block: DecodedBlock, blob: Blob, sink: PieceSink, transforms: readonly TransformDefinition[] = []): Promise<void> {
  const { plan, index: b, outputStart } = block;
  const { count, op, len, off, imm, spill, outLength } = plan;
  const diffs = plan.diffs ?? new Uint8Array(0);
  const timm = plan.timm ?? new Uint8Array(0);
  const blobSize = blob.size;
  const kept = new KeptOutput(rangesReadByLaterCopies(plan, blobSize, outputStart));
  let scratch = new Uint8Array(0);
  let pos = 0;
  let sp = 0;
  let dp = 0;
  let tp = 0;
  for (let i = 0; i < count; i++) {
    const o = op[i]!;
    const l = len[i]!;
    const x = imm[i]!;
    if (l === 0) corrupt(b, `segment ${i} has length 0`);
    if (pos + l > outLength) corrupt(b, `segment ${i} ends at output byte ${pos + l}, past the block's ${outLength} bytes`);
    let pending: void | Promise<void>;
    if (o === OP_LITERAL) {
      if (sp + l > spill.length) corrupt(b, `segment ${i} needs spill bytes ${sp}..${sp + l}, the spill holds ${spill.length}`);
      const from = sp;
      if (!kept.empty) kept.keep(pos, l, (buf, at, f, t) => buf.set(spill.subarray(from + f - pos, from + t - pos), at));
      pending = sink.bytes(spill, sp, sp + l, OP_COPY, 0);
      sp += l;
    } else if (o === OP_COPY_DIFF || o >= OP_TRANSFORM) {
      const plugin = o >= OP_TRANSFORM ? transforms[o - OP_TRANSFORM] : undefined;
      if (o !== OP_COPY_DIFF && plugin === undefined) corrupt(b, `segment ${i} has unknown op code ${o}`);
      const f = off[i]!;
      if (!(f >= 0) || !Number.isInteger(f)) corrupt(b, `segment ${i} has copy offset ${f}`);
      if (scratch.length < l) scratch = new Uint8Array(Math.max(l, 2 * scratch.length));
      if (f >= blobSize) {
        const s = smallInt(f - blobSize - outputStart);
        const src = s >= 0 && s + l <= pos ? kept.find(s, l) : undefined;
        if (src === undefined) {
          corrupt(b, `segment ${i} copies output bytes ${f - blobSize}..${f - blobSize + l}, not all written earlier in this block (it starts at ${outputStart}, ${pos} bytes written)`);
        }
        scratch.set(src.buf.subarray(src.at, src.at + l), 0);
      } else {
        if (f + l > blobSize) corrupt(b, `segment ${i} copies blob bytes ${f}..${f + l}, past the blob's end (${blobSize} bytes)`);
        blob.read(f, l, scratch, 0);
      }
      if (plugin === undefined) {
        if (dp + l > diffs.length) corrupt(b, `segment ${i} needs difference bytes ${dp}..${dp + l}, the block holds ${diffs.length}`);
        engine().addDiff(scratch, 0, diffs, dp, l);
        dp += l;
      } else {
        const n = plugin.immCount;
        if (tp + n > timm.length) corrupt(b, `segment ${i} needs transform immediates ${tp}..${tp + n}, the block holds ${timm.length}`);
        plugin.apply(scratch, 0, l, timm.subarray(tp, tp + n));
        tp += n;
      }
      const built = scratch;
      if (!kept.empty) kept.keep(pos, l, (buf, at, from, to) => buf.set(built.subarray(from - pos, to - pos), at));
      pending = sink.bytes(built, 0, l, OP_COPY, 0);
    } else {
      const t = transformFor(o);
      if (t === undefined) corrupt(b, `segment ${i} has unknown op code ${o}`);
      const f = off[i]!;
      if (!(f >= 0) || !Number.isInteger(f)) corrupt(b, `segment ${i} has copy offset ${f}`);
      if (f >= blobSize) {
        const s = smallInt(f - blobSize - outputStart);
        const src = s >= 0 && s + l <= pos ? kept.find(s, l) : undefined;
        if (src === undefined) {
          corrupt(b, `segment ${i} copies output bytes ${f - blobSize}..${f - blobSize + l}, not all written earlier in this block (it starts at ${outputStart}, ${pos} bytes written)`);
        }
        if (!kept.empty) {
          kept.keep(pos, l, (buf, at, from, to) => {
            buf.set(src.buf.subarray(src.at + from - pos, src.at + to - pos), at);
            t.apply(buf, at, at + to - from, x);
          });
        }
        pending = sink.bytes(src.buf, src.at, src.at + l, o, x);
      } else {
        if (f + l > blobSize) corrupt(b, `segment ${i} copies blob bytes ${f}..${f + l}, past the blob's end (${blobSize} bytes)`);
        if (!kept.empty) {
          kept.keep(pos, l, (buf, at, from, to) => {
            blob.read(f + from - pos, to - from, buf, at);
            t.apply(buf, at, at + to - from, x);
          });
        }
        pending = sink.blob(f, l, o, x);
      }
    }
    if (pending !== undefined) await pending;
    pos += l;
  }
  if (pos !== outLength) corrupt(b, `segments produce ${pos} bytes, the block declares ${outLength}`);
  if (sp !== spill.length) corrupt(b, `literals use ${sp} of the ${spill.length} spill bytes`);
  if (dp !== diffs.length) corrupt(b, `COPY_DIFF segments use ${dp} of the ${diffs.length} difference bytes`);
  if (tp !== timm.length) corrupt(b, `transform segments use ${tp} of the ${timm.length} immediate bytes`);
}

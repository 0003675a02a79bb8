/**
 * Packs blocks (docs/FORMAT.md, "Block"). One BlockEncoder writes the blocks of one file
 * in order: copy offsets are coded relative to the previous copy's diagonal, carried
 * from block to block.
 */
import { MAX_BLOCK_OUT_LENGTH, MAX_BLOCK_SEGMENTS, MAX_COPY_END, MAX_LENGTH_VARINT_BYTES, MAX_VARINT_BYTES, STREAM_NAMES } from './constants.js';
import { fail } from './fail.js';
import { DEFAULT_LZMA_PRESET, encodeLzma2, lzmaPresetOptions } from './lzma2.js';
import { OP_LITERAL, OP_MAX, opHasImmediate, type BlockPlan, type StreamStats } from './types.js';
import { varintLength, writeVarint, zigzagEncode } from './varint.js';

/**
 * Raw streams shorter than this are always stored: the smallest LZMA2 stream (a 6-byte
 * chunk header, 5 range-coder bytes, the end marker) plus its size varint cannot beat
 * 1 + rawLen below 12 bytes.
 */
const MIN_LZMA2_TRY = 12;

export interface BlockEncoderOptions {
  /** liblzma preset for the LZMA2 attempt; default 9 | PRESET_EXTREME. */
  preset?: number;
}

export interface EncodedBlock {
  bytes: Uint8Array;
  streams: StreamStats[];
}

interface CodedStream {
  header: Uint8Array;
  payload: Uint8Array;
  stats: StreamStats;
}

/** Codes one stream: stored or LZMA2, whichever takes fewer bytes (stored on a tie). */
export async function codeStream(name: StreamStats['name'], raw: Uint8Array, preset: number): Promise<CodedStream> {
  if (raw.length === 0) {
    return { header: Uint8Array.of(0), payload: raw, stats: { name, rawBytes: 0, codedBytes: 1, coding: 'stored' } };
  }
  const rawLenBytes = varintLength(raw.length);
  if (raw.length >= MIN_LZMA2_TRY) {
    const packed = await encodeLzma2(raw, preset);
    if (varintLength(packed.length) + packed.length < 1 + raw.length) {
      const header = new Uint8Array(rawLenBytes + varintLength(packed.length));
      writeVarint(header, writeVarint(header, 0, raw.length), packed.length);
      return {
        header,
        payload: packed,
        stats: { name, rawBytes: raw.length, codedBytes: header.length + packed.length, coding: 'lzma2' },
      };
    }
  }
  const header = new Uint8Array(rawLenBytes + 1);
  writeVarint(header, 0, raw.length);
  header[rawLenBytes] = 0;
  return { header, payload: raw, stats: { name, rawBytes: raw.length, codedBytes: header.length + raw.length, coding: 'stored' } };
}

export class BlockEncoder {
  private readonly preset: number;
  /** End (offset + length) of the last copy written so far; 0 at the start of the file. */
  /** Diagonal (offset − output position) of the previous copy, and the output position of this block: both carried across blocks. */
  private prevDiagonal = 0;
  private outputPosition = 0;
  private blockIndex = 0;

  constructor(opts: BlockEncoderOptions = {}) {
    this.preset = opts.preset ?? DEFAULT_LZMA_PRESET;
    lzmaPresetOptions(this.preset, 4096); // throws RangeError on an unsupported preset
  }

  /** Number of blocks encoded so far. */
  get blocks(): number {
    return this.blockIndex;
  }

  /**
   * Encodes the next block of the file. The raw streams are built synchronously, so
   * calls may overlap as long as they are made in block order.
   */
  encode(plan: BlockPlan): Promise<EncodedBlock> {
    try {
      const raws = this.buildStreams(plan);
      return this.codeStreams(plan.outLength, plan.count, raws);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private buildStreams(plan: BlockPlan): Uint8Array[] {
    const where = `block ${this.blockIndex}`;
    const bad = (msg: string): never => fail('PFSC_INTERNAL', `invalid block plan (${where}): ${msg}`);
    const { count, outLength } = plan;
    if (!Number.isSafeInteger(outLength) || outLength <= 0 || outLength > MAX_BLOCK_OUT_LENGTH) {
      bad(`outLength ${outLength} must be an integer in [1, ${MAX_BLOCK_OUT_LENGTH}]`);
    }
    if (!Number.isSafeInteger(count) || count <= 0 || count > outLength || count > MAX_BLOCK_SEGMENTS) {
      bad(`count ${count} must be in [1, min(outLength, ${MAX_BLOCK_SEGMENTS})]`);
    }
    if (plan.op.length < count || plan.len.length < count || plan.off.length < count || plan.imm.length < count) {
      bad(`op/len/off/imm arrays are shorter than count ${count}`);
    }
    const { op, len, off, imm } = plan;
    let copies = 0;
    let imms = 0;
    let literalBytes = 0;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const o = op[i]!;
      const l = len[i]!;
      if (o > OP_MAX) bad(`segment ${i} has unknown op ${o}`);
      if (l === 0) bad(`segment ${i} has length 0`);
      total += l;
      if (o === OP_LITERAL) {
        literalBytes += l;
      } else {
        copies++;
        const f = off[i]!;
        if (!Number.isInteger(f) || f < 0 || f + l >= MAX_COPY_END) bad(`segment ${i} copies from offset ${f}, outside [0, 2^52 - length)`);
        if (opHasImmediate(o)) imms++;
      }
    }
    if (total !== outLength) bad(`segment lengths sum to ${total}, outLength is ${outLength}`);
    if (plan.spill.length !== literalBytes) bad(`spill holds ${plan.spill.length} bytes, literal segments need ${literalBytes}`);

    const ops = op.slice(0, count);
    const lengths = new Uint8Array(count * MAX_LENGTH_VARINT_BYTES);
    const offsets = new Uint8Array(copies * MAX_VARINT_BYTES);
    const immediates = new Uint8Array(imms);
    let lp = 0;
    let fp = 0;
    let ip = 0;
    let diagonal = this.prevDiagonal;
    let pos = this.outputPosition;
    for (let i = 0; i < count; i++) {
      const o = op[i]!;
      const l = len[i]!;
      lp = writeVarint(lengths, lp, l);
      if (o !== OP_LITERAL) {
        const f = off[i]!;
        // Predicted: the same diagonal as the previous copy (an edit inside a copied region costs 0).
        fp = writeVarint(offsets, fp, zigzagEncode(f - (pos + diagonal)));
        diagonal = f - pos;
        if (opHasImmediate(o)) immediates[ip++] = imm[i]!;
      }
      pos += l;
    }
    this.prevDiagonal = diagonal;
    this.outputPosition = pos;
    this.blockIndex++;
    return [ops, lengths.subarray(0, lp), offsets.subarray(0, fp), immediates, plan.spill];
  }

  private async codeStreams(outLength: number, count: number, raws: Uint8Array[]): Promise<EncodedBlock> {
    const coded = await Promise.all(raws.map((raw, i) => codeStream(STREAM_NAMES[i]!, raw, this.preset)));
    let size = varintLength(outLength) + varintLength(count);
    for (const c of coded) size += c.header.length + c.payload.length;
    const bytes = new Uint8Array(size);
    let p = writeVarint(bytes, writeVarint(bytes, 0, outLength), count);
    for (const c of coded) {
      bytes.set(c.header, p);
      p += c.header.length;
      bytes.set(c.payload, p);
      p += c.payload.length;
    }
    return { bytes, streams: coded.map((c) => c.stats) };
  }
}

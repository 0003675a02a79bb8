/**
 * Reads blocks back into BlockPlans (docs/FORMAT.md, "Block" and "Decoder checks").
 * Every number is checked before it is used: no allocation or read is sized by an
 * unchecked field, and every loop advances through bounded input.
 */
import {
  BLOCK_CODING_MODELED, BLOCK_CODING_STREAMS, BLOCK_EXTENDED, MAX_BLOCK_OUT_LENGTH, MAX_BLOCK_SEGMENTS, MAX_COPY_END, MAX_LENGTH_VARINT_BYTES,
  MAX_MODELED_BYTES_PER_SEGMENT, MAX_MODELED_BYTES_PER_SEGMENT_EXTENDED, MAX_NUMBER, MAX_VARINT_BYTES, METHOD_FILTERED, METHOD_LZMA2, METHOD_ZSTD, STREAM_NAMES,
} from './constants.js';
import { fail } from './fail.js';
import { filterSpill, readFilterFields } from './spill-filter.js';
import { decodeLzma2Async, type RawLzma2Decoder } from './lzma2.js';
import { decodeModeledSegments, type SegmentArrays } from './segment-model.js';
import { decodeSparse, maxSparseLength } from './sparse.js';
import { decodeZstd, ZSTD_MAX_DICT } from './zstd.js';
import type { ByteSource } from './source.js';
import { OP_COPY_DIFF, OP_LITERAL, OP_MAX, OP_TRANSFORM, isExtendedOp, opHasImmediate, type BlockPlan, type PbbHeader, type StreamStats } from './types.js';
import { readVarint, zigzagDecode, type VarintCursor } from './varint.js';

/** Caps a reader may set below the format's own maxima (a receiver with little memory, a fuzzer). */
export interface DecodeLimits {
  /** Largest output length accepted in the header (default: 2^53 - 1). */
  maxOutputLength?: number;
  /** Largest block output length (default and maximum: 256 MiB). */
  maxBlockOutLength?: number;
  /** Most segments per block (default and maximum: 2^25). */
  maxBlockSegments?: number;
}

/** The blob, for spills coded with a blob dictionary (docs/FORMAT.md, "Zstandard coding"). */
export interface DictionarySource {
  /** Blob size in bytes. */
  size: number;
  /** blob[offset, offset + length); fails (PFSC_PBB_CORRUPT) when the range leaves the blob. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What a reader may bring to readBlocks. */
export interface ReadBlocksOptions {
  /** Raw LZMA2 for the spill (the native engine's lzma2DecodeAsync); default: lzma-native. */
  lzma2?: RawLzma2Decoder;
  /**
   * Called with a block's segments once they are read, before its spill is: a replay starts
   * loading the blob's ranges the copies read while the spill decodes (off the JavaScript
   * thread with an asynchronous decoder).
   */
  onSegments?(segments: BlockSegments, block: number): void;
}

/** A block's segments without its spill: what the copies read. */
export type BlockSegments = Pick<BlockPlan, 'outLength' | 'count' | 'op' | 'len' | 'off'>;

export interface DecodedBlock {
  /** The block's segments, offsets absolute; off is 0 for literals, imm is 0 for ops without one. */
  plan: BlockPlan;
  streams: StreamStats[];
  /** Bytes the block takes in the blueprint. */
  codedBytes: number;
  /** Byte position of the block's first byte in the blueprint. */
  position: number;
  /** 0-based block number. */
  index: number;
  /** Output position of the block's first byte. */
  outputStart: number;
  /**
   * False when the spill needs a blob dictionary and readBlocks was given no blob: the spill
   * is then zeros of the right length (enough for sizes and counts; never execute it).
   */
  spillDecoded: boolean;
}

type DecodedSegments = SegmentArrays & { literalBytes: number; diffBytes: number };

interface SegmentsForDictionary {
  count: number;
  op: Uint8Array;
  len: Uint32Array;
  off: Float64Array;
}

/** The largest end of a copy from the blob (not from earlier output); 0 when there is none. */
export function lastCopyEnd(seg: SegmentsForDictionary, blobSize: number): number {
  let end = 0;
  for (let i = 0; i < seg.count; i++) {
    if (seg.op[i] === OP_LITERAL) continue;
    const e = seg.off[i]! + seg.len[i]!;
    if (e <= blobSize && e > end) end = e;
  }
  return end;
}

/** Reads bytes just past those asked for, so the small fields of a block cost one read. */
const READ_AHEAD = 64 * 1024;

class Reader {
  pos: number;
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private readonly cur: VarintCursor = { pos: 0 };

  constructor(private readonly src: ByteSource, start: number) {
    this.pos = start;
  }

  private async fill(n: number): Promise<void> {
    const want = Math.min(this.src.size - this.pos, Math.max(n, READ_AHEAD));
    this.buf = await this.src.read(this.pos, want);
    this.bufStart = this.pos;
  }

  /** Reads a varint; throws PFSC_PBB_TRUNCATED when the file ends inside it. */
  async varint(what: () => string): Promise<number> {
    if (this.pos + MAX_VARINT_BYTES > this.bufStart + this.buf.length && this.bufStart + this.buf.length < this.src.size) {
      await this.fill(MAX_VARINT_BYTES);
    }
    this.cur.pos = this.pos - this.bufStart;
    const v = readVarint(this.buf, this.cur, this.buf.length, what);
    if (v < 0) fail('PFSC_PBB_TRUNCATED', `${what()}: blueprint ends at byte ${this.src.size}`);
    this.pos = this.bufStart + this.cur.pos;
    return v;
  }

  /** Returns the next n bytes (n already checked against limits). */
  async bytes(n: number, what: () => string): Promise<Uint8Array> {
    if (this.pos + n > this.src.size) {
      fail('PFSC_PBB_TRUNCATED', `${what()}: needs ${n} bytes from byte ${this.pos}, blueprint ends at byte ${this.src.size}`);
    }
    let out: Uint8Array;
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) {
      out = this.buf.subarray(this.pos - this.bufStart, this.pos - this.bufStart + n);
    } else if (n <= READ_AHEAD) {
      await this.fill(n);
      out = this.buf.subarray(0, n);
    } else {
      out = await this.src.read(this.pos, n);
    }
    this.pos += n;
    return out;
  }
}

function limit(name: string, value: number | undefined, max: number): number {
  if (value === undefined) return max;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`decode limit ${name} must be a non-negative integer, got ${value}`);
  return Math.min(value, max);
}

/**
 * Reads the blocks of a blueprint whose header (already parsed) ends at `headerLength`,
 * yielding one decoded block at a time. Ends after the block that completes the output;
 * checks that the blueprint ends there too. `options` may bring a faster decoder for the
 * spill (the bytes are the same) and a hook that sees each block's segments first.
 */
export async function* readBlocks(
  src: ByteSource,
  header: PbbHeader,
  headerLength: number,
  limits: DecodeLimits = {},
  blob?: DictionarySource,
  options: ReadBlocksOptions = {},
): AsyncGenerator<DecodedBlock, void, void> {
  const maxOutput = limit('maxOutputLength', limits.maxOutputLength, MAX_NUMBER - 1);
  const maxBlock = limit('maxBlockOutLength', limits.maxBlockOutLength, MAX_BLOCK_OUT_LENGTH);
  const maxSegments = limit('maxBlockSegments', limits.maxBlockSegments, MAX_BLOCK_SEGMENTS);
  const total = header.outputLength;
  if (total > maxOutput) fail('PFSC_PBB_LIMIT', `header declares ${total} output bytes; the limit is ${maxOutput}`);
  const rd = new Reader(src, headerLength);
  let done = 0;
  let diagonal = 0; // offset − output position of the previous copy, carried across blocks
  let b = 0;
  const cur: VarintCursor = { pos: 0 };
  while (done < total) {
    const position = rd.pos;
    const where = `block ${b} at byte ${position}`;
    if (position >= src.size) {
      fail('PFSC_PBB_TRUNCATED', `blueprint ends at byte ${src.size} before ${where}; ${done} of ${total} output bytes covered`);
    }
    const outLength = await rd.varint(() => `${where}: output length`);
    if (outLength === 0) fail('PFSC_PBB_CORRUPT', `${where}: output length is 0`);
    if (outLength > total - done) {
      fail('PFSC_PBB_CORRUPT', `${where}: output length ${outLength} exceeds the ${total - done} bytes left of the output`);
    }
    if (outLength > maxBlock) fail('PFSC_PBB_LIMIT', `${where}: output length ${outLength} exceeds the limit of ${maxBlock}`);
    const count = await rd.varint(() => `${where}: segment count`);
    if (count === 0 || count > outLength) {
      fail('PFSC_PBB_CORRUPT', `${where}: segment count ${count} is not in [1, ${outLength}] (the block's output length)`);
    }
    if (count > maxSegments) fail('PFSC_PBB_LIMIT', `${where}: segment count ${count} exceeds the limit of ${maxSegments}`);

    const codingByte = (await rd.bytes(1, () => `${where}: block coding`))[0]!;
    const extended = header.version >= 3 && (codingByte & BLOCK_EXTENDED) !== 0;
    const blockCoding = extended ? codingByte & ~BLOCK_EXTENDED : codingByte;
    if (blockCoding !== BLOCK_CODING_STREAMS && blockCoding !== BLOCK_CODING_MODELED) {
      fail('PFSC_PBB_CORRUPT', header.version >= 3
        ? `${where}: block coding byte 0x${codingByte.toString(16).padStart(2, '0')}: the coding (bits 0-1) must be 0 (streams) or 1 (modeled), bit 2 says extended ops, the rest must be 0`
        : `${where}: block coding ${codingByte}, must be 0 (streams) or 1 (modeled)`);
    }
    const transforms = header.transforms;
    /** Whether op o may appear in this block. */
    const opAllowed = (o: number): boolean =>
      o <= OP_MAX || (extended && (o === OP_COPY_DIFF || (o >= OP_TRANSFORM && o - OP_TRANSFORM < transforms.length)));

    const streams: StreamStats[] = [];
    let spillDecoded = true;
    /**
     * Reads stream s, whose raw length must lie in [minRaw, maxRaw]. `copies` (for the spill)
     * are the block's segments, which place a Zstandard dictionary.
     */
    const readStream = async (
      s: number,
      minRaw: number,
      maxRaw: number,
      copies?: SegmentsForDictionary,
      decoding?: () => void,
    ): Promise<Uint8Array> => {
      const name = STREAM_NAMES[s]!;
      const at = rd.pos;
      const swhere = `${where}, ${name} stream at byte ${at}`;
      const rawLen = await rd.varint(() => `${swhere}: raw length`);
      if (rawLen < minRaw || rawLen > maxRaw) {
        fail('PFSC_PBB_CORRUPT', minRaw === maxRaw
          ? `${swhere}: raw length ${rawLen}, must be ${minRaw}`
          : `${swhere}: raw length ${rawLen} is not in [${minRaw}, ${maxRaw}]`);
      }
      if (rawLen === 0) {
        streams.push({ name, rawBytes: 0, codedBytes: rd.pos - at, coding: 'stored' });
        return new Uint8Array(0);
      }
      const coding = await rd.varint(() => `${swhere}: coding`);
      if (coding === 0) {
        const raw = await rd.bytes(rawLen, () => `${swhere}: stored data`);
        streams.push({ name, rawBytes: rawLen, codedBytes: rd.pos - at, coding: 'stored' });
        return raw;
      }
      const method = coding % 4;
      const coded = Math.floor(coding / 4);
      const spillMethod = copies !== undefined && (method === METHOD_ZSTD || (method === METHOD_FILTERED && header.version >= 3));
      if (method !== METHOD_LZMA2 && !spillMethod) {
        fail('PFSC_PBB_CORRUPT', `${swhere}: coding method ${method} is not allowed here`);
      }
      if (coded === 0 || coded >= rawLen) fail('PFSC_PBB_CORRUPT', `${swhere}: coded size ${coded} is not in [1, ${rawLen - 1}] (below the raw length)`);
      if (method === METHOD_LZMA2) {
        const data = await rd.bytes(coded, () => `${swhere}: LZMA2 data`);
        const raw = await decodeLzma2Async(data, rawLen, swhere, options.lzma2, decoding);
        streams.push({ name, rawBytes: rawLen, codedBytes: rd.pos - at, coding: 'lzma2' });
        return raw;
      }
      if (method === METHOD_FILTERED) {
        const { filter, ranges } = await readFilterFields((what) => rd.varint(() => `${swhere}: ${what}`), outLength, swhere);
        const data = await rd.bytes(coded, () => `${swhere}: LZMA2 data`);
        const raw = await decodeLzma2Async(data, rawLen, swhere, options.lzma2, decoding);
        filterSpill(raw, copies!, ranges, filter, done, 'decode');
        streams.push({ name, rawBytes: rawLen, codedBytes: rd.pos - at, coding: 'filtered', filter: filter.name });
        return raw;
      }
      const back = await rd.varint(() => `${swhere}: dictionary back`);
      const dictLength = await rd.varint(() => `${swhere}: dictionary length`);
      if (dictLength > ZSTD_MAX_DICT) fail('PFSC_PBB_CORRUPT', `${swhere}: dictionary length ${dictLength} is above ${ZSTD_MAX_DICT}`);
      const data = await rd.bytes(coded, () => `${swhere}: Zstandard data`);
      streams.push({ name, rawBytes: rawLen, codedBytes: rd.pos - at, coding: 'zstd' });
      if (blob === undefined) {
        spillDecoded = false;
        return new Uint8Array(rawLen);
      }
      const end = lastCopyEnd(copies!, blob.size);
      const start = end - back - dictLength;
      if (start < 0) {
        fail('PFSC_PBB_CORRUPT', `${swhere}: dictionary of ${dictLength} bytes ending ${back} before the last copy end ${end} starts before the blob`);
      }
      const dict = dictLength === 0 ? new Uint8Array(0) : await blob.read(start, dictLength);
      return decodeZstd(data, dict, rawLen, swhere);
    };

    /** A modeled block's segments: one range-coded piece of data. */
    const readModeled = async (): Promise<DecodedSegments> => {
      const at = rd.pos;
      const swhere = `${where}, segments at byte ${at}`;
      const size = await rd.varint(() => `${swhere}: size`);
      const maxSize = count * (extended ? MAX_MODELED_BYTES_PER_SEGMENT_EXTENDED : MAX_MODELED_BYTES_PER_SEGMENT) + 8;
      if (size > maxSize) fail('PFSC_PBB_CORRUPT', `${swhere}: size ${size} is more than ${maxSize} for ${count} segments`);
      const data = await rd.bytes(size, () => `${swhere}: data`);
      const state = { diagonal, position: done };
      const seg = decodeModeledSegments(data, count, outLength, state, where, { extended, transforms });
      diagonal = state.diagonal;
      streams.push({ name: 'segments', rawBytes: count, codedBytes: rd.pos - at, coding: 'range' });
      return seg;
    };

    /** A streams block's segments: the ops, lengths, offsets and immediates streams. */
    const readFiveStreams = async (): Promise<DecodedSegments> => {
      // ops
      const op = await readStream(0, count, count);
      let copies = 0;
      let imms = 0;
      let diffBytes = 0;
      for (let i = 0; i < count; i++) {
        const o = op[i]!;
        if (!opAllowed(o)) {
          fail('PFSC_PBB_CORRUPT', `${where}: segment ${i} has op code ${o}, not defined${extended ? '' : ' in a block without extended ops'}`);
        }
        if (o !== OP_LITERAL) {
          copies++;
          if (opHasImmediate(o)) imms++;
          else if (o >= OP_TRANSFORM) imms += transforms[o - OP_TRANSFORM]!.immCount;
        }
      }

      // lengths
      const lengthsRaw = await readStream(1, count, count * MAX_LENGTH_VARINT_BYTES);
      const len = new Uint32Array(count);
      let literalBytes = 0;
      {
        let i = 0;
        const what = (): string => `${where}: lengths stream, segment ${i}`;
        cur.pos = 0;
        let sum = 0;
        for (; i < count; i++) {
          const l = readVarint(lengthsRaw, cur, lengthsRaw.length, what);
          if (l < 0) fail('PFSC_PBB_CORRUPT', `${where}: lengths stream ends after ${i} of ${count} lengths`);
          if (l === 0) fail('PFSC_PBB_CORRUPT', `${what()}: length is 0`);
          sum += l;
          if (sum > outLength) fail('PFSC_PBB_CORRUPT', `${what()}: lengths pass the block's output length ${outLength}`);
          len[i] = l;
          if (op[i] === OP_LITERAL) literalBytes += l;
          else if (op[i] === OP_COPY_DIFF) diffBytes += l;
        }
        if (cur.pos !== lengthsRaw.length) {
          fail('PFSC_PBB_CORRUPT', `${where}: lengths stream has ${lengthsRaw.length - cur.pos} bytes left after ${count} lengths`);
        }
        if (sum !== outLength) fail('PFSC_PBB_CORRUPT', `${where}: lengths sum to ${sum}, the block's output length is ${outLength}`);
      }

      // offsets
      const offsetsRaw = await readStream(2, copies, copies * MAX_VARINT_BYTES);
      const off = new Float64Array(count);
      {
        let i = 0;
        const what = (): string => `${where}: offsets stream, segment ${i}`;
        cur.pos = 0;
        let pos = done; // output position of segment i in the file
        for (; i < count; pos += len[i]!, i++) {
          if (op[i] === OP_LITERAL) continue;
          const z = readVarint(offsetsRaw, cur, offsetsRaw.length, what);
          if (z < 0) fail('PFSC_PBB_CORRUPT', `${where}: offsets stream ends before segment ${i}`);
          const o = pos + diagonal + zigzagDecode(z);
          if (o < 0) fail('PFSC_PBB_CORRUPT', `${what()}: offset is negative (${o})`);
          const end = o + len[i]!;
          if (end >= MAX_COPY_END) fail('PFSC_PBB_CORRUPT', `${what()}: copy end ${end} is 2^52 or more`);
          off[i] = o;
          diagonal = o - pos;
        }
        if (cur.pos !== offsetsRaw.length) {
          fail('PFSC_PBB_CORRUPT', `${where}: offsets stream has ${offsetsRaw.length - cur.pos} bytes left after ${copies} offsets`);
        }
      }

      // immediates: one byte per xor/add copy, a transform's Imm_Count per transform copy
      const immRaw = await readStream(3, imms, imms);
      const imm = new Uint8Array(count);
      const timm = new Uint8Array(imms);
      let tp = 0;
      for (let i = 0, k = 0; i < count; i++) {
        const o = op[i]!;
        if (opHasImmediate(o)) imm[i] = immRaw[k++]!;
        else if (o >= OP_TRANSFORM) {
          const n = transforms[o - OP_TRANSFORM]!.immCount;
          timm.set(immRaw.subarray(k, k + n), tp);
          k += n;
          tp += n;
        }
      }

      return { count, op, len, off, imm, timm: timm.subarray(0, tp), literalBytes, diffBytes };
    };

    const seg = blockCoding === BLOCK_CODING_MODELED ? await readModeled() : await readFiveStreams();
    if (extended && !seg.op.subarray(0, count).some(isExtendedOp)) {
      fail('PFSC_PBB_CORRUPT', `${where}: the block coding says extended ops (bit 2), but no segment uses one`);
    }
    // onSegments runs as soon as the spill's decoder has started on another thread, so the
    // hook's own work overlaps the decode instead of delaying it. With a decoder on this
    // thread, or a spill that needs none, it runs after the spill is read.
    let told = false;
    const tell = (): void => {
      if (told) return;
      told = true;
      options.onSegments?.({ outLength, count, op: seg.op, len: seg.len, off: seg.off }, b);
    };
    const spill = await readStream(4, seg.literalBytes, seg.literalBytes, seg, tell);
    tell();
    // The Diffs stream is there exactly when the block has COPY_DIFF segments.
    const diffs = seg.diffBytes > 0
      ? decodeSparse(await readStream(5, 0, maxSparseLength(seg.diffBytes)), seg.diffBytes, `${where}, diffs stream`)
      : undefined;
    const timm = seg.timm !== undefined && seg.timm.length > 0 ? seg.timm : undefined;
    yield {
      plan: { outLength, count, op: seg.op, len: seg.len, off: seg.off, imm: seg.imm, spill, diffs, timm },
      streams,
      codedBytes: rd.pos - position,
      position,
      index: b,
      outputStart: done,
      spillDecoded,
    };
    done += outLength;
    b++;
  }
  if (rd.pos !== src.size) {
    fail('PFSC_PBB_CORRUPT', `${src.size - rd.pos} trailing bytes after the last block, from byte ${rd.pos}`);
  }
}

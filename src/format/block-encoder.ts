/**
 * Packs blocks (docs/FORMAT.md, "Block"). One BlockEncoder writes the blocks of one file
 * in order: copy offsets are coded relative to the previous copy's diagonal, carried
 * from block to block.
 */
import {
  METHOD_FILTERED, METHOD_LZMA2, METHOD_ZSTD, BLOCK_CODING_MODELED, BLOCK_CODING_STREAMS, BLOCK_EXTENDED, MAX_BLOCK_OUT_LENGTH, MAX_BLOCK_SEGMENTS, MAX_COPY_END,
  MAX_LENGTH_VARINT_BYTES, MAX_VARINT_BYTES, STREAM_NAMES,
} from './constants.js';
import { fail } from './fail.js';
import { DEFAULT_LZMA_PRESET, encodeLzma2, lzmaPresetOptions } from './lzma2.js';
import { encodeModeledSegments } from './segment-model.js';
import { filterById } from './filters/index.js';
import { encodeSparse } from './sparse.js';
import { chooseBlockFilter, filterFields, filterSpill, type FilterRegion } from './spill-filter.js';
import { encodeZstd, usableDictionary, ZSTD_MAX_DICT } from './zstd.js';
import { OP_COPY_DIFF, OP_LITERAL, OP_TRANSFORM, isExtendedOp, opHasImmediate, type BlockPlan, type StreamStats, type TransformDecl } from './types.js';
import { varintLength, writeVarint, zigzagEncode } from './varint.js';

/**
 * Raw streams shorter than this are always stored: the smallest LZMA2 stream (a 6-byte
 * chunk header, 5 range-coder bytes, the end marker) plus its size varint cannot beat
 * 1 + rawLen below 12 bytes.
 */
const MIN_LZMA2_TRY = 12;
/**
 * Spills shorter than this are not tried with Zstandard: its frame and dictionary fields cost
 * about what it saves, and digesting the dictionary takes time.
 */
const MIN_ZSTD_TRY = 256;
/**
 * Nor spills longer than this: a dictionary gains little on so much new data, where LZMA2
 * usually wins anyway, and zstd's strongest level is slower than LZMA2 on it.
 */
const MAX_ZSTD_TRY = 256 * 1024;

/** Which block codings the encoder tries: both (default; keeps the smaller), or one. */
export type BlockCodingChoice = 'best' | 'streams' | 'modeled';

/** Read access to the blob, for the spill's Zstandard dictionary. */
export interface BlobBytes {
  /** Blob size in bytes (offsets at or past it address earlier output). */
  size: number;
  /**
   * blob[offset, offset + length) as one array. The same range should give the same array
   * object: zstd keeps its digest of a dictionary on it.
   */
  bytes(offset: number, length: number): Uint8Array;
}

export interface BlockEncoderOptions {
  /** liblzma preset for the LZMA2 attempt; default 9 | PRESET_EXTREME. */
  preset?: number;
  coding?: BlockCodingChoice;
  /** With the blob, the spill is also tried with Zstandard and a blob dictionary. */
  blob?: BlobBytes;
  /** The transforms the file's header declares (ops OP_TRANSFORM + index). */
  transforms?: readonly TransformDecl[];
  /**
   * Code in the file's output, sorted by start: the spill's bytes inside it are also tried
   * through its branch-call-jump filter before LZMA2 (docs/FORMAT.md, "Filtered LZMA2 coding").
   */
  filterRegions?: readonly FilterRegion[];
}

/** Spills with fewer filterable bytes than this are not tried filtered: the fields would cost what the filter saves. */
const MIN_FILTERED_TRY = 1024;

/**
 * Most dictionary bytes the encoder uses: zstd digests a dictionary at about 5 MB/s at
 * level 19, so a larger one would cost more time than its few extra matches are worth.
 */
export const SPILL_DICT_BUDGET = 2 * 1024 * 1024;

/**
 * The spill dictionary pfsc picks: the blob bytes the block's copies span, ending at the
 * last copy end (Dict_Back 0), at most SPILL_DICT_BUDGET of them.
 */
export function chooseSpillDictionary(plan: BlockPlan, blob: BlobBytes): SpillDictionary | undefined {
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < plan.count; i++) {
    if (plan.op[i] === OP_LITERAL) continue;
    const f = plan.off[i]!;
    const end = f + plan.len[i]!;
    if (end > blob.size) continue; // a copy from earlier output
    if (f < lo) lo = f;
    if (end > hi) hi = end;
  }
  if (hi === 0) return undefined;
  let start = Math.max(lo, hi - Math.min(SPILL_DICT_BUDGET, ZSTD_MAX_DICT));
  let bytes = blob.bytes(start, hi - start);
  if (!usableDictionary(bytes)) {
    start++;
    bytes = blob.bytes(start, hi - start);
  }
  return { back: 0, bytes };
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

/** The bytes of a stream header: Raw_Size, then (Raw_Size > 0) Coding and any method fields. */
function streamHeader(rawLen: number, coding: number, extra: readonly number[] = []): Uint8Array {
  const fields = [rawLen, coding, ...extra];
  const header = new Uint8Array(fields.reduce((n, v) => n + varintLength(v), 0));
  let p = 0;
  for (const v of fields) p = writeVarint(header, p, v);
  return header;
}

/** A dictionary for the spill: blob bytes ending Dict_Back bytes before the block's last copy end. */
export interface SpillDictionary {
  back: number;
  bytes: Uint8Array;
}

/** The spill through a block's filter: the bytes, and the fields that say how (Filter_ID onwards). */
export interface FilteredSpill {
  fields: number[];
  bytes: Uint8Array;
  filter: string;
}

/**
 * Codes one stream: stored, LZMA2, or for the spill also Zstandard (with a dictionary) and
 * filtered LZMA2 (with `filtered`), whichever takes fewest bytes; stored wins a tie, then
 * LZMA2, then Zstandard.
 */
export async function codeStream(
  name: StreamStats['name'],
  raw: Uint8Array,
  preset: number,
  dictionary?: SpillDictionary,
  filtered?: FilteredSpill,
): Promise<CodedStream> {
  if (raw.length === 0) {
    return { header: Uint8Array.of(0), payload: raw, stats: { name, rawBytes: 0, codedBytes: 1, coding: 'stored' } };
  }
  let best: CodedStream = {
    header: streamHeader(raw.length, 0),
    payload: raw,
    stats: { name, rawBytes: raw.length, codedBytes: 0, coding: 'stored' },
  };
  let bestSize = best.header.length + raw.length;
  const offer = (header: Uint8Array, payload: Uint8Array, coding: StreamStats['coding']): void => {
    const size = header.length + payload.length;
    if (size < bestSize) {
      best = { header, payload, stats: { name, rawBytes: raw.length, codedBytes: 0, coding } };
      bestSize = size;
    }
  };
  if (raw.length >= MIN_LZMA2_TRY) {
    const [packed, packedFiltered] = await Promise.all([encodeLzma2(raw, preset), filtered && encodeLzma2(filtered.bytes, preset)]);
    offer(streamHeader(raw.length, packed.length * 4 + METHOD_LZMA2), packed, 'lzma2');
    if (packedFiltered !== undefined && packedFiltered.length < raw.length) {
      offer(streamHeader(raw.length, packedFiltered.length * 4 + METHOD_FILTERED, filtered!.fields), packedFiltered, 'filtered');
      if (best.stats.coding === 'filtered') best.stats.filter = filtered!.filter;
    }
  }
  if (dictionary !== undefined) {
    const packed = encodeZstd(raw, dictionary.bytes);
    if (packed !== undefined && packed.length > 0) {
      offer(streamHeader(raw.length, packed.length * 4 + METHOD_ZSTD, [dictionary.back, dictionary.bytes.length]), packed, 'zstd');
    }
  }
  best.stats.codedBytes = bestSize;
  return best;
}

/** Segments with an xor/add immediate. */
function countXorAdd(op: Uint8Array, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (opHasImmediate(op[i]!)) n++;
  return n;
}

export class BlockEncoder {
  private readonly preset: number;
  private readonly coding: BlockCodingChoice;
  private readonly blob: BlobBytes | undefined;
  private readonly transforms: readonly TransformDecl[];
  private readonly filterRegions: readonly FilterRegion[];
  /** Diagonal (offset − output position) of the previous copy, and the output position of this block: both carried across blocks. */
  private prevDiagonal = 0;
  private outputPosition = 0;
  private blockIndex = 0;

  constructor(opts: BlockEncoderOptions = {}) {
    this.preset = opts.preset ?? DEFAULT_LZMA_PRESET;
    this.coding = opts.coding ?? 'best';
    this.blob = opts.blob;
    this.transforms = opts.transforms ?? [];
    this.filterRegions = opts.filterRegions ?? [];
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
      const blockStart = this.outputPosition;
      const state = { diagonal: this.prevDiagonal, position: blockStart };
      const { raws, extended } = this.buildStreams(plan);
      const segments = this.coding === 'streams' ? undefined : encodeModeledSegments(plan, state, { extended, transforms: this.transforms });
      const trySpillDictionary = this.blob !== undefined && plan.spill.length >= MIN_ZSTD_TRY && plan.spill.length <= MAX_ZSTD_TRY;
      const dictionary = trySpillDictionary ? chooseSpillDictionary(plan, this.blob!) : undefined;
      const filtered = this.filteredSpill(plan, blockStart);
      return this.codeBlock(plan, raws, segments, dictionary, extended, filtered);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The block's spill through the filter of the code it holds, if it holds enough. */
  private filteredSpill(plan: BlockPlan, blockStart: number): FilteredSpill | undefined {
    if (this.filterRegions.length === 0 || plan.spill.length < MIN_FILTERED_TRY) return undefined;
    const choice = chooseBlockFilter(this.filterRegions, blockStart, plan);
    if (choice === undefined) return undefined;
    const filter = filterById(choice.filter)!;
    const bytes = new Uint8Array(plan.spill);
    if (filterSpill(bytes, plan, choice.ranges, filter, blockStart, 'encode') < MIN_FILTERED_TRY) return undefined;
    return { fields: filterFields(choice), bytes, filter: filter.name };
  }

  private buildStreams(plan: BlockPlan): { raws: Uint8Array[]; extended: boolean } {
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
    const timm = plan.timm ?? new Uint8Array(0);
    let copies = 0;
    let imms = 0;
    let literalBytes = 0;
    let diffBytes = 0;
    let extended = false;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const o = op[i]!;
      const l = len[i]!;
      if (o > OP_COPY_DIFF && !(o >= OP_TRANSFORM && o - OP_TRANSFORM < this.transforms.length)) bad(`segment ${i} has unknown op ${o}`);
      if (isExtendedOp(o)) extended = true;
      if (o === OP_COPY_DIFF) diffBytes += l;
      else if (o >= OP_TRANSFORM) imms += this.transforms[o - OP_TRANSFORM]!.immCount;
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
    const diffs = plan.diffs ?? new Uint8Array(0);
    if (diffs.length !== diffBytes) bad(`diffs hold ${diffs.length} bytes, COPY_DIFF segments need ${diffBytes}`);
    const transformImms = imms - countXorAdd(op, count);
    if (timm.length !== transformImms) bad(`timm holds ${timm.length} bytes, transform segments need ${transformImms}`);

    const ops = op.slice(0, count);
    const lengths = new Uint8Array(count * MAX_LENGTH_VARINT_BYTES);
    const offsets = new Uint8Array(copies * MAX_VARINT_BYTES);
    const immediates = new Uint8Array(imms);
    let lp = 0;
    let fp = 0;
    let ip = 0;
    let tp = 0;
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
        else if (o >= OP_TRANSFORM) {
          const n = this.transforms[o - OP_TRANSFORM]!.immCount;
          immediates.set(timm.subarray(tp, tp + n), ip);
          ip += n;
          tp += n;
        }
      }
      pos += l;
    }
    this.prevDiagonal = diagonal;
    this.outputPosition = pos;
    this.blockIndex++;
    const raws = [ops, lengths.subarray(0, lp), offsets.subarray(0, fp), immediates, plan.spill];
    if (diffs.length > 0) raws.push(encodeSparse(diffs));
    return { raws, extended };
  }

  /**
   * Codes the block both ways (unless told one) and keeps the smaller: the five streams, or
   * the range-coded segments followed by the spill stream. Streams win a tie.
   */
  private async codeBlock(
    plan: BlockPlan,
    raws: Uint8Array[],
    segments: Uint8Array | undefined,
    dictionary: SpillDictionary | undefined,
    extended: boolean,
    filtered: FilteredSpill | undefined,
  ): Promise<EncodedBlock> {
    const { outLength, count } = plan;
    const spillIndex = STREAM_NAMES.indexOf('spill');
    const diffsIndex = STREAM_NAMES.indexOf('diffs');
    const wantStreams = this.coding !== 'modeled';
    const coded = await Promise.all(
      raws.map((raw, i) =>
        i === spillIndex
          ? codeStream('spill', raw, this.preset, dictionary, filtered)
          : wantStreams || i === diffsIndex ? codeStream(STREAM_NAMES[i]!, raw, this.preset) : undefined),
    );
    const spill = coded[spillIndex]!;
    // The Diffs stream follows the spill in both codings, when the block has any.
    const tail: CodedStream[] = [spill, ...(coded[diffsIndex] !== undefined ? [coded[diffsIndex]!] : [])];
    let parts: CodedStream[] = coded.filter((c): c is CodedStream => c !== undefined);
    let coding = BLOCK_CODING_STREAMS;
    if (segments !== undefined) {
      const header = new Uint8Array(varintLength(segments.length));
      writeVarint(header, 0, segments.length);
      const modeled: CodedStream = {
        header,
        payload: segments,
        stats: { name: 'segments', rawBytes: count, codedBytes: header.length + segments.length, coding: 'range' },
      };
      const streamsSize = wantStreams ? parts.reduce((s, c) => s + c.stats.codedBytes, 0) : Infinity;
      const tailSize = tail.reduce((s, c) => s + c.stats.codedBytes, 0);
      if (modeled.stats.codedBytes + tailSize < streamsSize) {
        parts = [modeled, ...tail];
        coding = BLOCK_CODING_MODELED;
      }
    }
    let size = varintLength(outLength) + varintLength(count) + 1;
    for (const c of parts) size += c.header.length + c.payload.length;
    const bytes = new Uint8Array(size);
    let p = writeVarint(bytes, writeVarint(bytes, 0, outLength), count);
    bytes[p++] = coding | (extended ? BLOCK_EXTENDED : 0);
    for (const c of parts) {
      bytes.set(c.header, p);
      p += c.header.length;
      bytes.set(c.payload, p);
      p += c.payload.length;
    }
    return { bytes, streams: parts.map((c) => c.stats) };
  }
}

/**
 * Reads a whole blueprint without a blob and summarizes it for `pfsc inspect`: streams,
 * segment counts, spill, and where each part of the output comes from (copy runs, merged
 * where they continue each other, so memory stays bounded).
 */
import { readBlocks, type DecodeLimits, type DecodedBlock } from '../format/block-decoder.js';
import { ALL_STREAM_NAMES } from '../format/constants.js';
import { readHeader } from '../format/header.js';
import type { ByteSource } from '../format/source.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_DIFF, OP_COPY_XOR, OP_LITERAL, type PbbHeader, type StreamStats } from '../format/types.js';
import { spillDecoders } from './spill-decoders.js';

/** A stretch of output copied from consecutive blob bytes with one op. */
export interface CopyRun {
  /** Output position of the first byte. */
  start: number;
  length: number;
  /** Blob offset of the first byte. */
  offset: number;
  /** OP_COPY, OP_COPY_XOR, OP_COPY_ADD, OP_COPY_DIFF, or a transform's op. */
  op: number;
}

export interface SegmentCounts {
  copy: number;
  copyXor: number;
  copyAdd: number;
  /** COPY_DIFF: copies with a difference byte per output byte. */
  copyDiff: number;
  /** Copies through a plugin's transform. */
  copyTransform: number;
  literal: number;
}

type SegmentKey = keyof SegmentCounts;

function keyOf(op: number): SegmentKey {
  if (op === OP_LITERAL) return 'literal';
  if (op === OP_COPY) return 'copy';
  if (op === OP_COPY_XOR) return 'copyXor';
  if (op === OP_COPY_ADD) return 'copyAdd';
  if (op === OP_COPY_DIFF) return 'copyDiff';
  return 'copyTransform';
}

export interface ScanOptions {
  limits?: DecodeLimits;
  /** Most copy runs kept in the result (default 100,000); onCopy still sees all. */
  maxCopies?: number;
  /** Called for every merged copy run, in output order. */
  onCopy?(run: CopyRun): void;
  /** Called for every decoded block (e.g. to count bytes per bank against a local blob). */
  onBlock?(block: DecodedBlock): void;
}

export interface BlueprintScan {
  header: PbbHeader;
  headerLength: number;
  /** Size of the blueprint in bytes. */
  pbbBytes: number;
  outputLength: number;
  blocks: number;
  /**
   * One entry per stream name, summed over blocks ('segments' counts segments of modeled
   * blocks). `coding` is the last coding other than 'stored' that the stream had in a block.
   */
  streams: StreamStats[];
  /** Segments per op. */
  segments: SegmentCounts;
  /** Output bytes per op (literal = spill bytes). */
  bytes: SegmentCounts;
  spillBytes: number;
  /** Merged copy runs in output order (the first maxCopies of them); gaps are spill. */
  copies: CopyRun[];
  /** False when there were more runs than maxCopies. */
  copiesComplete: boolean;
  /** Number of merged copy runs in the whole blueprint. */
  copyRuns: number;
}

/** Decodes every block of `src` (without executing it) and returns the summary. */
export async function scanBlueprint(src: ByteSource, opts: ScanOptions = {}): Promise<BlueprintScan> {
  const { header, length: headerLength } = await readHeader(src);
  const maxCopies = opts.maxCopies ?? 100_000;
  const streams: StreamStats[] = ALL_STREAM_NAMES.map((name) => ({ name, rawBytes: 0, codedBytes: 0, coding: 'stored' }));
  const segments: SegmentCounts = { copy: 0, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 0 };
  const bytes: SegmentCounts = { copy: 0, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 0 };
  const copies: CopyRun[] = [];
  let copyRuns = 0;
  let run: CopyRun | undefined;
  const close = (): void => {
    if (run === undefined) return;
    copyRuns++;
    if (copies.length < maxCopies) copies.push(run);
    opts.onCopy?.(run);
    run = undefined;
  };
  let blocks = 0;
  for await (const block of readBlocks(src, header, headerLength, opts.limits, undefined, spillDecoders())) {
    opts.onBlock?.(block);
    blocks++;
    for (const s of block.streams) {
      const t = streams.find((x) => x.name === s.name)!;
      t.rawBytes += s.rawBytes;
      t.codedBytes += s.codedBytes;
      if (s.coding !== 'stored') t.coding = s.coding;
      if (s.filter !== undefined) t.filter = s.filter;
    }
    const { count, op, len, off } = block.plan;
    let pos = block.outputStart;
    for (let i = 0; i < count; i++) {
      const o = op[i]!;
      const l = len[i]!;
      const key = keyOf(o);
      segments[key]++;
      bytes[key] += l;
      if (o === OP_LITERAL) {
        close();
      } else {
        const f = off[i]!;
        if (run !== undefined && run.op === o && run.start + run.length === pos && run.offset + run.length === f) {
          run.length += l;
        } else {
          close();
          run = { start: pos, length: l, offset: f, op: o };
        }
      }
      pos += l;
    }
  }
  close();
  return {
    header,
    headerLength,
    pbbBytes: src.size,
    outputLength: header.outputLength,
    blocks,
    streams,
    segments,
    bytes,
    spillBytes: bytes.literal,
    copies,
    copiesComplete: copyRuns <= maxCopies,
    copyRuns,
  };
}

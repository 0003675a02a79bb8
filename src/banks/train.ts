/**
 * Trained banks (docs/BANKS.md, section 12): a bank file made from sample files, whose
 * output holds the samples' useful content for a copier (pfsc's planner, or any LZ-style
 * coder given the bytes as a dictionary) to copy from when it codes files like them.
 *
 *     trainBank(samples, options) → { text, bytes, samples, ... }
 *
 * 1. Samples whose SHA-256 equals an earlier one's are left out; the header's `samples` lists
 *    the digests of the others, in the order given.
 * 2. The samples are read in order, and every substring of at least `minMatch` bytes that the
 *    bank already holds is dropped (train-dedupe.ts): what is left are pieces, each a range
 *    of one sample.
 * 3. If the pieces fit the budget (`maxSize` bytes, and the bank language's limit on the
 *    text), all are kept. Otherwise segments of them are chosen by how many samples share
 *    their d-mers (train-cover.ts) until the budget is used.
 * 4. The pieces are ordered (`order`), and written as string or hex-string literals,
 *    whichever is shorter for each run (train-text.ts).
 *
 * No clock, randomness, locale or engine table is read, every tie has a fixed break, and the
 * numbers are integers (the scores per cost are IEEE-754 quotients, the same everywhere): the
 * same samples in the same order, with the same options, give the same text on every machine.
 */
import { createHash } from 'node:crypto';
import { PfscError } from '../errors.js';
import { compileBank } from './compile.js';
import { MAX_BANK_OUTPUT, MAX_BANK_TEXT, MAX_SAMPLES } from './limits.js';
import { coverSelect } from './train-cover.js';
import { dedupeSamples, type Piece } from './train-dedupe.js';
import { pieceTextLength, TextBytes, writePiece } from './train-text.js';

/** Default budget: 64 MiB of output (the text limit, MAX_BANK_TEXT, binds long before it). */
export const DEFAULT_TRAIN_SIZE = 64 * 2 ** 20;
/** Default shortest repeat dropped: 512 bytes. */
export const DEFAULT_MIN_MATCH = 512;
/** Shortest and longest minMatch. */
export const MIN_MIN_MATCH = 16;
export const MAX_MIN_MATCH = 65536;
/** Most bytes of samples read: 2 GiB - 1 (positions are 32-bit). */
export const MAX_TRAIN_INPUT = 2 ** 31 - 1;

/**
 * How the pieces are ordered in the bank:
 * - `shared-last`: by how many samples use each piece, fewest first, so the most shared
 *   pieces end the bank (nearest to what an LZ coder codes after it); ties in sample order.
 * - `shared-first`: the reverse (most shared first), ties in sample order.
 * - `input`: in sample order.
 */
export type TrainOrder = 'shared-last' | 'shared-first' | 'input';
export const TRAIN_ORDERS: readonly TrainOrder[] = ['shared-last', 'shared-first', 'input'];
export const DEFAULT_TRAIN_ORDER: TrainOrder = 'shared-first';

export interface TrainOptions {
  /** Most bytes of output, 1 to MAX_BANK_OUTPUT; default DEFAULT_TRAIN_SIZE. */
  maxSize?: number;
  /** Shortest repeat of the bank's bytes that is dropped, MIN_MIN_MATCH to MAX_MIN_MATCH; default DEFAULT_MIN_MATCH. */
  minMatch?: number;
  /** Piece order; default DEFAULT_TRAIN_ORDER. */
  order?: TrainOrder;
}

export interface TrainedBank {
  /** The bank file. */
  text: string;
  /** Its output: what compileBank(text) makes. */
  bytes: Uint8Array;
  /** The header's `samples`: the distinct samples' SHA-256 digests (lowercase hex), in order. */
  samples: string[];
  /** Samples given, duplicates included. */
  samplesGiven: number;
  /** Bytes of the samples given, duplicates included. */
  bytesIn: number;
  /** Bytes left after the redundant ones were dropped (before the budget). */
  bytesDistinct: number;
  /** Pieces of the body: ranges of one sample each, written one after another. */
  pieces: number;
  /** True when the pieces did not fit and segments were chosen by their d-mers. */
  selected: boolean;
  /** The budget applied: bytes of output, and bytes of text for the body. */
  budget: { bytes: number; text: number };
}

function usage(message: string, hint?: string): PfscError {
  return new PfscError('PFSC_USAGE', message, hint === undefined ? {} : { hint });
}

function integerIn(value: number | undefined, fallback: number, lo: number, hi: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw usage(`${what} must be an integer from ${lo} to ${hi}, got ${String(v)}`);
  return v;
}

/** True when the bytes are UTF-8 text: no NUL or control bytes other than tab, line feed, carriage return. */
function isText(bytes: Uint8Array): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The header: version, what made it, content kind, size and the samples. */
function headerText(samples: readonly string[], given: number, bytesIn: number, size: number, pieces: number, content: 'text' | 'data'): string {
  return (
    'bank 1\n' +
    `# trained by pfsc bank train: samples ${given}, bytes in ${bytesIn}, bytes out ${size}, pieces ${pieces}\n` +
    `content ${content}\n` +
    `size ${size}\n` +
    'samples\n' +
    samples.map((d) => `  ${d}\n`).join('') +
    '\n'
  );
}

/** The header's length for a size and piece count of at most these many digits (an upper bound). */
function headerBound(samples: readonly string[], given: number, bytesIn: number): number {
  return Buffer.byteLength(headerText(samples, given, bytesIn, MAX_BANK_OUTPUT, 2 ** 31, 'data'));
}

interface Range {
  start: number;
  end: number;
  /** Sort key: how many samples use it (higher: more shared). */
  shared: number;
  /** Tie-break: its place in sample order. */
  index: number;
  /** The order it was chosen in (its place in sample order when all pieces fit). */
  rank: number;
  /** Bytes of text it takes. */
  text: number;
}

function ordered(ranges: Range[], order: TrainOrder): Range[] {
  if (order === 'input') return ranges;
  const sign = order === 'shared-last' ? 1 : -1;
  return [...ranges].sort((a, b) => sign * (a.shared - b.shared) || a.index - b.index);
}

/**
 * Trains a bank on the samples, in the order given. Throws PFSC_USAGE for bad options, no
 * bytes to train on, more than MAX_SAMPLES distinct samples or more than MAX_TRAIN_INPUT bytes.
 */
export function trainBank(samples: readonly Uint8Array[], options: TrainOptions = {}): TrainedBank {
  const maxSize = integerIn(options.maxSize, DEFAULT_TRAIN_SIZE, 1, MAX_BANK_OUTPUT, 'the bank size');
  const minMatch = integerIn(options.minMatch, DEFAULT_MIN_MATCH, MIN_MIN_MATCH, MAX_MIN_MATCH, 'the shortest dropped repeat');
  const order = options.order ?? DEFAULT_TRAIN_ORDER;
  if (!TRAIN_ORDERS.includes(order)) throw usage(`the order must be one of ${TRAIN_ORDERS.join(', ')}, got ${String(order)}`);
  if (samples.length === 0) throw usage('no samples to train on');

  // 1. Distinct samples, end to end in one array.
  const digests: string[] = [];
  const seen = new Set<string>();
  const kept: Uint8Array[] = [];
  let bytesIn = 0;
  for (const s of samples) {
    bytesIn += s.length;
    if (bytesIn > MAX_TRAIN_INPUT) throw usage(`the samples hold more than ${MAX_TRAIN_INPUT} bytes; a bank is trained on at most that`, 'Train on fewer or smaller samples.');
    const d = createHash('sha256').update(s).digest('hex');
    if (seen.has(d)) continue;
    seen.add(d);
    digests.push(d);
    kept.push(s);
  }
  if (digests.length > MAX_SAMPLES) {
    throw usage(`${digests.length} distinct samples given; a bank lists at most ${MAX_SAMPLES}`, 'Train on fewer samples, or join small ones into larger files first.');
  }
  const bounds = [0];
  for (const s of kept) bounds.push((bounds[bounds.length - 1] as number) + s.length);
  const total = bounds[bounds.length - 1] as number;
  if (total === 0) throw usage('the samples hold no bytes; a bank needs at least one', 'Give at least one sample that is not empty.');
  const all = new Uint8Array(total);
  kept.forEach((s, i) => all.set(s, bounds[i] as number));

  // 2. Without repeats.
  const pieces = dedupeSamples(all, bounds, minMatch);
  const bytesDistinct = pieces.reduce((n, p) => n + (p.end - p.start), 0);
  const textOf = (start: number, end: number): number => pieceTextLength(all, start, end);

  // 3. Within the budget. Every byte takes at least one byte of text, so the pieces' text is
  // only measured when their bytes fit.
  const budget = { bytes: maxSize, text: MAX_BANK_TEXT - headerBound(digests, samples.length, bytesIn) };
  if (budget.text <= 0) throw usage(`the header of ${digests.length} sample digests leaves no room for the bank's bytes`, 'Train on fewer samples.');
  const fits =
    bytesDistinct <= budget.bytes && bytesDistinct <= budget.text && pieces.reduce((n, p) => n + textOf(p.start, p.end), 0) <= budget.text;
  let ranges: Range[];
  if (fits) {
    ranges = pieces.map((p: Piece, i) => ({ start: p.start, end: p.end, shared: p.uses, index: i, rank: i, text: 0 }));
  } else {
    ranges = coverSelect(all, bounds, pieces, budget, textOf).map((c, i) => ({
      start: c.start,
      end: c.end,
      shared: (pieces[c.piece] as Piece).uses,
      index: i,
      rank: c.rank,
      text: 0,
    }));
  }

  // 4. Each range is a piece of its own in the text, so the body's text is the sum of theirs.
  // Segments merged into one range can take a little more text than they did apart: the
  // ranges chosen last are dropped until it fits.
  let text = 0;
  for (const r of ranges) {
    r.text = textOf(r.start, r.end);
    text += r.text;
  }
  if (text > budget.text) {
    const byRank = [...ranges].sort((a, b) => b.rank - a.rank);
    const dropped = new Set<Range>();
    for (const r of byRank) {
      if (text <= budget.text) break;
      dropped.add(r);
      text -= r.text;
    }
    ranges = ranges.filter((r) => !dropped.has(r));
  }
  const list = ordered(ranges, order);
  const size = list.reduce((n, r) => n + (r.end - r.start), 0);
  if (size === 0) throw new PfscError('PFSC_INTERNAL', 'the trained bank has no bytes');
  const bytes = new Uint8Array(size);
  const body = new TextBytes();
  let at = 0;
  for (const r of list) {
    bytes.set(all.subarray(r.start, r.end), at);
    at += r.end - r.start;
    writePiece(body, all, r.start, r.end);
  }
  const bankText = headerText(digests, samples.length, bytesIn, size, list.length, isText(bytes) ? 'text' : 'data') + body.toString();
  if (Buffer.byteLength(bankText) > MAX_BANK_TEXT) throw new PfscError('PFSC_INTERNAL', 'the trained bank text is over the limit');
  const check = compileBank(bankText, { limit: MAX_BANK_OUTPUT });
  if (!Buffer.from(check.buffer, check.byteOffset, check.length).equals(bytes)) {
    throw new PfscError('PFSC_INTERNAL', 'the trained bank text does not compile to the chosen bytes');
  }
  return { text: bankText, bytes, samples: digests, samplesGiven: samples.length, bytesIn, bytesDistinct, pieces: list.length, selected: !fits, budget };
}

/**
 * The first step of training a bank (docs/BANKS.md, section 12): the samples' bytes
 * without what is redundant. The samples are read in order; a substring of at least
 * `minMatch` bytes that a kept piece already holds is dropped, and the bytes between such
 * substrings are kept as pieces. A hash table of k-grams finds them: the k-grams at every
 * step-th byte of each kept piece go into it, and every position of a sample is looked up,
 * so every repeat of at least k + step - 1 = minMatch bytes is found.
 *
 * The pieces are ranges of one array holding every sample end to end. A dropped substring
 * lies inside one kept piece (never across two), so any order of the pieces still holds it.
 */

/** A kept range of the samples' bytes. */
export interface Piece {
  /** Range in the samples' array, [start, end). */
  start: number;
  end: number;
  /** The sample it comes from (an index into the samples). */
  sample: number;
  /** Samples that hold a substring of it: its own, plus each later one a repeat was dropped from. */
  uses: number;
  /** Bytes of later samples dropped as repeats of it. */
  reused: number;
}

/** Buckets of this many entries; a full bucket forgets its oldest. */
const SLOTS = 4;
const EMPTY = -1;
/** The multiplier of the k-grams' polynomial hash (mod 2^32). */
const PRIME = 0x01000193;
const MIX = 0x9e3779b1;

/**
 * The k-gram length and the sampling step for a shortest repeat of minMatch bytes (at least
 * 16): k + step - 1 = minMatch, so every such repeat holds an indexed k-gram. A wide step
 * keeps the table small and makes a long repeat found once per step bytes, not at every byte.
 */
export function kgramShape(minMatch: number): { k: number; step: number } {
  const k = Math.min(24, minMatch - 8);
  return { k, step: minMatch - k + 1 };
}

/** Positions by k-gram hash, each with its full hash so that a probe reads the samples only on a likely match. */
class KgramTable {
  readonly pos: Int32Array;
  readonly hash: Int32Array;
  readonly shift: number;

  constructor(entries: number) {
    let bits = 10;
    while (bits < 22 && (1 << bits) * SLOTS < entries * 4) bits++;
    this.shift = 32 - bits;
    this.pos = new Int32Array((1 << bits) * SLOTS).fill(EMPTY);
    this.hash = new Int32Array((1 << bits) * SLOTS);
  }

  bucket(hash: number): number {
    return (Math.imul(hash, MIX) >>> this.shift) * SLOTS;
  }

  /** Adds a position to its bucket, newest first. */
  insert(hash: number, pos: number): void {
    const b = this.bucket(hash);
    const p = this.pos;
    const h = this.hash;
    for (let j = SLOTS - 1; j > 0; j--) {
      p[b + j] = p[b + j - 1] as number;
      h[b + j] = h[b + j - 1] as number;
    }
    p[b] = pos;
    h[b] = hash;
  }
}

function hashAt(all: Uint8Array, pos: number, k: number): number {
  let h = 0;
  for (let j = 0; j < k; j++) h = (Math.imul(h, PRIME) + (all[pos + j] as number)) | 0;
  return h;
}

/** The piece of `pieces` (sorted by start, `starts` their starts) holding position q, or -1. */
function pieceAt(pieces: readonly Piece[], starts: Int32Array, count: number, q: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] as number) <= q) lo = mid + 1;
    else hi = mid - 1;
  }
  if (hi < 0) return -1;
  return q < (pieces[hi] as Piece).end ? hi : -1;
}

/**
 * Splits the samples (sample s is all[bounds[s], bounds[s + 1])) into kept pieces, in sample
 * order, dropping every substring of at least minMatch bytes that an earlier kept piece, or
 * the sample's own earlier kept bytes, already hold.
 */
export function dedupeSamples(all: Uint8Array, bounds: readonly number[], minMatch: number): Piece[] {
  const { k, step } = kgramShape(minMatch);
  const total = bounds[bounds.length - 1] as number;
  const table = new KgramTable(Math.ceil(total / step));
  const tpos = table.pos;
  const thash = table.hash;
  // PRIME^(k-1), to roll the hash one byte on.
  let top = 1;
  for (let j = 1; j < k; j++) top = Math.imul(top, PRIME);

  const pieces: Piece[] = [];
  let starts = new Int32Array(1024);
  // The last sample counted as a user of each piece, so that each counts once.
  const lastUser: number[] = [];
  /** Keeps input [start, end) of sample s as a new piece, used once. */
  const addPiece = (start: number, end: number, s: number): void => {
    if (pieces.length === starts.length) {
      const grown = new Int32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[pieces.length] = start;
    lastUser.push(s);
    pieces.push({ start, end, sample: s, uses: 1, reused: 0 });
  };

  for (let s = 0; s + 1 < bounds.length; s++) {
    const end = bounds[s + 1] as number;
    let pend = bounds[s] as number; // start of the kept run in progress
    let i = pend;
    let hash = 0;
    let hashed = -2; // the position `hash` is the k-gram hash of (none yet: i - 1 >= -1)
    let nextIndexed = pend + k; // where the run's next k-gram to index ends (pend + j * step + k)
    while (i < end) {
      if (i + k <= end) {
        if (hashed === i - 1) hash = (Math.imul((hash - Math.imul(all[i - 1] as number, top)) | 0, PRIME) + (all[i + k - 1] as number)) | 0;
        else hash = hashAt(all, i, k);
        hashed = i;
        // The longest repeat through i among the bucket's positions.
        let bestLen = 0;
        let bestBack = 0;
        let bestPiece = -1;
        const b = table.bucket(hash);
        for (let j = 0; j < SLOTS; j++) {
          const q = tpos[b + j] as number;
          if (q === EMPTY) break;
          if (thash[b + j] !== hash) continue;
          let limit: number;
          let floor: number;
          let piece: number;
          if (q >= pend) {
            // In the run in progress: the repeat must end before i, and is not extended back.
            limit = i;
            floor = q;
            piece = -1;
          } else {
            piece = pieceAt(pieces, starts, pieces.length, q);
            if (piece < 0) continue;
            limit = (pieces[piece] as Piece).end;
            floor = (pieces[piece] as Piece).start;
          }
          if (q + k > limit) continue;
          let f = 0;
          while (f < k && all[q + f] === all[i + f]) f++;
          if (f < k) continue;
          while (i + f < end && q + f < limit && all[q + f] === all[i + f]) f++;
          let back = 0;
          while (q - back > floor && i - back > pend && all[q - back - 1] === all[i - back - 1]) back++;
          if (f + back > bestLen) {
            bestLen = f + back;
            bestBack = back;
            bestPiece = piece;
          }
        }
        if (bestLen >= minMatch) {
          const to = i - bestBack;
          if (to > pend) addPiece(pend, to, s);
          if (bestPiece >= 0) {
            const p = pieces[bestPiece] as Piece;
            if (lastUser[bestPiece] !== s) {
              p.uses++;
              lastUser[bestPiece] = s;
            }
            p.reused += bestLen;
          }
          i += bestLen - bestBack;
          pend = i;
          nextIndexed = pend + k;
          continue;
        }
      }
      i++;
      // The run in progress now ends at i: index its k-gram that has just become whole.
      if (i === nextIndexed) {
        table.insert(hashAt(all, i - k, k), i - k);
        nextIndexed += step;
      }
    }
    if (end > pend) addPiece(pend, end, s);
  }
  return pieces;
}

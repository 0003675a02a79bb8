/**
 * Bytes written as bank-language literals (docs/BANKS.md, sections 5.1 and 12):
 * each run of a piece is a string or a hex string, whichever is shorter, the runs chosen by
 * a shortest-text search over the piece. The text is built as UTF-8 bytes.
 *
 * Costs, in bytes of text: in a string, a printable ASCII byte is 1 (`"` and `\` are 2:
 * `\"`, `\\`), a line feed, carriage return, tab or NUL is 2 (`\n` `\r` `\t` `\0`), a
 * well-formed UTF-8 character from U+00A0 up is written as itself unless it is invisible or
 * changes how the text around it shows (HIDDEN), and any other byte is 4 (`\xHH`); in a hex
 * string every byte is 2. Opening a literal costs its quotes and the space or line break
 * before it: 3 for a string, 4 for a hex string.
 */

/** Most bytes of text on a line of literals (a literal longer than that continues on the next). */
export const LINE_WIDTH = 120;

/** The quotes of a string and the separator before it. */
const STRING_OPEN = 3;
/** `x` and the quotes of a hex string, and the separator before it. */
const HEX_OPEN = 4;

const HEX = '0123456789abcdef';

/**
 * Characters a string never holds as themselves, as [first, last] code points: C1 controls,
 * the soft hyphen, zero-width and bidirectional formatting characters, line and paragraph
 * separators, the byte order mark, noncharacters, specials and tags. A fixed list, not the
 * Unicode tables of the running engine, so the text does not change with Node's version.
 */
export const HIDDEN: readonly (readonly [number, number])[] = [
  [0x80, 0x9f],
  [0xad, 0xad],
  [0x61c, 0x61c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff0, 0xffff],
  [0xe0000, 0xe0fff],
];

function hidden(cp: number): boolean {
  for (const [lo, hi] of HIDDEN) if (cp >= lo && cp <= hi) return true;
  return false;
}

/**
 * The length of the string-literal unit that starts at bytes[i] (a whole UTF-8 character
 * written as itself, or one byte), and its cost in text bytes, packed as length * 8 + cost.
 */
function stringUnit(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i] as number;
  if (b < 0x80) {
    if (b >= 0x20 && b <= 0x7e) return b === 0x22 || b === 0x5c ? 8 + 2 : 8 + 1;
    return b === 0x0a || b === 0x0d || b === 0x09 || b === 0x00 ? 8 + 2 : 8 + 4;
  }
  const c1 = i + 1 < end ? (bytes[i + 1] as number) : 0;
  if (b >= 0xc2 && b <= 0xdf) {
    if ((c1 & 0xc0) !== 0x80 || hidden(((b & 0x1f) << 6) | (c1 & 0x3f))) return 8 + 4;
    return 2 * 8 + 2;
  }
  const c2 = i + 2 < end ? (bytes[i + 2] as number) : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    if (c1 < lo || c1 > hi || (c2 & 0xc0) !== 0x80) return 8 + 4;
    if (hidden(((b & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f))) return 8 + 4;
    return 3 * 8 + 3;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const c3 = i + 3 < end ? (bytes[i + 3] as number) : 0;
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi || (c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) return 8 + 4;
    if (hidden(((b & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f))) return 8 + 4;
    return 4 * 8 + 4;
  }
  return 8 + 4;
}

/** One literal of a piece: bytes[start, end) as a string or a hex string. */
export interface LiteralRun {
  hex: boolean;
  start: number;
  end: number;
}

// Scratch arrays of literalRuns, grown as needed (a piece can be long; segments are many).
let costS = new Float64Array(0);
let costH = new Float64Array(0);
let fromS = new Uint8Array(0);
let fromH = new Uint8Array(0);
let unitS = new Uint8Array(0);

function scratchFor(n: number): void {
  if (costS.length >= n) return;
  const size = Math.max(n, costS.length * 2, 4096);
  costS = new Float64Array(size);
  costH = new Float64Array(size);
  fromS = new Uint8Array(size);
  fromH = new Uint8Array(size);
  unitS = new Uint8Array(size);
}

/**
 * The runs that write bytes[start, end) in the fewest bytes of text (line breaks aside): a
 * shortest path over the positions, in two states (inside a string, inside a hex string).
 * Ties go to continuing the literal, then to strings, so the result is one fixed choice.
 */
export function literalRuns(bytes: Uint8Array, start: number, end: number): LiteralRun[] {
  const n = end - start;
  if (n <= 0) return [];
  const INF = Number.MAX_SAFE_INTEGER;
  scratchFor(n + 1);
  // costS[k] / costH[k]: least cost of bytes[start, start + k) ending inside a string / hex
  // string. fromS / fromH: how the state was reached: 0 continued, 1 opened after a string,
  // 2 opened after a hex string, 3 opened at the start. unitS: the string unit's length.
  costS.fill(INF, 0, n + 1);
  costH.fill(INF, 0, n + 1);
  for (let k = 0; k < n; k++) {
    const s = costS[k] as number;
    const h = costH[k] as number;
    let best: number;
    let bestFrom: number;
    if (k === 0) {
      best = 0;
      bestFrom = 3;
    } else if (s <= h) {
      best = s;
      bestFrom = 1;
    } else {
      best = h;
      bestFrom = 2;
    }
    const b = bytes[start + k] as number;
    const u = b < 0x80 ? (ASCII_COST[b] as number) + 8 : stringUnit(bytes, start + k, end);
    const len = u >> 3;
    const cost = u & 7;
    const ks = k + len;
    if (s + cost < (costS[ks] as number)) {
      costS[ks] = s + cost;
      fromS[ks] = 0;
      unitS[ks] = len;
    }
    if (best + STRING_OPEN + cost < (costS[ks] as number)) {
      costS[ks] = best + STRING_OPEN + cost;
      fromS[ks] = bestFrom;
      unitS[ks] = len;
    }
    if (h + 2 < (costH[k + 1] as number)) {
      costH[k + 1] = h + 2;
      fromH[k + 1] = 0;
    }
    if (best + HEX_OPEN + 2 < (costH[k + 1] as number)) {
      costH[k + 1] = best + HEX_OPEN + 2;
      fromH[k + 1] = bestFrom;
    }
  }
  // Walk back from the cheaper end state.
  const runs: LiteralRun[] = [];
  let hex = (costH[n] as number) < (costS[n] as number);
  let k = n;
  let runEnd = n;
  while (k > 0) {
    const from = hex ? (fromH[k] as number) : (fromS[k] as number);
    const step = hex ? 1 : (unitS[k] as number);
    k -= step;
    if (from !== 0) {
      runs.push({ hex, start: start + k, end: start + runEnd });
      runEnd = k;
      hex = from === 2;
    }
  }
  return runs.reverse();
}

/** A growable byte buffer for the text. */
export class TextBytes {
  buf = new Uint8Array(1 << 16);
  length = 0;

  /** Makes room for n more bytes. */
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  toString(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.length).toString('utf8');
  }
}

/** Per ASCII byte, its cost in a string: 1 as itself, 2 as a one-letter escape, 4 as \xHH. */
const ASCII_COST = new Uint8Array(128);
/** Per ASCII byte with a one-letter escape, the letter (`n` for a line feed...). */
const ESCAPE_LETTER = new Uint8Array(128);
for (let b = 0; b < 128; b++) ASCII_COST[b] = b >= 0x20 && b <= 0x7e ? 1 : 4;
for (const [b, letter] of [[0x22, '"'], [0x5c, '\\'], [0x0a, 'n'], [0x0d, 'r'], [0x09, 't'], [0x00, '0']] as const) {
  ASCII_COST[b] = 2;
  ESCAPE_LETTER[b] = letter.charCodeAt(0);
}
const HEX_DIGIT = new Uint8Array([...HEX].map((c) => c.charCodeAt(0)));

/**
 * Writes bytes[start, end) as literals into out (or, without out, only counts), starting on
 * a line of its own and ending with a line break: lines of at most LINE_WIDTH bytes of text
 * (a character or escape is never split; a string that reaches the end of a line is closed
 * and another opened on the next, a hex string goes on across the line break). Returns the
 * bytes of text written.
 */
export function writePiece(out: TextBytes | undefined, bytes: Uint8Array, start: number, end: number): number {
  // At most 4 bytes of text per byte, plus the quotes and line breaks around them.
  const bound = 4 * (end - start) + 8 * Math.ceil((end - start) / 16) + 16;
  let buf: Uint8Array | undefined;
  let at = 0;
  if (out !== undefined) {
    out.room(bound);
    buf = out.buf;
    at = out.length;
  }
  const begin = at;
  const put = (b: number): void => {
    if (buf !== undefined) buf[at] = b;
    at++;
  };
  let col = 0;
  for (const run of literalRuns(bytes, start, end)) {
    if (run.hex) {
      if (col > 0 && col + 1 + 5 > LINE_WIDTH) {
        put(0x0a);
        col = 0;
      }
      if (col > 0) {
        put(0x20);
        col++;
      }
      put(0x78);
      put(0x22);
      col += 2;
      for (let i = run.start; i < run.end; i++) {
        if (col + 2 + (i + 1 === run.end ? 1 : 0) > LINE_WIDTH) {
          put(0x0a);
          col = 0;
        }
        const b = bytes[i] as number;
        put(HEX_DIGIT[b >> 4] as number);
        put(HEX_DIGIT[b & 15] as number);
        col += 2;
      }
      put(0x22);
      col++;
      continue;
    }
    let i = run.start;
    let open = false;
    while (i < run.end) {
      const b = bytes[i] as number;
      const u = b < 0x80 ? (ASCII_COST[b] as number) + 8 : stringUnit(bytes, i, end);
      const len = u >> 3;
      const cost = u & 7;
      // The unit must fit with the closing quote (and, when opening, the separator and quote).
      if (col + (open ? 0 : col > 0 ? 2 : 1) + cost + 1 > LINE_WIDTH && (open || col > 0)) {
        if (open) put(0x22);
        put(0x0a);
        col = 0;
        open = false;
      }
      if (!open) {
        if (col > 0) {
          put(0x20);
          col++;
        }
        put(0x22);
        col++;
        open = true;
      }
      if (len > 1 || cost === 1) {
        for (let j = 0; j < len; j++) put(bytes[i + j] as number);
      } else if (cost === 2) {
        put(0x5c);
        put(ESCAPE_LETTER[b] as number);
      } else {
        put(0x5c);
        put(0x78);
        put(HEX_DIGIT[b >> 4] as number);
        put(HEX_DIGIT[b & 15] as number);
      }
      col += cost;
      i += len;
    }
    put(0x22);
    col++;
  }
  if (col > 0) put(0x0a);
  if (out !== undefined) out.length = at;
  return at - begin;
}

/** The bytes of text writePiece makes for bytes[start, end). */
export function pieceTextLength(bytes: Uint8Array, start: number, end: number): number {
  return writePiece(undefined, bytes, start, end);
}

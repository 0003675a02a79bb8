/**
 * Text: a file whose samples are mostly printable UTF-8 is text, all of it.
 * docs/HINTS.md, "Text".
 */
import type { Reader } from './reader.js';
import type { Parsed } from './types.js';

/** Sampled: the first HEAD bytes, and SAMPLE bytes from the middle and from the end. */
const HEAD = 8192;
const SAMPLE = 4096;
/** At least this share of the sampled characters must be printable. */
const PRINTABLE_SHARE = 0.95;

/**
 * Counts characters and printable ones in UTF-8 bytes. A NUL makes the sample binary
 * (returns undefined). Invalid sequences count as unprintable characters; a sequence cut by
 * the sample's ends is skipped. Printable: U+0020 and above except U+007F and the C1
 * controls, and tab, line feed, vertical tab, form feed, carriage return and escape.
 */
export function utf8Census(b: Uint8Array): { chars: number; printable: number } | undefined {
  let chars = 0;
  let printable = 0;
  let i = 0;
  // A sample from inside a file may start in the middle of a character.
  while (i < b.length && i < 3 && (b[i]! & 0xc0) === 0x80) i++;
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0) return undefined;
    if (c < 0x80) {
      chars++;
      if (c >= 0x20 ? c !== 0x7f : c === 9 || c === 10 || c === 11 || c === 12 || c === 13 || c === 27) printable++;
      i++;
      continue;
    }
    const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? (c <= 0xef ? 2 : -1) : c >= 0xc2 ? 1 : -1;
    if (need < 0) {
      chars++;
      i++;
      continue;
    }
    // Cut by the end of the sample: neither counted nor held against it.
    if (i + need >= b.length) break;
    let cp = c & (0x3f >> need);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k]!;
      if ((d & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (d & 0x3f);
    }
    chars++;
    // Overlong, surrogate and out-of-range forms are invalid.
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      if (!(cp >= 0x80 && cp < 0xa0)) printable++;
      i += need + 1;
    } else {
      i++;
    }
  }
  return { chars, printable };
}

/** True when the census of the samples says text. */
export function looksLikeText(samples: readonly Uint8Array[]): boolean {
  let chars = 0;
  let printable = 0;
  for (const s of samples) {
    const c = utf8Census(s);
    if (c === undefined) return false;
    chars += c.chars;
    printable += c.printable;
  }
  return chars > 0 && printable >= PRINTABLE_SHARE * chars;
}

export async function parseText(r: Reader): Promise<Parsed | undefined> {
  if (r.size === 0) return undefined;
  const samples = [await r.upTo(0, HEAD)];
  if (r.size > HEAD + 2 * SAMPLE) {
    samples.push(await r.upTo(Math.floor(r.size / 2), SAMPLE));
    samples.push(await r.upTo(r.size - SAMPLE, SAMPLE));
  } else if (r.size > HEAD) {
    samples.push(await r.upTo(HEAD, r.size - HEAD));
  }
  // A sample the budget could not pay for leaves the question open: not text.
  if (samples.some((s) => s.length === 0)) return undefined;
  if (!looksLikeText(samples)) return undefined;
  return { format: 'text', pieces: [{ start: 0, length: r.size, kind: 'text', name: 'text' }], notes: [] };
}

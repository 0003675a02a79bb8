/**
 * PNG (and APNG): the data of IDAT and fdAT chunks is zlib-compressed image data.
 * docs/HINTS.md, "PNG".
 */
import type { Reader } from './reader.js';
import type { Limits, Parsed, Piece } from './types.js';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IDAT = 0x49444154;
const FDAT = 0x66644154;
const IEND = 0x49454e44;

export async function parsePng(r: Reader, limits: Limits): Promise<Parsed | undefined> {
  const sig = await r.bytes(0, 8);
  if (sig === undefined || !PNG_SIGNATURE.every((b, i) => sig[i] === b)) return undefined;
  const pieces: Piece[] = [];
  const notes: string[] = [];
  // The last chunk, read first so that it is at hand when a limit stops the walk.
  const tail = r.size >= 20 ? await r.fields(r.size - 12, 12, false) : undefined;
  const endsWithIend = tail !== undefined && tail.u32(0) === 0 && tail.u32(4) === IEND;
  let at = 8;
  let inImage = false;
  for (let n = 0; ; n++) {
    if (n >= limits.maxEntries) {
      notes.push(`chunks cut at ${limits.maxEntries} (maxEntries)`);
      break;
    }
    const h = await r.fields(at, 8, false);
    if (h === undefined) {
      if (r.budget.exhausted) notes.push('read budget reached');
      else inImage = false;
      break;
    }
    const length = h.u32(0);
    const type = h.u32(4);
    if (length > 0x7fffffff) {
      notes.push(`chunk at ${at} has an invalid length`);
      inImage = false;
      break;
    }
    if (type === IEND) {
      inImage = false;
      break;
    }
    inImage = type === IDAT || type === FDAT;
    if (inImage && length > 0) pieces.push({ start: at + 8, length: Math.min(length, r.size - at - 8), kind: 'compressed', name: type === IDAT ? 'IDAT' : 'fdAT' });
    at += 12 + length;
    if (at >= r.size) {
      inImage = false;
      break;
    }
  }
  // Stopped by a limit inside the image data: it runs on to the IEND chunk at the end of the file.
  if (inImage && endsWithIend) {
    if (r.size - 12 > at) {
      pieces.push({ start: at, length: r.size - 12 - at, kind: 'compressed', name: 'IDAT (rest)' });
      notes.push('image data after the limit marked up to IEND');
    }
  }
  return { format: 'png', pieces, notes };
}

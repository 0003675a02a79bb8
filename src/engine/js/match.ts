/** Match extension: how many bytes two arrays share forward or backward from a point. */
import { argText, checkBytes } from './range.js';

/** Up to this many bytes are compared one by one before comparing in chunks. */
const QUICK = 24;
const CHUNK = 512;

function asBuffer(a: Uint8Array): Buffer {
  return Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.length);
}

function clampStart(what: string, length: number, at: number): void {
  if (!(Number.isInteger(at) && at >= 0 && at <= length)) throw new RangeError(`${what}: position ${argText(at)} is outside the ${length}-byte array`);
}

/** max limited to room and rounded down; below 0 counts as 0, NaN or a missing max as no limit. */
function clampMax(max: number, room: number): number {
  const m = max < room ? max : room;
  return m > 0 ? Math.floor(m) : 0;
}

/**
 * Length of the match a[ai..] == b[bi..], at most max. Long matches are compared in chunks
 * by Buffer.compare (memcmp), the rest byte by byte.
 */
export function matchForward(a: Uint8Array, ai: number, b: Uint8Array, bi: number, max: number): number {
  checkBytes('matchForward', a, 1);
  checkBytes('matchForward', b, 3);
  clampStart('matchForward', a.length, ai);
  clampStart('matchForward', b.length, bi);
  const m = clampMax(max, Math.min(a.length - ai, b.length - bi));
  let n = 0;
  const quick = Math.min(m, QUICK);
  while (n < quick && a[ai + n] === b[bi + n]) n++;
  if (n < quick || n === m) return n;
  const ab = asBuffer(a);
  const bb = asBuffer(b);
  while (n + CHUNK <= m && ab.compare(bb, bi + n, bi + n + CHUNK, ai + n, ai + n + CHUNK) === 0) n += CHUNK;
  while (n < m && a[ai + n] === b[bi + n]) n++;
  return n;
}

/** Length of the match a[ai-1-j] == b[bi-1-j] for j < n, at most max. */
export function matchBackward(a: Uint8Array, ai: number, b: Uint8Array, bi: number, max: number): number {
  checkBytes('matchBackward', a, 1);
  checkBytes('matchBackward', b, 3);
  clampStart('matchBackward', a.length, ai);
  clampStart('matchBackward', b.length, bi);
  const m = clampMax(max, Math.min(ai, bi));
  let n = 0;
  const quick = Math.min(m, QUICK);
  while (n < quick && a[ai - 1 - n] === b[bi - 1 - n]) n++;
  if (n < quick || n === m) return n;
  const ab = asBuffer(a);
  const bb = asBuffer(b);
  while (n + CHUNK <= m && ab.compare(bb, bi - n - CHUNK, bi - n, ai - n - CHUNK, ai - n) === 0) n += CHUNK;
  while (n < m && a[ai - 1 - n] === b[bi - 1 - n]) n++;
  return n;
}

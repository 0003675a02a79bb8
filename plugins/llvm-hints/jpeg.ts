/**
 * JPEG: the entropy-coded data that follows the first start-of-scan segment, up to the
 * end-of-image marker, is compressed. The marker segments before it (tables, EXIF, ICC
 * profiles) are left unmarked. docs/HINTS.md, "JPEG".
 */
import type { Reader } from './reader.js';
import type { Limits, Parsed } from './types.js';

const SOS = 0xda;
const EOI = 0xd9;
/** Bytes at the end of the file searched for the end-of-image marker. */
const EOI_SEARCH = 4096;

export async function parseJpeg(r: Reader, limits: Limits): Promise<Parsed | undefined> {
  const soi = await r.bytes(0, 3);
  if (soi === undefined || soi[0] !== 0xff || soi[1] !== 0xd8 || soi[2] !== 0xff) return undefined;
  const notes: string[] = [];
  let at = 2;
  for (let n = 0; n < limits.maxEntries; n++) {
    const m = await r.bytes(at, 2);
    if (m === undefined || m[0] !== 0xff) {
      notes.push(`no marker at ${at}`);
      return { format: 'jpeg', pieces: [], notes };
    }
    const marker = m[1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === EOI) return { format: 'jpeg', pieces: [], notes };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8) {
      at += 2; // markers without a length
      continue;
    }
    const len = await r.fields(at + 2, 2, false);
    if (len === undefined || len.u16(0) < 2) {
      notes.push(`segment at ${at} has no valid length`);
      return { format: 'jpeg', pieces: [], notes };
    }
    const next = at + 2 + len.u16(0);
    if (marker === SOS) {
      const end = await endOfImage(r, next);
      return { format: 'jpeg', pieces: end > next ? [{ start: next, length: end - next, kind: 'compressed', name: 'scan data' }] : [], notes };
    }
    at = next;
  }
  notes.push(`segments cut at ${limits.maxEntries} (maxEntries)`);
  return { format: 'jpeg', pieces: [], notes };
}

/** Where the last end-of-image marker near the end of the file starts, or the file's end. */
async function endOfImage(r: Reader, from: number): Promise<number> {
  const len = Math.min(EOI_SEARCH, r.size - from);
  if (len < 2) return r.size;
  const tail = await r.bytes(r.size - len, len);
  if (tail === undefined) return r.size;
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === EOI) return r.size - len + i;
  return r.size;
}

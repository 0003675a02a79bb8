/**
 * ZIP archives (and JAR, APK, DOCX, ...). A deflated (or otherwise not stored) entry's
 * local record, header to next record, is compressed: found from the central directory
 * alone, without reading the local header. A stored entry's data is whatever its own
 * analysis says, or data. Entries come from the central directory when the end record is
 * found, else from walking the local headers from the start. docs/HINTS.md, "ZIP".
 */
import type { Fields, Reader } from './reader.js';
import type { Limits, Parsed, Piece } from './types.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
const DESCRIPTOR = 0x08074b50;
const STORED = 0;
const FLAG_DESCRIPTOR = 0x8;
/** The end record is 22 bytes plus a comment of at most 65535. */
const END_SEARCH = 22 + 0xffff;

/** Analyses a stored entry's bytes (the caller's analysis, one level deeper). */
export type Inner = (r: Reader, depth: number) => Promise<Parsed | undefined>;

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  localOffset: number;
}

export async function parseZip(r: Reader, limits: Limits, depth: number, inner: Inner): Promise<Parsed | undefined> {
  const sig = await r.fields(0, 4, true);
  if (sig === undefined || (sig.u32(0) !== LOCAL && sig.u32(0) !== END)) return undefined;
  const notes: string[] = [];
  const central = await centralDirectory(r, limits, notes);
  const pieces: Piece[] = [];
  if (central !== undefined) {
    const entries = [...central.entries].sort((a, b) => a.localOffset - b.localOffset);
    // nextRecord[i]: where the first record after entry i's starts (Infinity: none).
    const nextRecord = new Array<number>(entries.length);
    for (let i = entries.length - 1, after = Infinity; i >= 0; i--) {
      if (i + 1 < entries.length && entries[i + 1]!.localOffset > entries[i]!.localOffset) after = entries[i + 1]!.localOffset;
      nextRecord[i] = after;
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!r.has(e.localOffset, 30)) {
        notes.push(`entry ${e.name}: local header outside the file`);
        continue;
      }
      if (!isStored(e)) {
        // The whole local record (header, data, descriptor): up to the next record or the
        // directory, and never longer than a record can be. No read needed.
        const dir = central.directoryAt > e.localOffset ? central.directoryAt : Infinity;
        const longest = 30 + 0xffff + 0xffff + e.compressedSize + 24;
        const end = Math.min(nextRecord[i]!, dir, e.localOffset + longest, r.size);
        if (end > e.localOffset) pieces.push({ start: e.localOffset, length: end - e.localOffset, kind: 'compressed', name: e.name });
        continue;
      }
      const local = await r.fields(e.localOffset, 30, true);
      if (local === undefined || local.u32(0) !== LOCAL) {
        if (r.budget.exhausted) break;
        notes.push(`entry ${e.name}: no local header at ${e.localOffset}`);
        continue;
      }
      const dataAt = e.localOffset + 30 + local.u16(26) + local.u16(28);
      await storedPieces(r, limits, depth, inner, e, dataAt, pieces, notes);
      if (r.budget.exhausted) break;
    }
  } else {
    await walkLocal(r, limits, depth, inner, pieces, notes);
  }
  if (r.budget.exhausted) notes.push('read budget reached: later entries unmarked');
  return { format: 'zip', pieces, notes };
}

/** Stored and not encrypted: the entry's data are its file's bytes. */
function isStored(e: Entry): boolean {
  return e.method === STORED && (e.flags & 1) === 0;
}

/** A stored entry's data: what its own analysis finds, or data. */
async function storedPieces(
  r: Reader,
  limits: Limits,
  depth: number,
  inner: Inner,
  e: Entry,
  dataAt: number,
  pieces: Piece[],
  notes: string[],
): Promise<void> {
  if (e.compressedSize <= 0 || !r.has(dataAt, 1)) return;
  const length = Math.min(e.compressedSize, r.size - dataAt);
  if (depth + 1 <= limits.maxDepth) {
    const found = await inner(r.sub(dataAt, length), depth + 1);
    if (found !== undefined && found.pieces.length > 0) {
      for (const note of found.notes) notes.push(`${e.name}: ${note}`);
      for (const p of found.pieces) {
        const s = Math.max(0, p.start);
        const end = Math.min(length, p.start + p.length);
        if (end > s) pieces.push({ ...p, start: dataAt + s, length: end - s, name: `${e.name}: ${p.name}` });
      }
      return;
    }
  }
  pieces.push({ start: dataAt, length, kind: 'data', name: e.name });
}

/** The entries of the central directory, or undefined when there is no usable one. */
async function centralDirectory(r: Reader, limits: Limits, notes: string[]): Promise<{ entries: Entry[]; directoryAt: number } | undefined> {
  const tailLen = Math.min(r.size, END_SEARCH);
  const tail = await r.bytes(r.size - tailLen, tailLen);
  if (tail === undefined) return undefined;
  let endAt = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      endAt = i;
      break;
    }
  }
  if (endAt < 0) return undefined;
  const endPos = r.size - tailLen + endAt;
  const end = new DataView(tail.buffer, tail.byteOffset + endAt, 22);
  let count = end.getUint16(10, true);
  let cdSize = end.getUint32(12, true);
  let cdOffset = end.getUint32(16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator just before the end record points at the ZIP64 end record.
    const loc = await r.fields(endPos - 20, 20, true);
    if (loc !== undefined && loc.u32(0) === END64_LOCATOR) {
      const rec = await r.fields(loc.u64(8), 56, true);
      if (rec !== undefined && rec.u32(0) === END64) {
        count = rec.u64(32);
        cdSize = rec.u64(40);
        cdOffset = rec.u64(48);
      }
    }
  }
  if (count === 0) return { entries: [], directoryAt: endPos };
  // Self-extracting archives have a prefix the offsets do not count: the directory ends
  // where the end record starts, which gives the shift.
  let shift = 0;
  if (!(await startsWith(r, cdOffset, CENTRAL)) && (await startsWith(r, endPos - cdSize, CENTRAL))) shift = endPos - cdSize - cdOffset;
  const cdAt = cdOffset + shift;
  if (!r.has(cdAt, 46)) {
    notes.push('central directory outside the file');
    return undefined;
  }
  const cdLen = Math.min(cdSize, r.size - cdAt);
  const cd = await r.fields(cdAt, cdLen, true);
  if (cd === undefined) {
    notes.push('central directory over the read budget');
    return undefined;
  }
  const entries: Entry[] = [];
  let o = 0;
  const max = Math.min(count, limits.maxEntries);
  if (count > limits.maxEntries) notes.push(`entries cut at ${limits.maxEntries} (maxEntries)`);
  while (entries.length < max && o + 46 <= cd.length && cd.u32(o) === CENTRAL) {
    const nameLen = cd.u16(o + 28);
    const extraLen = cd.u16(o + 30);
    const commentLen = cd.u16(o + 32);
    const next = o + 46 + nameLen + extraLen + commentLen;
    if (next > cd.length) break;
    const e: Entry = {
      name: latin1(cd.bytes.subarray(o + 46, o + 46 + Math.min(nameLen, 128))),
      flags: cd.u16(o + 8),
      method: cd.u16(o + 10),
      compressedSize: cd.u32(o + 20),
      localOffset: cd.u32(o + 42),
    };
    const uncompressed = cd.u32(o + 24);
    zip64Extra(cd, o + 46 + nameLen, extraLen, e, uncompressed === 0xffffffff);
    e.localOffset += shift;
    entries.push(e);
    o = next;
  }
  return { entries, directoryAt: cdAt };
}

/** Reads the ZIP64 extended information (header 0x0001) for the fields set to 0xffffffff. */
function zip64Extra(f: Fields, at: number, len: number, e: Entry, uncompressedIn64: boolean): void {
  let o = at;
  const end = at + len;
  while (o + 4 <= end) {
    const id = f.u16(o);
    const size = f.u16(o + 2);
    if (o + 4 + size > end) return;
    if (id === 0x0001) {
      let p = o + 4;
      if (uncompressedIn64) p += 8;
      if (e.compressedSize === 0xffffffff && p + 8 <= o + 4 + size) {
        e.compressedSize = f.u64(p);
        p += 8;
      }
      if (e.localOffset === 0xffffffff && p + 8 <= o + 4 + size) e.localOffset = f.u64(p);
      return;
    }
    o += 4 + size;
  }
}

async function startsWith(r: Reader, at: number, sig: number): Promise<boolean> {
  const f = await r.fields(at, 4, true);
  return f !== undefined && f.u32(0) === sig;
}

/** Without a central directory: local headers one after another, while their sizes are known. */
async function walkLocal(r: Reader, limits: Limits, depth: number, inner: Inner, pieces: Piece[], notes: string[]): Promise<void> {
  let at = 0;
  for (let n = 0; n < limits.maxEntries; n++) {
    const h = await r.fields(at, 30, true);
    if (h === undefined || h.u32(0) !== LOCAL) return;
    const flags = h.u16(6);
    const nameLen = h.u16(26);
    const extraLen = h.u16(28);
    const e: Entry = { name: '', flags, method: h.u16(8), compressedSize: h.u32(18), localOffset: at };
    const names = await r.fields(at + 30, nameLen + extraLen, true);
    if (names === undefined) return;
    e.name = latin1(names.bytes.subarray(0, Math.min(nameLen, 128)));
    zip64Extra(names, nameLen, extraLen, e, h.u32(22) === 0xffffffff);
    if ((flags & FLAG_DESCRIPTOR) !== 0 && e.compressedSize === 0) {
      notes.push(`entry ${e.name}: size given only after its data; walk stopped`);
      return;
    }
    const dataAt = at + 30 + nameLen + extraLen;
    let next = dataAt + e.compressedSize;
    if ((flags & FLAG_DESCRIPTOR) !== 0) next += (await startsWith(r, next, DESCRIPTOR)) ? 16 : 12;
    if (isStored(e)) await storedPieces(r, limits, depth, inner, e, dataAt, pieces, notes);
    else if (r.has(at, 1)) pieces.push({ start: at, length: Math.min(next, r.size) - at, kind: 'compressed', name: e.name });
    if (!Number.isSafeInteger(next) || next <= at) return;
    at = next;
  }
  notes.push(`entries cut at ${limits.maxEntries} (maxEntries)`);
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  return s;
}

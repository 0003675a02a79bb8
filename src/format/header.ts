/**
 * The blueprint header (docs/FORMAT.md, "Header").
 */
import {
  BASE_FINGERPRINT_BYTES, BLOB_ID_BYTES, HEADER_MAX_BYTES, MAX_NUMBER, MAX_REFS, OUTPUT_DIGEST_BYTES,
  PBB_MAGIC, PBB_VERSION, REF_DIGEST_PREFIX_BYTES,
} from './constants.js';
import { fail } from './fail.js';
import type { ByteSource } from './source.js';
import type { PbbHeader } from './types.js';
import { readVarint, varintLength, writeVarint, type VarintCursor } from './varint.js';

function checkBytes(name: string, b: Uint8Array, n: number): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    fail('PFSC_INTERNAL', `header ${name} must be ${n} bytes, got ${b instanceof Uint8Array ? b.length : typeof b}`);
  }
}

function checkCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v >= MAX_NUMBER) {
    fail('PFSC_INTERNAL', `header ${name} must be an integer in [0, 2^53), got ${v}`);
  }
}

/** Bytes encodeHeader(h) produces. */
export function headerLength(h: PbbHeader): number {
  let n = 4 + 1 + 1 + varintLength(h.outputLength) + BLOB_ID_BYTES + BASE_FINGERPRINT_BYTES + varintLength(h.refs.length);
  for (const r of h.refs) n += varintLength(r.size) + REF_DIGEST_PREFIX_BYTES;
  return n + OUTPUT_DIGEST_BYTES;
}

/** Serializes a header. Throws PFSC_INTERNAL when a field is out of range (a caller bug). */
export function encodeHeader(h: PbbHeader): Uint8Array {
  if (h.version !== PBB_VERSION) fail('PFSC_INTERNAL', `header version must be ${PBB_VERSION}, got ${h.version}`);
  checkCount('outputLength', h.outputLength);
  checkBytes('blobId', h.blobId, BLOB_ID_BYTES);
  checkBytes('baseFingerprint', h.baseFingerprint, BASE_FINGERPRINT_BYTES);
  checkBytes('outputDigest', h.outputDigest, OUTPUT_DIGEST_BYTES);
  if (h.refs.length > MAX_REFS) fail('PFSC_INTERNAL', `at most ${MAX_REFS} refs fit in a header, got ${h.refs.length}`);
  h.refs.forEach((r, i) => {
    checkCount(`refs[${i}].size`, r.size);
    checkBytes(`refs[${i}].digestPrefix`, r.digestPrefix, REF_DIGEST_PREFIX_BYTES);
  });
  const out = new Uint8Array(headerLength(h));
  out.set(PBB_MAGIC, 0);
  out[4] = PBB_VERSION;
  out[5] = 0;
  let p = writeVarint(out, 6, h.outputLength);
  out.set(h.blobId, p);
  p += BLOB_ID_BYTES;
  out.set(h.baseFingerprint, p);
  p += BASE_FINGERPRINT_BYTES;
  p = writeVarint(out, p, h.refs.length);
  for (const r of h.refs) {
    p = writeVarint(out, p, r.size);
    out.set(r.digestPrefix, p);
    p += REF_DIGEST_PREFIX_BYTES;
  }
  out.set(h.outputDigest, p);
  p += OUTPUT_DIGEST_BYTES;
  if (p !== out.length) fail('PFSC_INTERNAL', `header length mismatch: wrote ${p}, expected ${out.length}`);
  return out;
}

/**
 * Parses the header at the start of `buf` (which may hold more: the blocks that follow).
 * Returns the header and its length in bytes. `buf` should hold the first
 * min(file size, HEADER_MAX_BYTES) bytes of the file; a header that runs past its end is
 * reported as PFSC_PBB_TRUNCATED.
 */
export function decodeHeader(buf: Uint8Array): { header: PbbHeader; length: number } {
  const end = buf.length;
  const truncated = (what: string): never =>
    fail('PFSC_PBB_TRUNCATED', `blueprint ends at byte ${end}, inside the header's ${what}`);
  for (let i = 0; i < 4; i++) {
    if (i >= end) {
      if (end === 0) fail('PFSC_PBB_TRUNCATED', 'blueprint is empty (0 bytes)');
      truncated('magic');
    }
    if (buf[i] !== PBB_MAGIC[i]) {
      const seen = Array.from(buf.subarray(0, Math.min(4, end)), (b) => b.toString(16).padStart(2, '0')).join(' ');
      fail('PFSC_PBB_BAD_MAGIC', `not a blueprint: first bytes are ${seen}, expected 50 46 53 42 ("PFSB")`);
    }
  }
  if (end < 5) truncated('version');
  const version = buf[4]!;
  if (version !== PBB_VERSION) {
    fail('PFSC_PBB_VERSION', `blueprint format version ${version} (byte 4); this pfsc reads version ${PBB_VERSION}`);
  }
  if (end < 6) truncated('flags');
  if (buf[5] !== 0) fail('PFSC_PBB_CORRUPT', `header flags (byte 5) are 0x${buf[5]!.toString(16).padStart(2, '0')}, must be 0 in version ${PBB_VERSION}`);
  const cur: VarintCursor = { pos: 6 };
  const varint = (what: string): number => {
    const at = cur.pos;
    const v = readVarint(buf, cur, end, () => `header ${what} at byte ${at}`);
    return v < 0 ? truncated(what) : v;
  };
  const bytes = (n: number, what: string): Uint8Array => {
    if (cur.pos + n > end) truncated(what);
    const b = buf.slice(cur.pos, cur.pos + n);
    cur.pos += n;
    return b;
  };
  const outputLength = varint('output length');
  const blobId = bytes(BLOB_ID_BYTES, 'Blob_ID');
  const baseFingerprint = bytes(BASE_FINGERPRINT_BYTES, 'base fingerprint');
  const refCountAt = cur.pos;
  const refCount = varint('ref count');
  if (refCount > MAX_REFS) fail('PFSC_PBB_LIMIT', `header ref count at byte ${refCountAt} is ${refCount}; at most ${MAX_REFS} allowed`);
  const refs: PbbHeader['refs'] = [];
  for (let i = 0; i < refCount; i++) {
    const size = varint(`ref ${i + 1} size`);
    const digestPrefix = bytes(REF_DIGEST_PREFIX_BYTES, `ref ${i + 1} digest`);
    refs.push({ size, digestPrefix });
  }
  const outputDigest = bytes(OUTPUT_DIGEST_BYTES, 'output digest');
  return {
    header: { version, outputLength, blobId, baseFingerprint, refs, outputDigest },
    length: cur.pos,
  };
}

/** Reads and parses the header of a blueprint held by `src`. */
export async function readHeader(src: ByteSource): Promise<{ header: PbbHeader; length: number }> {
  const head = await src.read(0, Math.min(src.size, HEADER_MAX_BYTES));
  return decodeHeader(head);
}

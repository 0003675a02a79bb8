/**
 * The blueprint header (docs/FORMAT.md, "Header"): written in format 3, read in 2 and 3.
 */
import {
  BASE_FINGERPRINT_BYTES, BLOB_ID_BYTES, FLAG_DIAGNOSTICS, FLAG_TRANSFORMS, HEADER_MAX_BYTES, MAX_NUMBER, MAX_REFS,
  MAX_TRANSFORM_NAME, OUTPUT_DIGEST_BYTES, PBB_MAGIC, PBB_MIN_VERSION, PBB_VERSION, REF_DIGEST_PREFIX_BYTES,
} from './constants.js';
import { fail } from './fail.js';
import type { ByteSource } from './source.js';
import { MAX_TRANSFORM_IMMEDIATES, MAX_TRANSFORMS, TRANSFORM_NAME_PATTERN, type PbbHeader, type TransformDecl } from './types.js';
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

/** Checks a transform table as a header may carry it; `bad` reports the problem. */
export function checkTransforms(list: readonly TransformDecl[], bad: (msg: string) => never): void {
  if (list.length > MAX_TRANSFORMS) bad(`${list.length} transforms; at most ${MAX_TRANSFORMS} are allowed`);
  const seen = new Set<string>();
  list.forEach((t, j) => {
    if (typeof t.name !== 'string' || !TRANSFORM_NAME_PATTERN.test(t.name)) {
      bad(`transform ${j} has name ${JSON.stringify(t.name)}; names are 1 to ${MAX_TRANSFORM_NAME} of a-z 0-9 . _ / -, starting with a letter or digit`);
    }
    if (seen.has(t.name)) bad(`transform ${j} repeats the name ${t.name}`);
    seen.add(t.name);
    if (!Number.isInteger(t.immCount) || t.immCount < 0 || t.immCount > MAX_TRANSFORM_IMMEDIATES) {
      bad(`transform ${t.name} has ${t.immCount} immediate bytes; 0 to ${MAX_TRANSFORM_IMMEDIATES} are allowed`);
    }
  });
}

/** Bytes encodeHeader(h) produces. */
export function headerLength(h: PbbHeader): number {
  let n = 4 + 1 + 1 + varintLength(h.outputLength) + BLOB_ID_BYTES;
  if (h.diagnostics) {
    n += BASE_FINGERPRINT_BYTES + varintLength(h.refs.length);
    for (const r of h.refs) n += varintLength(r.size) + REF_DIGEST_PREFIX_BYTES;
  }
  if (h.transforms.length > 0) {
    n += varintLength(h.transforms.length);
    for (const t of h.transforms) n += 2 + t.name.length;
  }
  return n + OUTPUT_DIGEST_BYTES;
}

/** Serializes a header in format 3. Throws PFSC_INTERNAL when a field is out of range (a caller bug). */
export function encodeHeader(h: PbbHeader): Uint8Array {
  if (h.version !== PBB_VERSION) fail('PFSC_INTERNAL', `header version must be ${PBB_VERSION}, got ${h.version}`);
  checkCount('outputLength', h.outputLength);
  checkBytes('blobId', h.blobId, BLOB_ID_BYTES);
  checkBytes('outputDigest', h.outputDigest, OUTPUT_DIGEST_BYTES);
  if (h.diagnostics) {
    checkBytes('baseFingerprint', h.baseFingerprint, BASE_FINGERPRINT_BYTES);
    if (h.refs.length > MAX_REFS) fail('PFSC_INTERNAL', `at most ${MAX_REFS} refs fit in a header, got ${h.refs.length}`);
    h.refs.forEach((r, i) => {
      checkCount(`refs[${i}].size`, r.size);
      checkBytes(`refs[${i}].digestPrefix`, r.digestPrefix, REF_DIGEST_PREFIX_BYTES);
    });
  }
  checkTransforms(h.transforms, (msg) => fail('PFSC_INTERNAL', `header: ${msg}`));
  const out = new Uint8Array(headerLength(h));
  out.set(PBB_MAGIC, 0);
  out[4] = PBB_VERSION;
  out[5] = (h.diagnostics ? FLAG_DIAGNOSTICS : 0) | (h.transforms.length > 0 ? FLAG_TRANSFORMS : 0);
  let p = writeVarint(out, 6, h.outputLength);
  out.set(h.blobId, p);
  p += BLOB_ID_BYTES;
  if (h.diagnostics) {
    out.set(h.baseFingerprint, p);
    p += BASE_FINGERPRINT_BYTES;
    p = writeVarint(out, p, h.refs.length);
    for (const r of h.refs) {
      p = writeVarint(out, p, r.size);
      out.set(r.digestPrefix, p);
      p += REF_DIGEST_PREFIX_BYTES;
    }
  }
  if (h.transforms.length > 0) {
    p = writeVarint(out, p, h.transforms.length);
    for (const t of h.transforms) {
      out[p++] = t.name.length;
      for (let i = 0; i < t.name.length; i++) out[p++] = t.name.charCodeAt(i);
      out[p++] = t.immCount;
    }
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
  if (version < PBB_MIN_VERSION || version > PBB_VERSION) {
    fail('PFSC_PBB_VERSION', `blueprint format version ${version} (byte 4); this pfsc reads versions ${PBB_MIN_VERSION} to ${PBB_VERSION}`);
  }
  if (end < 6) truncated('flags');
  const flags = buf[5]!;
  const allowed = version === 2 ? 0 : FLAG_DIAGNOSTICS | FLAG_TRANSFORMS;
  if ((flags & ~allowed) !== 0) {
    fail('PFSC_PBB_CORRUPT', `header flags (byte 5) are 0x${flags.toString(16).padStart(2, '0')}; version ${version} allows only 0x${allowed.toString(16).padStart(2, '0')}`);
  }
  const diagnostics = version === 2 || (flags & FLAG_DIAGNOSTICS) !== 0;
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
  let baseFingerprint: Uint8Array = new Uint8Array(0);
  const refs: PbbHeader['refs'] = [];
  if (diagnostics) {
    baseFingerprint = bytes(BASE_FINGERPRINT_BYTES, 'base fingerprint');
    const refCountAt = cur.pos;
    const refCount = varint('ref count');
    if (refCount > MAX_REFS) fail('PFSC_PBB_LIMIT', `header ref count at byte ${refCountAt} is ${refCount}; at most ${MAX_REFS} allowed`);
    for (let i = 0; i < refCount; i++) {
      const size = varint(`ref ${i + 1} size`);
      const digestPrefix = bytes(REF_DIGEST_PREFIX_BYTES, `ref ${i + 1} digest`);
      refs.push({ size, digestPrefix });
    }
  }
  const transforms: TransformDecl[] = [];
  if ((flags & FLAG_TRANSFORMS) !== 0) {
    const countAt = cur.pos;
    const count = varint('transform count');
    if (count < 1 || count > MAX_TRANSFORMS) {
      fail('PFSC_PBB_CORRUPT', `header transform count at byte ${countAt} is ${count}; it must be 1 to ${MAX_TRANSFORMS}`);
    }
    for (let j = 0; j < count; j++) {
      const nameLength = bytes(1, `transform ${j} name length`)[0]!;
      if (nameLength < 1 || nameLength > MAX_TRANSFORM_NAME) {
        fail('PFSC_PBB_CORRUPT', `header transform ${j} at byte ${cur.pos - 1}: name length ${nameLength}, must be 1 to ${MAX_TRANSFORM_NAME}`);
      }
      const name = String.fromCharCode(...bytes(nameLength, `transform ${j} name`));
      const immCount = bytes(1, `transform ${j} immediate count`)[0]!;
      transforms.push({ name, immCount });
    }
    checkTransforms(transforms, (msg) => fail('PFSC_PBB_CORRUPT', `header: ${msg}`));
  }
  const outputDigest = bytes(OUTPUT_DIGEST_BYTES, 'output digest');
  return {
    header: { version, outputLength, blobId, diagnostics, baseFingerprint, refs, transforms, outputDigest },
    length: cur.pos,
  };
}

/** Reads and parses the header of a blueprint held by `src`. */
export async function readHeader(src: ByteSource): Promise<{ header: PbbHeader; length: number }> {
  const head = await src.read(0, Math.min(src.size, HEADER_MAX_BYTES));
  return decodeHeader(head);
}

import { codeOf } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  HEADER_MAX_BYTES, bufferByteSource, decodeHeader, encodeHeader, headerLength, readHeader, type PbbHeader,
} from '../../src/format/index.js';
import { header } from './helpers.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));


// A 1-ref header for a 9,000,000-byte output, written by hand from docs/FORMAT.md.
const GOLDEN_1REF = hex([
  '50465342', // magic "PFSB"
  '02', // version
  '00', // flags
  'c0a8a504', // output length 9,000,000
  '00112233445566778899aabbccddeeff', // Blob_ID
  'deadbeef', // base fingerprint
  '01', // ref count
  'c646', // ref 1 size 9,030
  'ab12cd34', // ref 1 digest prefix
  '0f0e0d0c0b0a09080706050403020100', // output digest
].join(''));

const GOLDEN_HEADER: PbbHeader = {
  version: 2,
  outputLength: 9_000_000,
  blobId: hex('00112233445566778899aabbccddeeff'),
  diagnostics: true,
  baseFingerprint: hex('deadbeef'),
  refs: [{ size: 9030, digestPrefix: hex('ab12cd34') }],
  transforms: [],
  outputDigest: hex('0f0e0d0c0b0a09080706050403020100'),
};

// The same header in format 3: flags 01 (diagnostics), otherwise the same bytes.
const GOLDEN_1REF_V3 = hex([
  '50465342', // magic "PFSB"
  '03', // version
  '01', // flags: diagnostics
  'c0a8a504', // output length 9,000,000
  '00112233445566778899aabbccddeeff', // Blob_ID
  'deadbeef', // base fingerprint
  '01', // ref count
  'c646', // ref 1 size 9,030
  'ab12cd34', // ref 1 digest prefix
  '0f0e0d0c0b0a09080706050403020100', // output digest
].join(''));

// Format 3 without diagnostics, with two transforms ("rot" with 1 immediate byte, "x.y/z-1_" with 0).
const GOLDEN_V3_TRANSFORMS = hex([
  '50465342', // magic
  '03', // version
  '02', // flags: transforms, no diagnostics
  'e807', // output length 1,000
  'ffeeddccbbaa99887766554433221100', // Blob_ID
  '02', // transform count
  '03', '726f74', '01', // "rot", 1 immediate byte
  '08', '782e792f7a2d315f', '00', // "x.y/z-1_", none
  '00000000000000000000000000000001', // output digest
].join(''));

/** A copy of bytes with byte i set to v. */
function withByte(bytes: Uint8Array, i: number, v: number): Uint8Array {
  const b = bytes.slice();
  b[i] = v;
  return b;
}

/** Every proper prefix of a header must be refused as truncated. */
function expectEveryCutTruncated(bytes: Uint8Array): void {
  for (let n = 0; n < bytes.length; n++) expect(codeOf(() => decodeHeader(bytes.subarray(0, n)))).toBe('PFSC_PBB_TRUNCATED');
}

describe('header', () => {
  it('golden 1-ref header is 53 bytes and decodes field by field', () => {
    expect(GOLDEN_1REF.length).toBe(53);
    const { header: h, length } = decodeHeader(GOLDEN_1REF);
    expect(length).toBe(53);
    expect(h).toEqual(GOLDEN_HEADER);
  });

  it('encodes the golden header in format 3, and reads both versions of it', () => {
    const v3 = { ...GOLDEN_HEADER, version: 3 };
    expect(Buffer.from(encodeHeader(v3)).toString('hex')).toBe(Buffer.from(GOLDEN_1REF_V3).toString('hex'));
    expect(headerLength(v3)).toBe(53);
    expect(decodeHeader(GOLDEN_1REF_V3)).toEqual({ header: v3, length: 53 });
  });

  it('format 3: a header without diagnostics, with a transform table, written by hand', () => {
    const h: PbbHeader = {
      version: 3,
      outputLength: 1000,
      blobId: hex('ffeeddccbbaa99887766554433221100'),
      diagnostics: false,
      baseFingerprint: new Uint8Array(0),
      refs: [],
      transforms: [{ name: 'rot', immCount: 1 }, { name: 'x.y/z-1_', immCount: 0 }],
      outputDigest: hex('00000000000000000000000000000001'),
    };
    expect(GOLDEN_V3_TRANSFORMS.length).toBe(56);
    expect(decodeHeader(GOLDEN_V3_TRANSFORMS)).toEqual({ header: h, length: 56 });
    expect(Buffer.from(encodeHeader(h)).toString('hex')).toBe(Buffer.from(GOLDEN_V3_TRANSFORMS).toString('hex'));
    expectEveryCutTruncated(GOLDEN_V3_TRANSFORMS);
  });

  it('format 3: refuses bad transform tables and unknown flags', () => {
    const at = (i: number, v: number): Uint8Array => withByte(GOLDEN_V3_TRANSFORMS, i, v);
    expect(codeOf(() => decodeHeader(at(5, 0x06)))).toBe('PFSC_PBB_CORRUPT'); // flag bit 2
    expect(codeOf(() => decodeHeader(at(24, 0)))).toBe('PFSC_PBB_CORRUPT'); // 0 transforms
    expect(codeOf(() => decodeHeader(at(24, 17)))).toBe('PFSC_PBB_CORRUPT'); // 17 transforms
    expect(codeOf(() => decodeHeader(at(25, 0)))).toBe('PFSC_PBB_CORRUPT'); // empty name
    expect(codeOf(() => decodeHeader(at(26, 0x52)))).toBe('PFSC_PBB_CORRUPT'); // "Rot": upper case
    expect(codeOf(() => decodeHeader(at(29, 9)))).toBe('PFSC_PBB_CORRUPT'); // 9 immediate bytes
    const same = hex('50465342 03 02 e807' + 'ff'.repeat(16) + '02 03726f7401 03726f7401' + '00'.repeat(16));
    expect(codeOf(() => decodeHeader(same))).toBe('PFSC_PBB_CORRUPT'); // a name twice
  });

  it('round trips edge values', () => {
    for (const h of [
      header(0),
      header(2 ** 53 - 1, { refs: Array.from({ length: 1024 }, (_, i) => ({ size: i * 1e9, digestPrefix: Uint8Array.of(i & 255, 1, 2, 3) })) }),
      header(2 ** 32 + 5, { refs: [{ size: 0, digestPrefix: new Uint8Array(4) }] }),
    ]) {
      const bytes = encodeHeader(h);
      expect(bytes.length).toBe(headerLength(h));
      expect(bytes.length).toBeLessThanOrEqual(HEADER_MAX_BYTES);
      const extra = new Uint8Array(bytes.length + 7);
      extra.set(bytes);
      const d = decodeHeader(extra);
      expect(d.length).toBe(bytes.length);
      expect(d.header).toEqual(h);
    }
  });

  it('reads through a ByteSource', async () => {
    const { header: h, length } = await readHeader(bufferByteSource(GOLDEN_1REF));
    expect(length).toBe(53);
    expect(h.outputLength).toBe(9_000_000);
  });

  it('the smallest header (no refs, empty output) is 44 bytes with diagnostics, 39 without', () => {
    expect(encodeHeader(header(0)).length).toBe(44);
    expect(encodeHeader(header(0, { diagnostics: false, baseFingerprint: new Uint8Array(0) })).length).toBe(39);
  });

  it('reports every cut of a header as truncated', () => {
    expectEveryCutTruncated(GOLDEN_1REF);
  });

  it('rejects a wrong magic, version, flags and too many refs', () => {
    const bad = (i: number, v: number): Uint8Array => withByte(GOLDEN_1REF, i, v);
    expect(codeOf(() => decodeHeader(bad(0, 0x51)))).toBe('PFSC_PBB_BAD_MAGIC');
    expect(codeOf(() => decodeHeader(hex('fd377a585a00')))).toBe('PFSC_PBB_BAD_MAGIC');
    expect(codeOf(() => decodeHeader(hex('5046')))).toBe('PFSC_PBB_TRUNCATED');
    // version 1 blueprints (no Block_Coding byte) are refused, not misread; so is a future one
    expect(codeOf(() => decodeHeader(bad(4, 1)))).toBe('PFSC_PBB_VERSION');
    expect(codeOf(() => decodeHeader(bad(4, 4)))).toBe('PFSC_PBB_VERSION');
    expect(codeOf(() => decodeHeader(bad(4, 0)))).toBe('PFSC_PBB_VERSION');
    // format 2 has no flags
    expect(codeOf(() => decodeHeader(bad(5, 1)))).toBe('PFSC_PBB_CORRUPT');
    // ref count 1025 = 81 08
    const many = hex('50465342 02 00 00' + '00'.repeat(16) + '00000000' + '8108');
    expect(codeOf(() => decodeHeader(many))).toBe('PFSC_PBB_LIMIT');
  });

  it('names the position in messages', () => {
    const b = GOLDEN_1REF.slice();
    b[5] = 3;
    expect(() => decodeHeader(b)).toThrow(/byte 5\) are 0x03; version 2 allows only 0x00/);
  });

  it('refuses to encode out-of-range fields', () => {
    expect(codeOf(() => encodeHeader(header(-1)))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(2 ** 53)))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { blobId: new Uint8Array(15) })))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { version: 1 })))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { version: 2 })))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { transforms: [{ name: 'Bad', immCount: 0 }] })))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { transforms: [{ name: 'a', immCount: 9 }] })))).toBe('PFSC_INTERNAL');
  });
});

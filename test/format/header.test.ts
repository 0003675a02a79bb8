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
  baseFingerprint: hex('deadbeef'),
  refs: [{ size: 9030, digestPrefix: hex('ab12cd34') }],
  outputDigest: hex('0f0e0d0c0b0a09080706050403020100'),
};

describe('header', () => {
  it('golden 1-ref header is 53 bytes and decodes field by field', () => {
    expect(GOLDEN_1REF.length).toBe(53);
    const { header: h, length } = decodeHeader(GOLDEN_1REF);
    expect(length).toBe(53);
    expect(h).toEqual(GOLDEN_HEADER);
  });

  it('encodes the golden header to the same bytes', () => {
    expect(Buffer.from(encodeHeader(GOLDEN_HEADER)).toString('hex')).toBe(Buffer.from(GOLDEN_1REF).toString('hex'));
    expect(headerLength(GOLDEN_HEADER)).toBe(53);
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

  it('the smallest header (no refs, empty output) is 44 bytes', () => {
    expect(encodeHeader(header(0)).length).toBe(44);
  });

  it('reports every cut of a header as truncated', () => {
    for (let n = 0; n < GOLDEN_1REF.length; n++) {
      expect(codeOf(() => decodeHeader(GOLDEN_1REF.subarray(0, n)))).toBe('PFSC_PBB_TRUNCATED');
    }
  });

  it('rejects a wrong magic, version, flags and too many refs', () => {
    const bad = (i: number, v: number): Uint8Array => {
      const b = GOLDEN_1REF.slice();
      b[i] = v;
      return b;
    };
    expect(codeOf(() => decodeHeader(bad(0, 0x51)))).toBe('PFSC_PBB_BAD_MAGIC');
    expect(codeOf(() => decodeHeader(hex('fd377a585a00')))).toBe('PFSC_PBB_BAD_MAGIC');
    expect(codeOf(() => decodeHeader(hex('5046')))).toBe('PFSC_PBB_TRUNCATED');
    // version 1 blueprints (no Block_Coding byte) are refused, not misread
    expect(codeOf(() => decodeHeader(bad(4, 1)))).toBe('PFSC_PBB_VERSION');
    expect(codeOf(() => decodeHeader(bad(4, 3)))).toBe('PFSC_PBB_VERSION');
    expect(codeOf(() => decodeHeader(bad(4, 0)))).toBe('PFSC_PBB_VERSION');
    expect(codeOf(() => decodeHeader(bad(5, 1)))).toBe('PFSC_PBB_CORRUPT');
    // ref count 1025 = 81 08
    const many = hex('50465342 02 00 00' + '00'.repeat(16) + '00000000' + '8108');
    expect(codeOf(() => decodeHeader(many))).toBe('PFSC_PBB_LIMIT');
  });

  it('names the position in messages', () => {
    const b = GOLDEN_1REF.slice();
    b[5] = 3;
    expect(() => decodeHeader(b)).toThrow(/byte 5\) are 0x03, must be 0 in version 2/);
  });

  it('refuses to encode out-of-range fields', () => {
    expect(codeOf(() => encodeHeader(header(-1)))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(2 ** 53)))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { blobId: new Uint8Array(15) })))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { version: 1 })))).toBe('PFSC_INTERNAL');
    expect(codeOf(() => encodeHeader(header(1, { version: 3 })))).toBe('PFSC_INTERNAL');
  });
});

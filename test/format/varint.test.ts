import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { readVarint, varintLength, writeVarint, zigzagDecode, zigzagEncode } from '../../src/format/varint.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function read(bytes: Uint8Array): number {
  const cur = { pos: 0 };
  const v = readVarint(bytes, cur, bytes.length, () => 'test');
  if (v >= 0) expect(cur.pos).toBe(bytes.length);
  return v;
}

// Values and encodings worked out by hand from the LEB128 rule (7 bits per byte, low first).
const VECTORS: [number, string][] = [
  [0, '00'],
  [1, '01'],
  [127, '7f'],
  [128, '8001'],
  [300, 'ac02'],
  [16383, 'ff7f'],
  [16384, '808001'],
  [2 ** 32, '8080808010'],
  [2 ** 53 - 1, 'ffffffffffffff0f'],
];

describe('varint', () => {
  it.each(VECTORS)('%d <-> %s', (value, enc) => {
    const buf = new Uint8Array(10);
    const end = writeVarint(buf, 0, value);
    expect(Buffer.from(buf.subarray(0, end)).toString('hex')).toBe(enc);
    expect(varintLength(value)).toBe(end);
    expect(read(hex(enc))).toBe(value);
  });

  it('reports a varint cut short as -1 without moving the cursor', () => {
    const cur = { pos: 0 };
    expect(readVarint(hex('8080'), cur, 2, () => 'x')).toBe(-1);
    expect(cur.pos).toBe(0);
  });

  it.each([
    ['2^53', '8080808080808010'],
    ['longer than 8 bytes', '808080808080808001'],
    ['non-minimal', '8000'],
    ['non-minimal long', 'ff8000'],
  ])('rejects %s as corrupt', (_name, enc) => {
    let err: unknown;
    try {
      read(hex(enc));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PfscError);
    expect((err as PfscError).code).toBe('PFSC_PBB_CORRUPT');
  });
});

describe('zigzag', () => {
  it.each([
    [0, 0], [-1, 1], [1, 2], [-2, 3], [2, 4], [-100, 199], [100, 200],
    [2 ** 52 - 1, 2 ** 53 - 2], [-(2 ** 52 - 1), 2 ** 53 - 3],
  ])('%d <-> %d', (d, z) => {
    expect(zigzagEncode(d)).toBe(z);
    expect(zigzagDecode(z)).toBe(d);
  });
});

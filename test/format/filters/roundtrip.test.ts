/**
 * decode(encode(x)) is x for every filter, length, start position and placement in memory,
 * and the filters touch nothing outside their data or outside the whole units in it.
 */
import { describe, expect, it } from 'vitest';
import { FILTERS } from '../../../src/format/filters/index.js';
import { randomBytes } from './oracle.js';
import { dense } from './samples.js';

/** Start positions: every residue mod 16, around 2^32 (where positions wrap) and beyond. */
const STARTS = [
  ...Array.from({ length: 16 }, (_, s) => s),
  ...Array.from({ length: 16 }, (_, s) => 2 ** 32 - 16 + s),
  2 ** 32, 2 ** 32 + 1, 2 ** 32 + 7, 2 ** 32 + 12,
  0x7ffffffe, 0x80000000, 0x80000003, 0xfffff000 + 9,
  2 ** 52 + 3, Number.MAX_SAFE_INTEGER,
];

const GUARD = 0xa5;

for (const f of FILTERS) {
  describe(`${f.name} round trips`, () => {
    it('every length 0..100, every start, random and dense, at byte offsets 0..7 of a larger buffer', () => {
      for (let n = 0; n <= 100; n++) {
        for (const [kind, src] of [['random', randomBytes(n, n + 1)], ['dense', dense(f.name, n, n + 500)]] as const) {
          for (const start of STARTS) {
            const offset = (n + start) % 8;
            const buf = new Uint8Array(n + 16).fill(GUARD);
            const data = buf.subarray(offset, offset + n);
            data.set(src);
            f.encode(data, start);
            f.decode(data, start);
            if (!Buffer.from(data).equals(Buffer.from(src))) expect.fail(`${kind}, ${n} bytes at ${start}: not the same bytes back`);
            for (let j = 0; j < buf.length; j++) {
              if ((j < offset || j >= offset + n) && buf[j] !== GUARD) expect.fail(`${kind}, ${n} bytes at ${start}: byte ${j} outside the data changed`);
            }
          }
        }
      }
    });

    it('bytes before the first aligned position and after the last whole unit stay as they are', () => {
      if (f.alignment === 1) return; // x86: every position is aligned, and an operand may end at the last byte
      for (let n = 0; n <= 60; n++) {
        for (const start of STARTS) {
          const src = dense(f.name, n, 7 * n + 3);
          const data = new Uint8Array(src);
          f.encode(data, start);
          const head = (f.alignment - (start % f.alignment)) % f.alignment;
          // Units start at head + k * alignment and must end inside the data.
          const units = n - head >= f.unit ? Math.floor((n - head - f.unit) / f.alignment) + 1 : 0;
          const covered = units === 0 ? head : head + (units - 1) * f.alignment + f.unit;
          for (let j = 0; j < n; j++) {
            if ((j < head || j >= Math.max(head, covered)) && data[j] !== src[j]) expect.fail(`${n} bytes at ${start}: byte ${j} changed`);
          }
        }
      }
    });

    it('2 MiB, random and dense, at four starts', () => {
      const sources = [randomBytes(2 << 20, 5), dense(f.name, 2 << 20, 11)];
      for (const start of [0, 3, 0xfffffff0, 2 ** 33 + 5]) {
        for (const src of sources) {
          const data = new Uint8Array(src);
          const converted = f.encode(data, start);
          expect(f.decode(data, start)).toBe(converted);
          expect(Buffer.from(data).equals(Buffer.from(src))).toBe(true);
        }
      }
    });

    it('takes startPos 0 when it is left out, and refuses a start that is not a non-negative safe integer', () => {
      const src = dense(f.name, 256, 9);
      const a = new Uint8Array(src);
      const b = new Uint8Array(src);
      f.encode(a);
      f.encode(b, 0);
      expect(a).toEqual(b);
      f.decode(a);
      expect(a).toEqual(src);
      for (const bad of [-1, 0.5, NaN, Infinity, 2 ** 53]) {
        expect(() => f.encode(new Uint8Array(src), bad)).toThrow(RangeError);
        expect(() => f.decode(new Uint8Array(src), bad)).toThrow(RangeError);
      }
    });
  });
}

/**
 * The filters give byte for byte what liblzma's filters of the same names give: the system
 * xz (every filter, start offsets) and lzma-native's liblzma (six filters, start 0).
 * docs/FILTERS.md, "Positions", extends xz's aligned start offsets to any start; the
 * misaligned cases are checked against xz on the aligned part.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FILTERS, type BcjFilter } from '../../../src/format/filters/index.js';
import { nativeFilter, nativeFilterId, randomBytes, realBinaries, xzFilter, xzMissing } from './oracle.js';
import { dense } from './samples.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Real files are cut to this many bytes (xz runs twice per case); to a quarter of it for filters whose code they are not. */
const REAL_MAX = 1 << 20;
const OWN_CODE = new Set(['x86', 'arm64']);

/** The filter over a copy of data placed `offset` bytes into a larger buffer (filters may read words). */
function run(f: BcjFilter, direction: 'encode' | 'decode', data: Uint8Array, start: number, offset = 0): Uint8Array {
  const out = new Uint8Array(data.length + 8).subarray(offset, offset + data.length);
  out.set(data);
  f.apply(out, start, direction);
  return out;
}

/** Expected bytes by docs/FILTERS.md's rule: the bytes before the first aligned position stay; xz filters the rest. */
function xzExpected(f: BcjFilter, direction: 'encode' | 'decode', data: Uint8Array, start: number): Uint8Array {
  const k = (f.alignment - (start % f.alignment)) % f.alignment;
  const out = new Uint8Array(data);
  if (k >= data.length) return out;
  out.set(xzFilter(f.name, direction, data.subarray(k), (start + k) % 2 ** 32), k);
  return out;
}

function same(a: Uint8Array, b: Uint8Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const i = a.findIndex((v, j) => v !== b[j]);
  expect(i, `${what}: first difference at byte ${i}`).toBe(-1);
}

const binaries = realBinaries(ROOT).map((b) => {
  const bytes = readFileSync(b.path);
  return { name: b.name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, REAL_MAX)) };
});

/** xz has the filters with .xz Filter IDs; x86-64 (0x40) is pfsc's own (x86-64.test.ts checks it). */
for (const f of FILTERS.filter((g) => g.id < 0x40)) {
  const missing = xzMissing(f.name);
  if (missing !== undefined) console.warn(`test/format/filters: ${f.name} against xz skipped: ${missing}`);

  describe.skipIf(missing !== undefined)(`${f.name} against xz`, () => {
    it(`real binaries (${binaries.length}): encode at 0, decode at an aligned start`, () => {
      expect(binaries.length).toBeGreaterThan(0);
      const cut = OWN_CODE.has(f.name) ? REAL_MAX : REAL_MAX / 4;
      for (const [k, b] of binaries.entries()) {
        const bytes = b.bytes.subarray(0, cut);
        same(run(f, 'encode', bytes, 0, k % 4), xzFilter(f.name, 'encode', bytes, 0), `${b.name} encode`);
        same(run(f, 'decode', bytes, 0x401000), xzFilter(f.name, 'decode', bytes, 0x401000), `${b.name} decode`);
      }
    });

    it('random and dense data, aligned starts up to 2^32 - alignment', () => {
      const starts = [0, 16 * 0x1235, 2 ** 32 - 4096, 2 ** 32 - f.alignment];
      let seed = 1;
      for (const kind of ['random', 'dense'] as const) {
        for (const start of starts) {
          const n = 20_000 + (seed % 17);
          const data = kind === 'random' ? randomBytes(n, seed) : dense(f.name, n, seed);
          seed++;
          for (const direction of ['encode', 'decode'] as const) {
            same(run(f, direction, data, start), xzFilter(f.name, direction, data, start), `${kind} ${direction} at ${start}`);
          }
        }
      }
    });

    it('every start position mod 16, and starts past 2^32, at byte offsets 0..7 of a buffer', () => {
      const starts = [...Array.from({ length: 16 }, (_, s) => s), 2 ** 32 - 3, 2 ** 32 + 5, 2 ** 40 + 17];
      for (const start of starts) {
        const data = dense(f.name, 3000 + start % 7, 100 + start);
        for (const direction of ['encode', 'decode'] as const) {
          const expected = xzExpected(f, direction, data, start);
          same(run(f, direction, data, start, start % 8), expected, `dense ${direction} at ${start}, offset ${start % 8}`);
        }
      }
    });

    it('short inputs, ending inside an instruction: lengths 0-20 and around 32, at a misaligned start', () => {
      // Every length 0-100 at start 0 is checked against lzma-native below.
      for (const n of [...Array.from({ length: 21 }, (_, k) => k), 31, 32, 33, 47]) {
        const data = dense(f.name, n, 1000 + n);
        same(run(f, 'encode', data, 0x7ffffffd), xzExpected(f, 'encode', data, 0x7ffffffd), `${n} bytes`);
      }
    });
  });

  const nativeId = nativeFilterId(f.name);
  if (nativeId === undefined) console.warn(`test/format/filters: ${f.name} against lzma-native skipped: its liblzma has no ${f.name} filter`);
  describe.skipIf(nativeId === undefined)(`${f.name} against lzma-native's liblzma`, () => {
    it('every length from 0 to 100, dense and random, both directions', () => {
      for (let n = 0; n <= 100; n++) {
        for (const data of [dense(f.name, n, 2000 + n), randomBytes(n, 3000 + n)]) {
          for (const direction of ['encode', 'decode'] as const) {
            same(run(f, direction, data, 0), nativeFilter(f.name, direction, data), `${n} bytes ${direction}`);
          }
        }
      }
    });

    it(f.name === 'x86' ? 'real binaries (512 KiB each) and 512 KiB of dense data' : 'real binaries (128 KiB each) and 128 KiB of dense data', () => {
      // x86 on more of each; the others, whose code this is not, on a part.
      const cut = f.name === 'x86' ? 1 << 19 : 1 << 17;
      for (const b of [...binaries, { name: 'dense', bytes: dense(f.name, cut, 7) }].map((x) => ({ ...x, bytes: x.bytes.subarray(0, cut) }))) {
        same(run(f, 'encode', b.bytes, 0), nativeFilter(f.name, 'encode', b.bytes), `${b.name} encode`);
        same(run(f, 'decode', b.bytes, 0), nativeFilter(f.name, 'decode', b.bytes), `${b.name} decode`);
      }
    });
  });
}

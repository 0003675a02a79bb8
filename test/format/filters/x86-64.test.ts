/**
 * The x86-64 filter (pfsc's own, docs/FILTERS.md "x86-64") against a second implementation
 * written here from the page's definition: xz's own x86 filter for pass 1, and passes 2 and
 * 3 as plain loops over a DataView. Real code and dense samples, several starts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filterByName, x8664Decode, x8664Encode } from '../../../src/format/filters/index.js';
import { randomBytes, realBinaries, xzFilter, xzMissing } from './oracle.js';
import { dense } from './samples.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The one-byte opcodes of the page's table, with their immediate sizes. */
const FORMS = new Map<number, number>([
  ...[0x01, 0x03, 0x09, 0x0b, 0x11, 0x13, 0x19, 0x1b, 0x21, 0x23, 0x29, 0x2b, 0x31, 0x33, 0x38, 0x39, 0x3a, 0x3b,
    0x63, 0x84, 0x85, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8d, 0xff].map((o): [number, number] => [o, 0]),
  [0x80, 1], [0x81, 4], [0x83, 1], [0xc6, 1], [0xc7, 4],
]);

function add32(view: DataView, q: number, v: number): void {
  view.setUint32(q, (view.getUint32(q, true) + v) % 2 ** 32, true);
}

/** The page's encoding, step by step. */
function reference(input: Uint8Array, start: number): Uint8Array {
  const s = start % 2 ** 32;
  const data = xzFilter('x86', 'encode', input, s);
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const n = data.length;
  for (let i = 0; i + 6 <= n;) {
    if (data[i] === 0x0f && data[i + 1]! >= 0x80 && data[i + 1]! <= 0x8f) {
      add32(view, i + 2, s + i + 6);
      i += 6;
    } else i += 1;
  }
  for (let i = 0; i + 6 <= n;) {
    const p = data[i]! >= 0x40 && data[i]! <= 0x4f ? i + 1 : i;
    const imm = FORMS.get(data[p]!);
    const modrm = data[p + 1]!;
    const end = imm === undefined ? n + 1 : p + 6 + imm;
    if (imm !== undefined && modrm >> 6 === 0 && (modrm & 7) === 5 && end <= n) {
      add32(view, p + 2, s + end);
      i = end;
    } else i += 1;
  }
  return data;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((v, j) => v !== b[j]);
}

const missing = xzMissing('x86');
if (missing !== undefined) console.warn(`test/format/filters: x86-64 against the reference skipped: ${missing}`);

describe.skipIf(missing !== undefined)('x86-64 against the page', () => {
  const binaries = realBinaries(ROOT);
  it(`real binaries (${binaries.length}, 1 MiB each) at starts 0 and 0x401000`, () => {
    expect(binaries.length).toBeGreaterThan(0);
    for (const b of binaries) {
      const bytes = new Uint8Array(readFileSync(b.path).subarray(0, 1 << 20));
      for (const start of [0, 0x401000]) {
        const mine = new Uint8Array(bytes);
        x8664Encode(mine, start);
        expect(firstDifference(mine, reference(bytes, start)), `${b.name} at ${start}`).toBe(-1);
        x8664Decode(mine, start);
        expect(firstDifference(mine, bytes), `${b.name} back`).toBe(-1);
      }
    }
  });

  it('dense and random samples, starts near 2^32 and past it', () => {
    for (const [k, src] of [dense('x86-64', 1 << 16, 3), dense('x86-64', 4099, 9), randomBytes(1 << 16, 4)].entries()) {
      for (const start of [0, 7, 0xfffffff0, 2 ** 33 + 5]) {
        const mine = new Uint8Array(src);
        x8664Encode(mine, start);
        expect(firstDifference(mine, reference(src, start)), `sample ${k} at ${start}`).toBe(-1);
      }
    }
  });
});

describe('x86-64', () => {
  it('is in the registry under its own id, after the xz filters', () => {
    const f = filterByName('x86-64')!;
    expect(f.id).toBe(0x40);
    expect(f.encode).toBe(x8664Encode);
  });

  it('makes every reference to one target the same bytes: call, jcc and RIP-relative load', () => {
    // call 0x2000; jne 0x2000; lea rax, [rip + (0x2000 - end)] at 0x1000
    const code = Uint8Array.from([
      0xe8, ...le32(0x2000 - 0x1005),
      0x0f, 0x85, ...le32(0x2000 - 0x100b),
      0x48, 0x8d, 0x05, ...le32(0x2000 - 0x1012),
    ]);
    x8664Encode(code, 0x1000);
    expect([...code.subarray(1, 5)]).toEqual(le32(0x2000));
    expect([...code.subarray(7, 11)]).toEqual(le32(0x2000));
    expect([...code.subarray(14, 18)]).toEqual(le32(0x2000));
  });
});

function le32(v: number): number[] {
  const u = v >>> 0;
  return [u & 255, (u >>> 8) & 255, (u >>> 16) & 255, u >>> 24];
}

/**
 * Normalisation against a byte-by-byte reference written here, and the bounded reader.
 */
import { describe, expect, it } from 'vitest';
import { normalise, type HintKind, type Piece } from '../../../plugins/llvm-hints/index.js';
import { Budget, bytesSource, Reader } from '../../../plugins/llvm-hints/reader.js';
import { prng } from '../../helpers/tmp.js';
import { expectWellFormed } from './support.js';

const KINDS: HintKind[] = ['code', 'rodata', 'data', 'compressed'];
const NO_JOIN = { maxRegions: 1 << 20, compressedGap: 0 };

/**
 * The reference: each byte takes the kind of the shortest piece covering it (clipped to the
 * file), ties to the earlier start, then to the first listed; code keeps its arch.
 */
function reference(pieces: Piece[], size: number): (string | undefined)[] {
  const owner: (number | undefined)[] = new Array(size).fill(undefined);
  const len = (p: Piece) => Math.min(size, p.start + p.length) - p.start;
  pieces.forEach((p, i) => {
    if (p.length <= 0 || p.start < 0) return;
    for (let q = p.start; q < Math.min(size, p.start + p.length); q++) {
      const o = owner[q];
      if (o === undefined) {
        owner[q] = i;
        continue;
      }
      const a = pieces[o]!;
      if (len(p) < len(a) || (len(p) === len(a) && p.start < a.start)) owner[q] = i;
    }
  });
  return owner.map((o) => (o === undefined ? undefined : `${pieces[o]!.kind}/${pieces[o]!.arch ?? ''}`));
}

function paint(regions: { start: number; length: number; kind: string; arch?: string }[], size: number): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(size).fill(undefined);
  for (const r of regions) for (let q = r.start; q < r.start + r.length; q++) out[q] = `${r.kind}/${r.arch ?? ''}`;
  return out;
}

function randomPieces(rand: () => number, size: number, n: number): Piece[] {
  return Array.from({ length: n }, (_, i) => {
    const kind = KINDS[rand() % KINDS.length]!;
    const start = (rand() % (size + 20)) - 10;
    const length = (rand() % 300) - 20;
    const p: Piece = { start, length, kind, name: `p${i}` };
    if (kind === 'code') p.arch = rand() & 1 ? 'x86' : 'arm64';
    return p;
  });
}

describe('normalise', () => {
  it('random overlapping pieces: the same bytes and kinds as the reference, sorted, no overlaps, neighbours merged', () => {
    const rand = prng(2024);
    for (let round = 0; round < 500; round++) {
      const size = 1 + (rand() % 1500);
      const pieces = randomPieces(rand, size, rand() % 30);
      const regions = normalise(pieces, size, NO_JOIN);
      expectWellFormed(regions, size);
      expect(paint(regions, size)).toEqual(reference(pieces, size));
      for (let i = 1; i < regions.length; i++) {
        const a = regions[i - 1]!;
        const b = regions[i]!;
        const touching = a.start + a.length === b.start;
        expect(touching && a.kind === b.kind && a.arch === b.arch, 'touching neighbours of one kind are merged').toBe(false);
      }
    }
  });

  it('NaN, infinite, negative and empty pieces are dropped', () => {
    const bad: Piece[] = [
      { start: NaN, length: 10, kind: 'data', name: 'a' },
      { start: 0, length: Infinity, kind: 'data', name: 'b' },
      { start: -5, length: 10, kind: 'data', name: 'c' },
      { start: 3, length: 0, kind: 'data', name: 'd' },
      { start: 200, length: 10, kind: 'data', name: 'e' },
    ];
    expect(normalise(bad, 100, NO_JOIN)).toEqual([]);
  });

  it('compressed regions up to compressedGap apart are joined; others are not', () => {
    const p = (start: number, length: number, kind: HintKind): Piece => ({ start, length, kind, name: '' });
    const pieces = [p(0, 100, 'compressed'), p(112, 100, 'compressed'), p(1000, 50, 'compressed'), p(1100, 10, 'data'), p(1120, 10, 'data')];
    expect(normalise(pieces, 2000, { maxRegions: 100, compressedGap: 12 })).toEqual([
      { start: 0, length: 212, kind: 'compressed' },
      { start: 1000, length: 50, kind: 'compressed' },
      { start: 1100, length: 10, kind: 'data' },
      { start: 1120, length: 10, kind: 'data' },
    ]);
  });

  it('beyond maxRegions the shortest are dropped, the rest stay in order', () => {
    const pieces: Piece[] = [10, 50, 20, 40, 30].map((length, i) => ({ start: i * 100, length, kind: 'data', name: '' }));
    expect(normalise(pieces, 1000, { maxRegions: 3, compressedGap: 0 }).map((r) => r.length)).toEqual([50, 40, 30]);
  });

  it('arch and endian stay on code regions only', () => {
    const pieces: Piece[] = [
      { start: 0, length: 10, kind: 'code', name: '', arch: 'riscv', endian: 'little' },
      { start: 10, length: 10, kind: 'data', name: '', arch: 'riscv', endian: 'little' },
    ];
    expect(normalise(pieces, 100, NO_JOIN)).toEqual([
      { start: 0, length: 10, kind: 'code', arch: 'riscv', endian: 'little' },
      { start: 10, length: 10, kind: 'data' },
    ]);
  });
});

describe('Reader', () => {
  function counting(bytes: Uint8Array) {
    const calls: [number, number][] = [];
    const src = bytesSource(bytes);
    return {
      calls,
      source: { size: src.size, read: (p: number, l: number) => (calls.push([p, l]), src.read(p, l)) },
    };
  }

  it('reads whole 4 KiB pages once, clipped to the end; exact bytes back', async () => {
    const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i & 255);
    const { calls, source } = counting(bytes);
    const r = new Reader(source, new Budget(1 << 20, 100));
    expect(await r.bytes(10, 5)).toEqual(bytes.subarray(10, 15));
    expect(await r.bytes(4000, 200)).toEqual(bytes.subarray(4000, 4200)); // spans pages 0 and 1
    expect(await r.bytes(9990, 10)).toEqual(bytes.subarray(9990, 10_000));
    expect(calls).toEqual([
      [0, 4096],
      [4096, 4096],
      [8192, 10_000 - 8192],
    ]);
    expect(await r.bytes(9995, 10)).toBeUndefined(); // past the end: no read at all
    expect(await r.bytes(-1, 2)).toBeUndefined();
    expect(await r.bytes(0, Infinity)).toBeUndefined();
    expect(calls.length).toBe(3);
  });

  it('views: offsets relative to the view, clipped to it', async () => {
    const bytes = Uint8Array.from({ length: 9000 }, (_, i) => i & 255);
    const r = new Reader(bytesSource(bytes), new Budget(1 << 20, 100));
    const v = r.sub(5000, 100);
    expect(v.size).toBe(100);
    expect(await v.bytes(0, 4)).toEqual(bytes.subarray(5000, 5004));
    expect(await v.bytes(98, 4)).toBeUndefined();
    expect(r.sub(8990, 1000).size).toBe(10);
    expect(r.sub(20_000, 10).size).toBe(0);
  });

  it('the budget: a read that does not fit is refused and marks the budget exhausted', async () => {
    const bytes = new Uint8Array(20_000);
    const budget = new Budget(8192, 10);
    const r = new Reader(bytesSource(bytes), budget);
    expect(await r.bytes(0, 8000)).toBeDefined();
    expect(await r.bytes(9000, 10)).toBeUndefined();
    expect(budget.exhausted).toBe(true);
    expect(budget.bytesRead).toBe(8192);
    expect(await r.bytes(100, 10)).toBeDefined(); // cached pages cost nothing
  });
});

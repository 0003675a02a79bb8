/** Shared checks for the llvm-hints tests. */
import { expect } from 'vitest';
import type { HintRegion, Piece } from '../../../plugins/llvm-hints/index.js';

export interface Placed {
  name: string;
  offset: number;
  size: number;
  kind?: string;
}

/** The kind the regions give byte `pos`, or undefined. Independent of the plugin's code. */
export function kindAt(regions: readonly HintRegion[], pos: number): string | undefined {
  for (const r of regions) if (pos >= r.start && pos < r.start + r.length) return r.kind;
  return undefined;
}

/** Sorted, non-overlapping, non-empty, integer, inside [0, size): checked directly. */
export function expectWellFormed(regions: readonly { start: number; length: number }[], size: number): void {
  let end = 0;
  for (const r of regions) {
    expect(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.length), JSON.stringify(r)).toBe(true);
    expect(r.length, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.start, JSON.stringify(r)).toBeGreaterThanOrEqual(end);
    expect(r.start + r.length, JSON.stringify(r)).toBeLessThanOrEqual(size);
    end = r.start + r.length;
  }
}

/** The pieces as {name, offset, size, kind}, sorted, for comparison with a fixture's layout. */
export function asPlaced(pieces: readonly Piece[]): Placed[] {
  return pieces.map((p) => ({ name: p.name, offset: p.start, size: p.length, kind: p.kind })).sort(byOffset);
}

export function byOffset(a: Placed, b: Placed): number {
  return a.offset - b.offset || a.name.localeCompare(b.name);
}

/**
 * Every byte of every placed item has its kind in the regions (checked at its first, middle
 * and last byte and at every 4 KiB), and bytes outside them are unmarked, except the
 * framing between compressed items no more than `gap` bytes apart.
 */
export function expectCoverage(regions: readonly HintRegion[], placed: readonly Placed[], size: number, gap = 512): void {
  const kinded = placed.filter((p) => p.kind !== undefined && p.size > 0).sort(byOffset);
  for (const p of kinded) {
    const probes = new Set([p.offset, p.offset + (p.size >> 1), p.offset + p.size - 1]);
    for (let q = p.offset; q < p.offset + p.size; q += 4096) probes.add(q);
    for (const q of probes) expect(kindAt(regions, q), `${p.name} at ${q}`).toBe(p.kind);
  }
  // Every region lies inside the placed items, or in the framing between two compressed
  // items at most `gap` bytes apart.
  const allowed: [number, number][] = kinded.map((p) => [p.offset, p.offset + p.size]);
  const compressed = kinded.filter((p) => p.kind === 'compressed');
  for (let i = 0; i + 1 < compressed.length; i++) {
    const a = compressed[i]!.offset + compressed[i]!.size;
    const b = compressed[i + 1]!.offset;
    if (b > a && b - a <= gap) allowed.push([a, b]);
  }
  allowed.sort((x, y) => x[0] - y[0]);
  for (const r of regions) {
    let pos = r.start;
    for (const [a, b] of allowed) if (a <= pos && b > pos) pos = b;
    expect(pos >= r.start + r.length, `region ${JSON.stringify(r)} covers unplaced byte ${pos}`).toBe(true);
  }
  void size;
}

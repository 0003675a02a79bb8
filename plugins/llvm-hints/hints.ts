/**
 * The whole analysis, without the compiler: bytes (or any ByteSource) in, normalised
 * regions out. The plugin class is a thin layer over hintsFor().
 */
import { Budget, bytesSource, Reader, type ByteSource } from './reader.js';
import { normalise } from './regions.js';
import { analyse } from './sniff.js';
import { DEFAULT_LIMITS, type HintRegion, type Limits, type Piece } from './types.js';

export interface HintResult {
  /** The format recognised ('elf', 'pe32+', 'macho', 'zip', 'text', ...), or undefined. */
  format: string | undefined;
  /** Sorted, non-overlapping, inside the file. */
  regions: HintRegion[];
  /** What the parsers found, before normalisation (with names). */
  pieces: Piece[];
  /** Why the analysis stopped early or skipped something. */
  notes: string[];
  bytesRead: number;
  reads: number;
}

export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  const l = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = partial[key];
    if (v === undefined) continue;
    if (key === 'text') l.text = Boolean(v);
    else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) l[key] = Math.floor(v);
    else throw new RangeError(`llvm-hints: option ${key} must be a non-negative number, got ${String(v)}`);
  }
  return l;
}

export async function hintsFor(source: ByteSource, options: Partial<Limits> = {}): Promise<HintResult> {
  const limits = resolveLimits(options);
  const budget = new Budget(limits.maxBytes, limits.maxReads);
  const r = new Reader(source, budget);
  const found = await analyse(r, limits);
  const pieces = found?.pieces ?? [];
  const notes = found?.notes ?? [];
  if (budget.exhausted && !notes.some((n) => n.includes('budget'))) notes.push('read budget reached');
  return {
    format: found?.format,
    regions: normalise(pieces, source.size, limits),
    pieces,
    notes,
    bytesRead: budget.bytesRead,
    reads: budget.reads,
  };
}

export function hintsForBytes(bytes: Uint8Array, options: Partial<Limits> = {}): Promise<HintResult> {
  return hintsFor(bytesSource(bytes), options);
}

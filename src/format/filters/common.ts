/**
 * What every branch-call-jump filter shares: its shape, and the start-position rule of
 * docs/FILTERS.md, "Positions". Imports nothing.
 */

/** The filter names, which are also xz's option names and llvm-hints' code arches. */
export type FilterName = 'x86' | 'x86-64' | 'arm' | 'armthumb' | 'powerpc' | 'sparc' | 'ia64' | 'arm64';

/** Which way a filter runs: encode before compressing, decode after decompressing. */
export type FilterDirection = 'encode' | 'decode';

/**
 * A filter converts, in place, the instructions of `data` whose first byte is at position
 * startPos (docs/FILTERS.md, "Positions"). Both directions return the number of
 * instructions they converted.
 */
export type FilterFunction = (data: Uint8Array, startPos?: number) => number;

export interface BcjFilter {
  /** The filter's id in docs/FILTERS.md (the .xz format's Filter ID for the same filter). */
  readonly id: number;
  readonly name: FilterName;
  /** One line for people: what the filter converts. */
  readonly title: string;
  /** Instructions are converted only at positions that are multiples of this (bytes). */
  readonly alignment: number;
  /** Size of the unit the filter reads at each aligned position, in bytes. */
  readonly unit: number;
  readonly encode: FilterFunction;
  readonly decode: FilterFunction;
  /** encode or decode, by `direction`. */
  apply(data: Uint8Array, startPos: number, direction: FilterDirection): number;
}

/**
 * The 32-bit position of data[0]: startPos modulo 2^32 (positions wrap as liblzma's do).
 * startPos must be a non-negative safe integer; anything else is a RangeError.
 */
export function position32(filter: string, startPos: number): number {
  if (!Number.isSafeInteger(startPos) || startPos < 0) {
    throw new RangeError(`${filter}: startPos must be a non-negative safe integer, got ${String(startPos)}`);
  }
  return startPos >>> 0;
}

/**
 * Index in data of the first position that is a multiple of `alignment` (a power of two
 * dividing 2^32), for data[0] at 32-bit position pos32.
 */
export function firstAligned(pos32: number, alignment: number): number {
  return (alignment - (pos32 & (alignment - 1))) & (alignment - 1);
}

/**
 * Branch-call-jump (BCJ) filters: in place, length-preserving conversions of the relative
 * addresses in machine code into absolute ones, so that repeated calls to one function
 * become repeated bytes that LZMA2 codes cheaply. Each is defined exactly as liblzma's
 * filter of the same name (xz 5.4), with a start-position rule that also covers
 * misaligned starts. docs/FILTERS.md is the normative description.
 *
 * ```ts
 * import { filterByName } from './filters/index.js';
 * const f = filterByName('x86')!;
 * f.encode(code, 0);   // before compressing
 * f.decode(code, 0);   // after decompressing: the bytes are back
 * ```
 */
import type { BcjFilter, FilterDirection, FilterFunction, FilterName } from './common.js';
import { arm64Decode, arm64Encode } from './arm64.js';
import { armDecode, armEncode } from './arm.js';
import { armthumbDecode, armthumbEncode } from './armthumb.js';
import { ia64Decode, ia64Encode } from './ia64.js';
import { powerpcDecode, powerpcEncode } from './powerpc.js';
import { sparcDecode, sparcEncode } from './sparc.js';
import { x86Decode, x86Encode } from './x86.js';
import { x8664Decode, x8664Encode } from './x86-64.js';

export type { BcjFilter, FilterDirection, FilterFunction, FilterName } from './common.js';
export { arm64Decode, arm64Encode } from './arm64.js';
export { armDecode, armEncode } from './arm.js';
export { armthumbDecode, armthumbEncode } from './armthumb.js';
export { ia64Decode, ia64Encode } from './ia64.js';
export { powerpcDecode, powerpcEncode } from './powerpc.js';
export { sparcDecode, sparcEncode } from './sparc.js';
export { x86Decode, x86Encode } from './x86.js';
export { x8664Decode, x8664Encode, RIP_IMM_OPCODES, RIP_OPCODES } from './x86-64.js';

/** docs/FILTERS.md's version: bumped whenever a filter's definition or id changes. */
export const FILTERS_VERSION = 2;

/** The id that names no filter (the bytes as they are); no registry entry has it. */
export const FILTER_NONE = 0;

/**
 * The filters' ids (docs/FILTERS.md, "Ids"): the .xz format's Filter IDs for the filters it
 * has, 0x40 and up for pfsc's own.
 */
export const FILTER_IDS: Readonly<Record<FilterName, number>> = Object.freeze({
  x86: 0x04,
  powerpc: 0x05,
  ia64: 0x06,
  arm: 0x07,
  armthumb: 0x08,
  sparc: 0x09,
  arm64: 0x0a,
  'x86-64': 0x40,
});

function entry(name: FilterName, title: string, alignment: number, unit: number, encode: FilterFunction, decode: FilterFunction): BcjFilter {
  return Object.freeze({
    id: FILTER_IDS[name],
    name,
    title,
    alignment,
    unit,
    encode,
    decode,
    apply(data: Uint8Array, startPos: number, direction: FilterDirection): number {
      if (direction === 'encode') return encode(data, startPos);
      if (direction === 'decode') return decode(data, startPos);
      throw new RangeError(`${name}: direction must be 'encode' or 'decode', got ${String(direction)}`);
    },
  });
}

/** Every filter, by ascending id. */
export const FILTERS: readonly BcjFilter[] = Object.freeze([
  entry('x86', 'x86 and x86-64 CALL/JMP rel32', 1, 5, x86Encode, x86Decode),
  entry('powerpc', 'PowerPC (big-endian) relative branch with link', 4, 4, powerpcEncode, powerpcDecode),
  entry('ia64', 'IA-64 (Itanium) IP-relative branch slots', 16, 16, ia64Encode, ia64Decode),
  entry('arm', 'ARM (A32, little-endian) BL', 4, 4, armEncode, armDecode),
  entry('armthumb', 'ARM Thumb (little-endian) BL pairs', 2, 4, armthumbEncode, armthumbDecode),
  entry('sparc', 'SPARC CALL', 4, 4, sparcEncode, sparcDecode),
  entry('arm64', 'ARM64 (A64, little-endian) BL and ADRP', 4, 4, arm64Encode, arm64Decode),
  entry('x86-64', 'x86-64 CALL/JMP/Jcc rel32 and RIP-relative disp32', 1, 5, x8664Encode, x8664Decode),
]);

const BY_ID = new Map<number, BcjFilter>(FILTERS.map((f) => [f.id, f]));
const BY_NAME = new Map<string, BcjFilter>(FILTERS.map((f) => [f.name, f]));

/**
 * The filter for code of this llvm-hints arch and byte order (docs/FILTERS.md, "Choosing a
 * filter"), or undefined: PowerPC's reads big-endian words only, and most arches have none.
 */
export function filterForCode(arch: string | undefined, endian?: 'little' | 'big'): BcjFilter | undefined {
  if (arch === undefined || (arch === 'powerpc' && endian !== 'big')) return undefined;
  return BY_NAME.get(arch);
}

/** The filter with this id, or undefined (FILTER_NONE and unknown ids). */
export function filterById(id: number): BcjFilter | undefined {
  return BY_ID.get(id);
}

/**
 * The filter with this name, or undefined. The names are llvm-hints' code arches, so a code
 * region's `arch` picks its filter ('riscv', 'mips' and the others have none).
 */
export function filterByName(name: string): BcjFilter | undefined {
  return BY_NAME.get(name);
}

/**
 * The shapes the parsers share: region kinds, architectures, the pieces a parser finds and
 * the limits that bound its work. docs/HINTS.md defines every kind and field.
 */
import type { Region } from 'pfsc';

/** HINTS.md's version: bumped whenever a kind's meaning or a field changes. */
export const HINTS_VERSION = 2;

/** The region kinds, defined in docs/HINTS.md, "Kinds". */
export const HINT_KINDS = ['code', 'rodata', 'data', 'symbols', 'strings', 'relocations', 'debug', 'compressed', 'text'] as const;
export type HintKind = (typeof HINT_KINDS)[number];

/**
 * Instruction set of a code region, named after the branch-call-jump filters that suit it
 * (xz's BCJ names where one exists). 'x86' is i386 code, 'x86-64' AMD64 code. docs/HINTS.md, "Architectures".
 */
export const ARCHES = ['x86', 'x86-64', 'arm64', 'arm', 'armthumb', 'powerpc', 'sparc', 'ia64', 'riscv', 'mips', 'loongarch', 's390', 'unknown'] as const;
export type Arch = (typeof ARCHES)[number];

export type Endian = 'little' | 'big';

/** A region as the plugin adds it: pfsc's Region plus optional fields on code regions. */
export interface HintRegion extends Region {
  kind: HintKind;
  /** Code regions only: the instruction set. */
  arch?: Arch;
  /** Code regions only: the byte order of the instructions. */
  endian?: Endian;
}

/**
 * One thing a parser found, before normalisation: a section, a segment, a chunk, an entry's
 * data. `name` is for tests and diagnostics; normalisation drops it.
 */
export interface Piece {
  start: number;
  length: number;
  kind: HintKind;
  name: string;
  arch?: Arch;
  endian?: Endian;
}

/** What one parser made of the bytes it was given. */
export interface Parsed {
  /** 'elf', 'pe', 'macho', 'fat', 'zip', 'png', 'jpeg', 'gzip', 'xz', 'zstd', 'bzip2', '7z', 'text'. */
  format: string;
  pieces: Piece[];
  /** Why parsing stopped early (a limit, a damaged table); empty when it did not. */
  notes: string[];
}

/** Bounds on the work of one analysis. Every one of them is a count, so results are deterministic. */
export interface Limits {
  /** Bytes read from the input, at most (headers, tables, samples). */
  maxBytes: number;
  /** Calls to the input's read(), at most. */
  maxReads: number;
  /** Sections read from one section table (ELF, PE, Mach-O). */
  maxSections: number;
  /** Mach-O load commands walked per image. */
  maxLoadCommands: number;
  /** Container entries walked: ZIP entries, PNG chunks, JPEG segments, fat slices. */
  maxEntries: number;
  /** Containers inside containers (a stored ZIP entry, a fat slice): depth of recursion. */
  maxDepth: number;
  /** Regions produced, at most: beyond it the shortest are dropped. */
  maxRegions: number;
  /** Compressed regions at most this many bytes apart are joined (with the framing between them). */
  compressedGap: number;
  /** Recognise text files. */
  text: boolean;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxReads: 4096,
  maxSections: 65_536,
  maxLoadCommands: 4096,
  maxEntries: 65_536,
  maxDepth: 3,
  maxRegions: 65_536,
  compressedGap: 512,
  text: true,
});

/**
 * ELF: 32- and 64-bit, either byte order. The section header table gives the pieces (names
 * from the section-name string table); without a usable one, the program headers' PT_LOAD
 * segments do. docs/HINTS.md, "ELF".
 */
import { elfArch } from './arch.js';
import { cString, Fields, type Reader } from './reader.js';
import type { Arch, Endian, HintKind, Limits, Parsed, Piece } from './types.js';

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

// Section types (sh_type).
const SHT_NULL = 0;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_RELA = 4;
const SHT_HASH = 5;
const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHT_DYNSYM = 11;
const SHT_SYMTAB_SHNDX = 18;
const SHT_RELR = 19;
const SHT_ANDROID_REL = 0x60000001;
const SHT_ANDROID_RELA = 0x60000002;
const SHT_ANDROID_RELR = 0x6fffff00;
const SHT_GNU_HASH = 0x6ffffff6;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
// Section flags (sh_flags).
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHF_STRINGS = 0x20;
const SHF_COMPRESSED = 0x800;
// Program headers.
const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
// Special section indexes.
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

/** Section names read from the name table at most (a name past it is read as ''). */
const MAX_NAMES_BYTES = 1 << 20;

export interface ElfHeader {
  is64: boolean;
  little: boolean;
  machine: number;
  entry: number;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
}

function readHeader(f: Fields, is64: boolean): ElfHeader {
  return is64
    ? {
        is64,
        little: f.little,
        machine: f.u16(18),
        entry: f.u64(24),
        phoff: f.u64(32),
        shoff: f.u64(40),
        phentsize: f.u16(54),
        phnum: f.u16(56),
        shentsize: f.u16(58),
        shnum: f.u16(60),
        shstrndx: f.u16(62),
      }
    : {
        is64,
        little: f.little,
        machine: f.u16(18),
        entry: f.u32(24),
        phoff: f.u32(28),
        shoff: f.u32(32),
        phentsize: f.u16(42),
        phnum: f.u16(44),
        shentsize: f.u16(46),
        shnum: f.u16(48),
        shstrndx: f.u16(50),
      };
}

function readSection(f: Fields, o: number, is64: boolean): ElfSection & { nameOff: number; link: number; info: number } {
  return is64
    ? {
        name: '',
        nameOff: f.u32(o),
        type: f.u32(o + 4),
        // Only the low 32 flag bits carry meaning here.
        flags: f.u32(o + 8 + (f.little ? 0 : 4)),
        offset: f.u64(o + 24),
        size: f.u64(o + 32),
        link: f.u32(o + 40),
        info: f.u32(o + 44),
      }
    : {
        name: '',
        nameOff: f.u32(o),
        type: f.u32(o + 4),
        flags: f.u32(o + 8),
        offset: f.u32(o + 16),
        size: f.u32(o + 20),
        link: f.u32(o + 24),
        info: f.u32(o + 28),
      };
}

const startsWithAny = (name: string, prefixes: readonly string[]) =>
  prefixes.some((p) => name === p || name.startsWith(p + '.'));

/** The kind of an ELF section, or undefined when it has no file bytes or no known meaning. */
export function elfSectionKind(s: { name: string; type: number; flags: number }): HintKind | undefined {
  const { name, type, flags } = s;
  if (type === SHT_NULL || type === SHT_NOBITS) return undefined;
  if ((flags & SHF_COMPRESSED) !== 0 || name.startsWith('.zdebug')) return 'compressed';
  if (name.startsWith('.debug') || name.startsWith('.gnu_debug') || name === '.gdb_index' || name.startsWith('.stab')) return 'debug';
  if (
    type === SHT_SYMTAB ||
    type === SHT_DYNSYM ||
    type === SHT_SYMTAB_SHNDX ||
    type === SHT_HASH ||
    type === SHT_GNU_HASH ||
    type === SHT_GNU_VERSYM ||
    type === SHT_GNU_VERDEF ||
    type === SHT_GNU_VERNEED ||
    name === '.symtab' ||
    name === '.dynsym'
  )
    return 'symbols';
  if (type === SHT_STRTAB || name === '.strtab' || name === '.dynstr' || name === '.shstrtab' || name === '.interp' || name === '.comment') return 'strings';
  if (
    type === SHT_REL ||
    type === SHT_RELA ||
    type === SHT_RELR ||
    type === SHT_ANDROID_REL ||
    type === SHT_ANDROID_RELA ||
    type === SHT_ANDROID_RELR ||
    startsWithAny(name, ['.rel', '.rela', '.relr'])
  )
    return 'relocations';
  if ((flags & SHF_EXECINSTR) !== 0 || startsWithAny(name, ['.text', '.plt', '.init', '.fini', '.iplt'])) return 'code';
  if (startsWithAny(name, ['.rodata', '.eh_frame', '.eh_frame_hdr', '.gcc_except_table'])) return 'rodata';
  if (startsWithAny(name, ['.data', '.got', '.dynamic', '.init_array', '.fini_array', '.preinit_array', '.tdata', '.data1'])) return 'data';
  if ((flags & SHF_ALLOC) !== 0) return (flags & SHF_WRITE) !== 0 ? 'data' : 'rodata';
  if ((flags & SHF_STRINGS) !== 0) return 'strings';
  return undefined;
}

/** Parses an ELF image, or returns undefined when the bytes do not start like one. */
export async function parseElf(r: Reader, limits: Limits): Promise<Parsed | undefined> {
  const ident = await r.bytes(0, 16);
  if (ident === undefined || !ELF_MAGIC.every((b, i) => ident[i] === b)) return undefined;
  const cls = ident[4];
  const data = ident[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const is64 = cls === 2;
  const little = data === 1;
  const notes: string[] = [];
  const f = await r.fields(0, is64 ? 64 : 52, little);
  if (f === undefined) return { format: 'elf', pieces: [], notes: ['truncated ELF header'] };
  const h = readHeader(f, is64);
  const arch = elfArch(h.machine, h.entry);
  const endian: Endian = little ? 'little' : 'big';

  const sections = await readSections(r, h, limits, notes);
  let pieces: Piece[] = [];
  if (sections !== undefined) {
    for (const s of sections) {
      const kind = elfSectionKind(s);
      if (kind === undefined || s.size === 0) continue;
      pieces.push(piece(s.offset, s.size, kind, s.name, arch, endian));
    }
  }
  if (sections === undefined || pieces.length === 0) {
    const segments = await readSegments(r, h, limits, notes);
    if (sections === undefined || segments.length > 0) pieces = segments.map((s) => piece(s.offset, s.size, s.kind, s.name, arch, endian));
  }
  return { format: 'elf', pieces, notes };
}

function piece(start: number, length: number, kind: HintKind, name: string, arch: Arch, endian: Endian): Piece {
  return kind === 'code' ? { start, length, kind, name, arch, endian } : { start, length, kind, name };
}

/** Reads the section table with names, or undefined when there is none or it is unusable. */
export async function readSections(r: Reader, h: ElfHeader, limits: Limits, notes: string[]): Promise<ElfSection[] | undefined> {
  const entSize = h.is64 ? 64 : 40;
  if (h.shoff === 0) return undefined;
  if (h.shentsize < entSize || !r.has(h.shoff, entSize)) {
    notes.push('section header table unusable');
    return undefined;
  }
  let shnum = h.shnum;
  let shstrndx = h.shstrndx;
  if (shnum === 0 || shstrndx === SHN_XINDEX) {
    // Extended numbering: section 0 holds the real count (sh_size) and name index (sh_link).
    const s0 = await r.fields(h.shoff, entSize, h.little);
    if (s0 === undefined) return undefined;
    const first = readSection(s0, 0, h.is64);
    if (shnum === 0) shnum = first.size;
    if (shstrndx === SHN_XINDEX) shstrndx = first.link;
  }
  // No more entries than the file holds, nor than the limit.
  const fits = Math.floor((r.size - h.shoff) / h.shentsize);
  if (shnum > fits) notes.push(`section table claims ${shnum} entries, the file holds ${fits}`);
  const count = Math.min(shnum, fits, limits.maxSections);
  if (count < Math.min(shnum, fits)) notes.push(`section table cut at ${count} entries (maxSections)`);
  if (count <= 0) return undefined;
  const table = await r.fields(h.shoff, count * h.shentsize, h.little);
  if (table === undefined) {
    notes.push('section table over the read budget');
    return undefined;
  }
  const raw = [];
  for (let i = 0; i < count; i++) raw.push(readSection(table, i * h.shentsize, h.is64));

  // Names, from the section-name string table when it can be read.
  const names = raw[shstrndx];
  if (names !== undefined && names.type !== SHT_NOBITS && names.size > 0 && r.has(names.offset, 1)) {
    const len = Math.min(names.size, r.size - names.offset, MAX_NAMES_BYTES);
    const strtab = await r.bytes(names.offset, len);
    if (strtab !== undefined) for (const s of raw) s.name = cString(strtab, s.nameOff);
  }
  return raw.map((s) => ({ name: s.name, type: s.type, flags: s.flags, offset: s.offset, size: s.size }));
}

interface Segment {
  offset: number;
  size: number;
  kind: HintKind;
  name: string;
}

/** PT_LOAD segments: executable → code, writable → data, the rest → rodata. */
async function readSegments(r: Reader, h: ElfHeader, limits: Limits, notes: string[]): Promise<Segment[]> {
  const entSize = h.is64 ? 56 : 32;
  if (h.phoff === 0 || h.phnum === 0 || h.phentsize < entSize) return [];
  let phnum = h.phnum;
  if (phnum === PN_XNUM && h.shoff !== 0) {
    const s0 = await r.fields(h.shoff, h.is64 ? 64 : 40, h.little);
    if (s0 !== undefined) phnum = readSection(s0, 0, h.is64).info;
  }
  if (!r.has(h.phoff, entSize)) return [];
  const fits = Math.floor((r.size - h.phoff) / h.phentsize);
  const count = Math.min(phnum, fits, limits.maxSections);
  if (count <= 0) return [];
  const t = await r.fields(h.phoff, count * h.phentsize, h.little);
  if (t === undefined) {
    notes.push('program header table over the read budget');
    return [];
  }
  const out: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * h.phentsize;
    const type = t.u32(o);
    if (type !== PT_LOAD) continue;
    const flags = h.is64 ? t.u32(o + 4) : t.u32(o + 24);
    const offset = h.is64 ? t.u64(o + 8) : t.u32(o + 4);
    const size = h.is64 ? t.u64(o + 32) : t.u32(o + 16);
    if (size === 0) continue;
    const kind: HintKind = (flags & PF_X) !== 0 ? 'code' : (flags & PF_W) !== 0 ? 'data' : 'rodata';
    out.push({ offset, size, kind, name: `PT_LOAD[${i}]` });
  }
  return out;
}

/**
 * Mach-O: 32- and 64-bit images in either byte order, and fat (universal) files, each slice
 * of which is an image. Sections come from LC_SEGMENT / LC_SEGMENT_64; the link-edit tables
 * (symbols, strings, rebase and bind information, chained fixups) from their load commands.
 * docs/HINTS.md, "Mach-O".
 */
import { machoArch, machoEndian } from './arch.js';
import { cString, type Fields, type Reader } from './reader.js';
import type { Arch, Endian, HintKind, Limits, Parsed, Piece } from './types.js';

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const MH_CIGAM = 0xcefaedfe;
const MH_CIGAM_64 = 0xcffaedfe;
export const FAT_MAGIC = 0xcafebabe;
export const FAT_MAGIC_64 = 0xcafebabf;
/** Fat headers with more slices than this are taken for Java class files (same magic). */
const MAX_FAT_SLICES = 30;

const LC_SEGMENT = 0x1;
const LC_SYMTAB = 0x2;
const LC_DYSYMTAB = 0xb;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const LC_DYLD_INFO = 0x22;
const LC_DYLD_INFO_ONLY = 0x80000022;
const LC_FUNCTION_STARTS = 0x26;
const LC_DATA_IN_CODE = 0x29;
const LC_DYLD_EXPORTS_TRIE = 0x80000033;
const LC_DYLD_CHAINED_FIXUPS = 0x80000034;

const SECTION_TYPE = 0xff;
const S_ZEROFILL = 0x1;
const S_CSTRING_LITERALS = 0x2;
const S_4BYTE_LITERALS = 0x3;
const S_8BYTE_LITERALS = 0x4;
const S_16BYTE_LITERALS = 0xe;
const S_GB_ZEROFILL = 0xc;
const S_THREAD_LOCAL_ZEROFILL = 0x12;
const S_ATTR_PURE_INSTRUCTIONS = 0x80000000;
const S_ATTR_SOME_INSTRUCTIONS = 0x400;

/** Bytes of load commands read at most (the whole area is read at once). */
const MAX_COMMAND_BYTES = 4 << 20;

export interface MachoSection {
  segname: string;
  sectname: string;
  flags: number;
  offset: number;
  size: number;
}

const CODE_NAMES = new Set(['__text', '__stubs', '__stub_helper', '__auth_stubs', '__symbol_stub', '__picsymbolstub']);
const STRING_NAMES = new Set(['__cstring', '__objc_methname', '__objc_classname', '__objc_methtype', '__oslogstring', '__swift5_reflstr', '__ustring']);
const RODATA_NAMES = new Set(['__const', '__eh_frame', '__unwind_info', '__gcc_except_tab', '__literal4', '__literal8', '__literal16']);

/** The kind of a Mach-O section's bytes, or undefined (zero-fill, no known meaning). */
export function machoSectionKind(s: { segname: string; sectname: string; flags: number }): HintKind | undefined {
  const type = s.flags & SECTION_TYPE;
  if (type === S_ZEROFILL || type === S_GB_ZEROFILL || type === S_THREAD_LOCAL_ZEROFILL) return undefined;
  if (s.sectname.startsWith('__zdebug')) return 'compressed';
  if (s.segname === '__DWARF' || s.sectname.startsWith('__debug')) return 'debug';
  if ((s.flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS)) !== 0 || CODE_NAMES.has(s.sectname)) return 'code';
  if (type === S_CSTRING_LITERALS || STRING_NAMES.has(s.sectname)) return 'strings';
  if (RODATA_NAMES.has(s.sectname) || type === S_4BYTE_LITERALS || type === S_8BYTE_LITERALS || type === S_16BYTE_LITERALS) return 'rodata';
  if (s.segname.startsWith('__DATA') || s.segname.startsWith('__AUTH') || s.segname === '__OBJC') return 'data';
  if (s.segname === '__TEXT') return 'rodata';
  return undefined;
}

/** True when the first four bytes (read big-endian) are a thin Mach-O magic. */
export function isMachoMagic(m: number): boolean {
  return m === MH_MAGIC || m === MH_MAGIC_64 || m === MH_CIGAM || m === MH_CIGAM_64;
}

/** Parses a thin Mach-O image, or returns undefined when the bytes do not start like one. */
export async function parseMacho(r: Reader, limits: Limits): Promise<Parsed | undefined> {
  const m = await r.fields(0, 4, false);
  if (m === undefined || !isMachoMagic(m.u32(0))) return undefined;
  const magic = m.u32(0);
  const is64 = magic === MH_MAGIC_64 || magic === MH_CIGAM_64;
  const little = magic === MH_CIGAM || magic === MH_CIGAM_64;
  const hdrSize = is64 ? 32 : 28;
  const notes: string[] = [];
  const h = await r.fields(0, hdrSize, little);
  if (h === undefined) return { format: 'macho', pieces: [], notes: ['truncated Mach-O header'] };
  const cputype = h.u32(4);
  const arch = machoArch(cputype, h.u32(8));
  const endian = machoEndian(cputype);
  const ncmds = h.u32(16);
  const sizeofcmds = Math.min(h.u32(20), r.size - hdrSize, MAX_COMMAND_BYTES);
  if (h.u32(20) > sizeofcmds) notes.push('load commands cut to the file or to the read limit');
  const cmds = sizeofcmds > 0 ? await r.fields(hdrSize, sizeofcmds, little) : undefined;
  if (cmds === undefined) return { format: 'macho', pieces: [], notes: [...notes, 'load commands unreadable'] };

  const pieces: Piece[] = [];
  let sections = 0;
  let off = 0;
  const maxCmds = Math.min(ncmds, limits.maxLoadCommands);
  if (ncmds > limits.maxLoadCommands) notes.push(`load commands cut at ${limits.maxLoadCommands} (maxLoadCommands)`);
  // Every command advances by its cmdsize (at least 8), so the walk ends within sizeofcmds / 8 steps.
  for (let i = 0; i < maxCmds; i++) {
    if (off + 8 > cmds.length) {
      notes.push('load commands end past sizeofcmds');
      break;
    }
    const cmd = cmds.u32(off);
    const size = cmds.u32(off + 4);
    if (size < 8 || off + size > cmds.length) {
      notes.push(`load command ${i} has an impossible size ${size}`);
      break;
    }
    const c = cmds.bytes.subarray(off, off + size);
    if (cmd === LC_SEGMENT || cmd === LC_SEGMENT_64) {
      const room = limits.maxSections - sections;
      const { found, cut } = segmentSections(cmds, off, size, cmd === LC_SEGMENT_64, room);
      if (cut) notes.push(`segment in load command ${i}: sections cut to the command or to maxSections`);
      sections += found.length;
      for (const s of found) {
        const kind = machoSectionKind(s);
        const name = `${s.segname},${s.sectname}`;
        if (kind !== undefined && s.size > 0 && s.offset > 0) pieces.push(piece(s.offset, s.size, kind, name, arch, endian));
        if (s.reloff > 0 && s.nreloc > 0) pieces.push({ start: s.reloff, length: s.nreloc * 8, kind: 'relocations', name: `${name} relocations` });
      }
    } else {
      linkedit(cmd, c, cmds, off, is64, pieces);
    }
    off += size;
  }
  return { format: 'macho', pieces, notes };
}

function piece(start: number, length: number, kind: HintKind, name: string, arch: Arch, endian: Endian): Piece {
  return kind === 'code' ? { start, length, kind, name, arch, endian } : { start, length, kind, name };
}

/** The sections of one segment command at `off` in the command area. */
function segmentSections(
  f: Fields,
  off: number,
  size: number,
  is64: boolean,
  room: number,
): { found: (MachoSection & { reloff: number; nreloc: number })[]; cut: boolean } {
  const head = is64 ? 72 : 56;
  const each = is64 ? 80 : 68;
  if (size < head) return { found: [], cut: true };
  const nsects = f.u32(off + (is64 ? 64 : 48));
  const n = Math.max(0, Math.min(nsects, Math.floor((size - head) / each), room));
  const out = [];
  for (let k = 0; k < n; k++) {
    const o = off + head + k * each;
    const sectname = cString(f.bytes, o, 16);
    const segname = cString(f.bytes, o + 16, 16);
    const sz = is64 ? f.u64(o + 40) : f.u32(o + 36);
    const at = is64 ? 48 : 40;
    out.push({
      sectname,
      segname,
      size: sz,
      offset: f.u32(o + at),
      reloff: f.u32(o + at + 8),
      nreloc: f.u32(o + at + 12),
      flags: f.u32(o + at + 16),
    });
  }
  return { found: out, cut: n < nsects };
}

/** Link-edit tables named by load commands. */
function linkedit(cmd: number, c: Uint8Array, f: Fields, off: number, is64: boolean, pieces: Piece[]): void {
  const at = (o: number) => (o + 4 <= c.length ? f.u32(off + o) : 0);
  const add = (start: number, length: number, kind: HintKind, name: string) => {
    if (start > 0 && length > 0) pieces.push({ start, length, kind, name });
  };
  switch (cmd) {
    case LC_SYMTAB:
      add(at(8), at(12) * (is64 ? 16 : 12), 'symbols', 'LC_SYMTAB symbols');
      add(at(16), at(20), 'strings', 'LC_SYMTAB strings');
      break;
    case LC_DYSYMTAB:
      add(at(56), at(60) * 4, 'symbols', 'LC_DYSYMTAB indirect symbols');
      add(at(64), at(68) * 8, 'relocations', 'LC_DYSYMTAB external relocations');
      add(at(72), at(76) * 8, 'relocations', 'LC_DYSYMTAB local relocations');
      break;
    case LC_DYLD_INFO:
    case LC_DYLD_INFO_ONLY:
      add(at(8), at(12), 'relocations', 'rebase');
      add(at(16), at(20), 'relocations', 'bind');
      add(at(24), at(28), 'relocations', 'weak bind');
      add(at(32), at(36), 'relocations', 'lazy bind');
      add(at(40), at(44), 'symbols', 'export trie');
      break;
    case LC_DYLD_CHAINED_FIXUPS:
      add(at(8), at(12), 'relocations', 'chained fixups');
      break;
    case LC_DYLD_EXPORTS_TRIE:
      add(at(8), at(12), 'symbols', 'export trie');
      break;
    case LC_FUNCTION_STARTS:
    case LC_DATA_IN_CODE:
    case LC_CODE_SIGNATURE:
      add(at(8), at(12), 'data', cmd === LC_CODE_SIGNATURE ? 'code signature' : cmd === LC_FUNCTION_STARTS ? 'function starts' : 'data in code');
      break;
  }
}

/**
 * Parses a fat (universal) file: each slice as a thin image, its pieces moved to the slice's
 * place in the file. Undefined when the bytes are not a fat header (or look like a Java class).
 */
export async function parseFat(r: Reader, limits: Limits): Promise<Parsed | undefined> {
  const h = await r.fields(0, 8, false);
  if (h === undefined) return undefined;
  const magic = h.u32(0);
  if (magic !== FAT_MAGIC && magic !== FAT_MAGIC_64) return undefined;
  const nfat = h.u32(4);
  if (nfat === 0 || nfat > MAX_FAT_SLICES) return undefined;
  const is64 = magic === FAT_MAGIC_64;
  const each = is64 ? 32 : 20;
  const notes: string[] = [];
  const n = Math.min(nfat, limits.maxEntries, Math.floor((r.size - 8) / each));
  const t = n > 0 ? await r.fields(8, n * each, false) : undefined;
  if (t === undefined) return { format: 'fat', pieces: [], notes: ['fat header truncated'] };
  const pieces: Piece[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * each;
    const offset = is64 ? t.u64(o + 8) : t.u32(o + 8);
    const size = is64 ? t.u64(o + 16) : t.u32(o + 12);
    if (!r.has(offset, 1) || size === 0) {
      notes.push(`slice ${i} lies outside the file`);
      continue;
    }
    const slice = await parseMacho(r.sub(offset, size), limits);
    if (slice === undefined) {
      notes.push(`slice ${i} is not a Mach-O image`);
      continue;
    }
    for (const note of slice.notes) notes.push(`slice ${i}: ${note}`);
    const end = Math.min(size, r.size - offset);
    for (const p of slice.pieces) {
      // A slice's pieces stay inside the slice.
      const s = Math.max(0, p.start);
      const e = Math.min(end, p.start + p.length);
      if (e > s) pieces.push({ ...p, start: offset + s, length: e - s, name: `slice ${i}: ${p.name}` });
    }
  }
  return { format: 'fat', pieces, notes };
}

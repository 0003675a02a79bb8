/**
 * PE/COFF images (MZ stub, "PE\0\0", PE32 or PE32+): the section table, the COFF symbol
 * and string tables when present, and each section's COFF relocations. docs/HINTS.md, "PE".
 */
import { peArch } from './arch.js';
import { cString, type Reader } from './reader.js';
import type { Arch, HintKind, Limits, Parsed, Piece } from './types.js';

const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
const SECTION_SIZE = 40;
const SYMBOL_SIZE = 18;
const RELOC_SIZE = 10;

export interface PeSection {
  name: string;
  characteristics: number;
  offset: number;
  size: number;
  relocOffset: number;
  relocCount: number;
}

/** The kind of a PE section's raw data, or undefined (uninitialised data, unknown content). */
export function peSectionKind(s: { name: string; characteristics: number }): HintKind | undefined {
  const { name, characteristics: c } = s;
  if (name.startsWith('.zdebug')) return 'compressed';
  if (name.startsWith('.debug')) return 'debug';
  if ((c & (IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE)) !== 0) return 'code';
  if (name === '.reloc') return 'relocations';
  if (name === '.rdata' || name === '.rodata' || name === '.pdata' || name === '.xdata' || name === '.edata') return 'rodata';
  if ((c & IMAGE_SCN_CNT_INITIALIZED_DATA) !== 0) return 'data';
  return undefined;
}

/** Parses a PE image, or returns undefined when the bytes are not one (an MZ file without a PE header). */
export async function parsePe(r: Reader, limits: Limits): Promise<Parsed | undefined> {
  const dos = await r.fields(0, 64, true);
  if (dos === undefined || dos.u16(0) !== 0x5a4d) return undefined;
  const pe = dos.u32(0x3c);
  const coff = await r.fields(pe, 24, true);
  if (coff === undefined || coff.u32(0) !== 0x00004550) return undefined;
  const notes: string[] = [];
  const machine = coff.u16(4);
  const nsects = coff.u16(6);
  const symtab = coff.u32(12);
  const nsyms = coff.u32(16);
  const optSize = coff.u16(20);
  const arch = peArch(machine);
  const magic = await r.fields(pe + 24, 2, true);
  const format = magic?.u16(0) === 0x20b ? 'pe32+' : magic?.u16(0) === 0x10b ? 'pe32' : 'pe';
  const pieces: Piece[] = [];

  // COFF symbol and string tables (objects, and images built with symbols).
  let strings: Uint8Array | undefined;
  if (symtab !== 0 && nsyms > 0 && r.has(symtab, 1)) {
    const symBytes = Math.min(nsyms * SYMBOL_SIZE, r.size - symtab);
    pieces.push({ start: symtab, length: symBytes, kind: 'symbols', name: 'COFF symbols' });
    const strAt = symtab + nsyms * SYMBOL_SIZE;
    const strHead = await r.fields(strAt, 4, true);
    if (strHead !== undefined) {
      const strSize = Math.min(strHead.u32(0), r.size - strAt);
      if (strSize > 4) {
        pieces.push({ start: strAt, length: strSize, kind: 'strings', name: 'COFF strings' });
        strings = await r.bytes(strAt, Math.min(strSize, 1 << 20));
      }
    }
  }

  const tableAt = pe + 24 + optSize;
  const fits = Math.max(0, Math.floor((r.size - tableAt) / SECTION_SIZE));
  const count = Math.min(nsects, fits, limits.maxSections);
  if (nsects > fits) notes.push(`section table claims ${nsects} entries, the file holds ${fits}`);
  const table = count > 0 ? await r.fields(tableAt, count * SECTION_SIZE, true) : undefined;
  if (count > 0 && table === undefined) notes.push('section table over the read budget');
  if (table !== undefined) {
    for (let i = 0; i < count; i++) {
      const o = i * SECTION_SIZE;
      let name = cString(table.bytes.subarray(o, o + 8), 0, 8);
      // "/123": a long name at that offset in the COFF string table.
      if (name.startsWith('/') && strings !== undefined) {
        const at = Number(name.slice(1));
        if (Number.isSafeInteger(at)) name = cString(strings, at);
      }
      const s: PeSection = {
        name,
        offset: table.u32(o + 20),
        size: table.u32(o + 16),
        relocOffset: table.u32(o + 24),
        relocCount: table.u16(o + 32),
        characteristics: table.u32(o + 36),
      };
      const kind = peSectionKind(s);
      if (kind !== undefined && s.size > 0 && s.offset > 0) pieces.push(piece(s.offset, s.size, kind, s.name, arch));
      if (s.relocOffset > 0 && s.relocCount > 0) {
        pieces.push({ start: s.relocOffset, length: s.relocCount * RELOC_SIZE, kind: 'relocations', name: `${s.name} relocations` });
      }
    }
  }
  return { format, pieces, notes };
}

function piece(start: number, length: number, kind: HintKind, name: string, arch: Arch): Piece {
  return kind === 'code' ? { start, length, kind, name, arch, endian: 'little' } : { start, length, kind, name };
}

/**
 * Which format a file is, from its first bytes, and the analysis of that format. Formats
 * that are compressed as a whole (gzip, xz, zstd, bzip2, 7z, lz4) need no parser: the file
 * is one compressed region. docs/HINTS.md, "Formats".
 */
import { ELF_MAGIC, parseElf } from './elf.js';
import { parseJpeg } from './jpeg.js';
import { FAT_MAGIC, FAT_MAGIC_64, isMachoMagic, parseFat, parseMacho } from './macho.js';
import { parsePe } from './pe.js';
import { parsePng, PNG_SIGNATURE } from './png.js';
import type { Reader } from './reader.js';
import { parseText } from './text.js';
import type { Limits, Parsed } from './types.js';
import { parseZip } from './zip.js';

/** Whole-file compressed formats and their magic bytes. */
export const COMPRESSED_MAGICS: readonly { format: string; test: (h: Uint8Array) => boolean }[] = [
  { format: 'gzip', test: (h) => h[0] === 0x1f && h[1] === 0x8b && h[2] === 0x08 },
  { format: 'xz', test: (h) => [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00].every((b, i) => h[i] === b) },
  { format: 'zstd', test: (h) => h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd },
  { format: 'bzip2', test: (h) => h[0] === 0x42 && h[1] === 0x5a && h[2] === 0x68 && h[3]! >= 0x31 && h[3]! <= 0x39 },
  { format: '7z', test: (h) => [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c].every((b, i) => h[i] === b) },
  { format: 'lz4', test: (h) => h[0] === 0x04 && h[1] === 0x22 && h[2] === 0x4d && h[3] === 0x18 },
];

const startsWith = (h: Uint8Array, magic: readonly number[]) => magic.length <= h.length && magic.every((b, i) => h[i] === b);

/** The name of the format the first bytes announce ('elf', 'pe', 'macho', 'fat', 'zip', ...), or undefined. */
export function sniffFormat(h: Uint8Array): string | undefined {
  if (startsWith(h, ELF_MAGIC)) return 'elf';
  if (h[0] === 0x4d && h[1] === 0x5a) return 'pe';
  const be = h.length >= 4 ? ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0 : 0;
  if (isMachoMagic(be)) return 'macho';
  if (be === FAT_MAGIC || be === FAT_MAGIC_64) return 'fat';
  if (h[0] === 0x50 && h[1] === 0x4b && ((h[2] === 3 && h[3] === 4) || (h[2] === 5 && h[3] === 6))) return 'zip';
  if (startsWith(h, PNG_SIGNATURE)) return 'png';
  if (h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff) return 'jpeg';
  return COMPRESSED_MAGICS.find((m) => h.length >= 6 && m.test(h))?.format;
}

/**
 * Analyses the bytes `r` covers: undefined when no format is recognised. `depth` counts the
 * containers around them (0 for the input itself).
 */
export async function analyse(r: Reader, limits: Limits, depth = 0): Promise<Parsed | undefined> {
  if (r.size === 0) return undefined;
  const head = await r.upTo(0, 16);
  const inner = (sub: Reader, d: number) => analyse(sub, limits, d);
  let found: Parsed | undefined;
  switch (sniffFormat(head)) {
    case 'elf':
      found = await parseElf(r, limits);
      break;
    case 'pe':
      found = await parsePe(r, limits);
      break;
    case 'macho':
      found = await parseMacho(r, limits);
      break;
    case 'fat':
      found = depth < limits.maxDepth ? await parseFat(r, limits) : undefined;
      break;
    case 'zip':
      found = await parseZip(r, limits, depth, inner);
      break;
    case 'png':
      found = await parsePng(r, limits);
      break;
    case 'jpeg':
      found = await parseJpeg(r, limits);
      break;
    case undefined:
      break;
    default: {
      const format = sniffFormat(head)!;
      return { format, pieces: [{ start: 0, length: r.size, kind: 'compressed', name: format }], notes: [] };
    }
  }
  if (found !== undefined) return found;
  return limits.text ? parseText(r) : undefined;
}

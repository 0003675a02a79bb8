/**
 * The ARM64 filter (id 10): the 26-bit offsets of BL and, within +/-512 MiB, the 21-bit
 * page offsets of ADRP (A64, little-endian) become absolute, as liblzma's ARM64 BCJ filter
 * (xz 5.4) does. docs/FILTERS.md, "ARM64".
 */
import { firstAligned, position32 } from './common.js';

function arm64(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  let converted = 0;
  const end = data.length - 4;
  for (let i = firstAligned(base, 4); i <= end; i += 4) {
    const b3 = data[i + 3]!;
    if (b3 >>> 2 === 0x25) {
      // BL: 100101 imm26.
      const instr = (b3 << 24) | (data[i + 2]! << 16) | (data[i + 1]! << 8) | data[i]!;
      const pc = ((base + i) >>> 0) >>> 2;
      const imm = (encoding ? instr + pc : instr - pc) & 0x03ffffff;
      data[i] = imm;
      data[i + 1] = imm >>> 8;
      data[i + 2] = imm >>> 16;
      data[i + 3] = 0x94 | (imm >>> 24);
      converted++;
    } else if ((b3 & 0x9f) === 0x90) {
      // ADRP: 1 immlo(2) 10000 immhi(19) Rd(5); the immediate is immhi:immlo.
      const instr = (b3 << 24) | (data[i + 2]! << 16) | (data[i + 1]! << 8) | data[i]!;
      const src = ((instr >>> 29) & 3) | ((instr >>> 3) & 0x001ffffc);
      if (((src + 0x00020000) & 0x001c0000) !== 0) continue;
      const pc = ((base + i) >>> 0) >>> 12;
      const dest = encoding ? src + pc : src - pc;
      const out = (instr & 0x9000001f) | ((dest & 3) << 29) | ((dest & 0x0003fffc) << 3) | (-(dest & 0x00020000) & 0x00e00000);
      data[i] = out;
      data[i + 1] = out >>> 8;
      data[i + 2] = out >>> 16;
      data[i + 3] = out >>> 24;
      converted++;
    }
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of BL and ADRP instructions converted. */
export function arm64Encode(data: Uint8Array, startPos = 0): number {
  return arm64(data, startPos, true, 'arm64Encode');
}

/** Decodes what arm64Encode made, in place, with the same startPos. */
export function arm64Decode(data: Uint8Array, startPos = 0): number {
  return arm64(data, startPos, false, 'arm64Decode');
}

/**
 * The PowerPC filter (id 5): the 24-bit offsets of relative branches with link ("bl",
 * big-endian) become absolute, as liblzma's PowerPC BCJ filter does. docs/FILTERS.md, "PowerPC".
 */
import { firstAligned, position32 } from './common.js';

function powerpc(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  let converted = 0;
  const end = data.length - 4;
  for (let i = firstAligned(base, 4); i <= end; i += 4) {
    // Primary opcode 18 (bits 0-5 = 010010), AA = 0, LK = 1.
    const b0 = data[i]!;
    const b3 = data[i + 3]!;
    if (((b0 >>> 2) ^ 0x12) | ((b3 & 3) ^ 1)) continue;
    const src = ((b0 & 3) << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | (b3 & 0xfc);
    const pc = base + i;
    const dest = encoding ? (pc + src) >>> 0 : (src - pc) >>> 0;
    data[i] = 0x48 | ((dest >>> 24) & 3);
    data[i + 1] = dest >>> 16;
    data[i + 2] = dest >>> 8;
    data[i + 3] = (b3 & 3) | (dest & 0xff);
    converted++;
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of branches converted. */
export function powerpcEncode(data: Uint8Array, startPos = 0): number {
  return powerpc(data, startPos, true, 'powerpcEncode');
}

/** Decodes what powerpcEncode made, in place, with the same startPos. */
export function powerpcDecode(data: Uint8Array, startPos = 0): number {
  return powerpc(data, startPos, false, 'powerpcDecode');
}

/**
 * The ARM filter (id 7): the 24-bit offsets of BL instructions (A32, little-endian) become
 * absolute, as liblzma's ARM BCJ filter does. docs/FILTERS.md, "ARM".
 */
import { firstAligned, position32 } from './common.js';

function arm(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  let converted = 0;
  const end = data.length - 4;
  for (let i = firstAligned(base, 4); i <= end; i += 4) {
    // BL with the condition "always": bits 24-31 are 0xEB.
    if (data[i + 3] !== 0xeb) continue;
    const src = ((data[i + 2]! << 16) | (data[i + 1]! << 8) | data[i]!) << 2;
    const pc = base + i + 8;
    const dest = (encoding ? (pc + src) >>> 0 : (src - pc) >>> 0) >>> 2;
    data[i + 2] = dest >>> 16;
    data[i + 1] = dest >>> 8;
    data[i] = dest;
    converted++;
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of BL instructions converted. */
export function armEncode(data: Uint8Array, startPos = 0): number {
  return arm(data, startPos, true, 'armEncode');
}

/** Decodes what armEncode made, in place, with the same startPos. */
export function armDecode(data: Uint8Array, startPos = 0): number {
  return arm(data, startPos, false, 'armDecode');
}

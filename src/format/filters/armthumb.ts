/**
 * The ARM-Thumb filter (id 8): the 22-bit offsets of Thumb BL instruction pairs
 * (little-endian halfwords F000-F7FF then F800-FFFF) become absolute, as liblzma's
 * ARM-Thumb BCJ filter does. docs/FILTERS.md, "ARM-Thumb".
 */
import { firstAligned, position32 } from './common.js';

function armthumb(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  let converted = 0;
  const end = data.length - 4;
  let i = firstAligned(base, 2);
  while (i <= end) {
    const b1 = data[i + 1]!;
    const b3 = data[i + 3]!;
    // One test for both halfwords: a branch taken only at a BL pair predicts well in Thumb-2
    // code, where the first halfword's pattern alone is common.
    if ((((b1 & 0xf8) ^ 0xf0) | ((b3 & 0xf8) ^ 0xf8)) !== 0) {
      i += 2;
      continue;
    }
    const src = (((b1 & 7) << 19) | (data[i]! << 11) | ((b3 & 7) << 8) | data[i + 2]!) << 1;
    const pc = base + i + 4;
    const dest = (encoding ? (pc + src) >>> 0 : (src - pc) >>> 0) >>> 1;
    data[i + 1] = 0xf0 | ((dest >>> 19) & 7);
    data[i] = dest >>> 11;
    data[i + 3] = 0xf8 | ((dest >>> 8) & 7);
    data[i + 2] = dest;
    i += 4;
    converted++;
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of BL pairs converted. */
export function armthumbEncode(data: Uint8Array, startPos = 0): number {
  return armthumb(data, startPos, true, 'armthumbEncode');
}

/** Decodes what armthumbEncode made, in place, with the same startPos. */
export function armthumbDecode(data: Uint8Array, startPos = 0): number {
  return armthumb(data, startPos, false, 'armthumbDecode');
}

/**
 * The SPARC filter (id 9): the 30-bit displacements of CALL instructions (big-endian)
 * whose value fits in 23 signed bits become absolute, as liblzma's SPARC BCJ filter does.
 * docs/FILTERS.md, "SPARC".
 */
import { firstAligned, position32 } from './common.js';

function sparc(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  let converted = 0;
  const end = data.length - 4;
  for (let i = firstAligned(base, 4); i <= end; i += 4) {
    const b0 = data[i]!;
    const b1 = data[i + 1]!;
    if (!((b0 === 0x40 && (b1 & 0xc0) === 0x00) || (b0 === 0x7f && (b1 & 0xc0) === 0xc0))) continue;
    const src = ((b0 << 24) | (b1 << 16) | (data[i + 2]! << 8) | data[i + 3]!) << 2;
    const pc = base + i;
    let dest = (encoding ? (pc + (src >>> 0)) >>> 0 : ((src >>> 0) - pc) >>> 0) >>> 2;
    dest = ((-((dest >>> 22) & 1) << 22) & 0x3fffffff) | (dest & 0x3fffff) | 0x40000000;
    data[i] = dest >>> 24;
    data[i + 1] = dest >>> 16;
    data[i + 2] = dest >>> 8;
    data[i + 3] = dest;
    converted++;
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of calls converted. */
export function sparcEncode(data: Uint8Array, startPos = 0): number {
  return sparc(data, startPos, true, 'sparcEncode');
}

/** Decodes what sparcEncode made, in place, with the same startPos. */
export function sparcDecode(data: Uint8Array, startPos = 0): number {
  return sparc(data, startPos, false, 'sparcDecode');
}

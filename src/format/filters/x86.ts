/**
 * The x86 filter (id 4): the rel32 operands of CALL (E8) and JMP (E9) become absolute, as
 * liblzma's x86 BCJ filter does, state machine included. docs/FILTERS.md, "x86".
 */
import { position32 } from './common.js';

/** MASK_TO_ALLOWED_STATUS: whether a conversion may happen for (mask >> 1) & 7. */
const ALLOWED = new Uint8Array([1, 1, 1, 0, 1, 0, 0, 0]);
/** MASK_TO_BIT_NUMBER: which operand byte must not look like a high byte, for mask >> 1. */
const BIT_NUMBER = new Uint8Array([0, 1, 2, 2, 3, 3, 3, 3]);

/** Inputs shorter than this are scanned a byte at a time. */
const WORDS_MIN = 64;
const NO_WORDS = new Uint32Array(0);

function x86(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  const n = data.length;
  if (n < 5) return 0;
  const limit = n - 5;
  let mask = 0;
  // Index of the last E8/E9 byte looked at; far enough back that the first one resets the mask.
  let prev = -6;
  let converted = 0;
  // The scan for E8/E9 skips four bytes at a time over the aligned words of the data.
  const head = (4 - (data.byteOffset & 3)) & 3;
  const words = n >= WORDS_MIN ? new Uint32Array(data.buffer, data.byteOffset + head, (n - head) >>> 2) : NO_WORDS;
  const wordCount = words.length;
  let i = 0;
  while (i <= limit) {
    if (i >= head && ((i - head) & 3) === 0) {
      let w = (i - head) >>> 2;
      while (w < wordCount) {
        // Zero bytes of (word & FEFEFEFE) ^ E8E8E8E8 are the E8 and E9 bytes, in either byte order.
        const v = (words[w]! & 0xfefefefe) ^ 0xe8e8e8e8;
        if (((v - 0x01010101) & ~v & 0x80808080) !== 0) break;
        w++;
      }
      i = head + w * 4;
      if (i > limit) break;
    }
    if ((data[i]! & 0xfe) !== 0xe8) {
      i++;
      continue;
    }
    const distance = i - prev;
    prev = i;
    if (distance > 5) mask = 0;
    else for (let k = 0; k < distance; k++) mask = (mask & 0x77) << 1;
    const b4 = data[i + 4]!;
    if ((b4 === 0x00 || b4 === 0xff) && ALLOWED[(mask >>> 1) & 7] === 1 && mask >>> 1 < 0x10) {
      let src = ((b4 << 24) | (data[i + 3]! << 16) | (data[i + 2]! << 8) | data[i + 1]!) >>> 0;
      const pc = (base + i + 5) >>> 0;
      let dest: number;
      for (;;) {
        dest = encoding ? (src + pc) >>> 0 : (src - pc) >>> 0;
        if (mask === 0) break;
        const bit = BIT_NUMBER[mask >>> 1]!;
        const b = (dest >>> (24 - bit * 8)) & 0xff;
        if (b !== 0x00 && b !== 0xff) break;
        src = (dest ^ ((1 << (32 - bit * 8)) - 1)) >>> 0;
      }
      data[i + 4] = (dest >>> 24) & 1 ? 0xff : 0x00;
      data[i + 3] = dest >>> 16;
      data[i + 2] = dest >>> 8;
      data[i + 1] = dest;
      i += 5;
      mask = 0;
      converted++;
    } else {
      i++;
      mask |= 1;
      if (b4 === 0x00 || b4 === 0xff) mask |= 0x10;
    }
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of CALL/JMP operands converted. */
export function x86Encode(data: Uint8Array, startPos = 0): number {
  return x86(data, startPos, true, 'x86Encode');
}

/** Decodes what x86Encode made, in place, with the same startPos. */
export function x86Decode(data: Uint8Array, startPos = 0): number {
  return x86(data, startPos, false, 'x86Decode');
}

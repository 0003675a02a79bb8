/**
 * The IA-64 filter (id 6): in each 16-byte bundle, the 21-bit offsets (in bundles) of the
 * IP-relative branch slots that the bundle's template names become absolute, as liblzma's
 * IA-64 BCJ filter does. docs/FILTERS.md, "IA-64".
 */
import { firstAligned, position32 } from './common.js';

/**
 * BRANCH_TABLE: for each 5-bit template, the slots (bit s for slot s) that may hold a
 * branch: templates 0x10-0x13 (MIB, MBB), 0x16-0x17 (BBB), 0x18-0x19 (MMB), 0x1C-0x1D (MFB).
 */
const BRANCH_SLOTS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0,
  4, 4, 6, 6, 0, 0, 7, 7,
  4, 4, 0, 0, 4, 4, 0, 0,
]);

/** Bits [bit, bit + width) of the bundle at data[at..at+16), little-endian bit order; width <= 24. */
function bits(data: Uint8Array, at: number, bit: number, width: number): number {
  const first = at + (bit >>> 3);
  const last = at + ((bit + width - 1) >>> 3);
  let v = 0;
  for (let j = last; j >= first; j--) v = v * 256 + data[j]!;
  return Math.floor(v / (1 << (bit & 7))) % (1 << width);
}

/** Sets bits [bit, bit + width) of the bundle at data[at..at+16) to value (0 <= value < 2^width); width <= 24. */
function setBits(data: Uint8Array, at: number, bit: number, width: number, value: number): void {
  const shift = bit & 7;
  const first = at + (bit >>> 3);
  const last = at + ((bit + width - 1) >>> 3);
  let v = 0;
  for (let j = last; j >= first; j--) v = v * 256 + data[j]!;
  const low = v % (1 << shift);
  const high = Math.floor(v / (1 << (shift + width)));
  v = (high * (1 << width) + value) * (1 << shift) + low;
  for (let j = first; j <= last; j++) {
    data[j] = v % 256;
    v = Math.floor(v / 256);
  }
}

function ia64(data: Uint8Array, startPos: number, encoding: boolean, who: string): number {
  const base = position32(who, startPos);
  let converted = 0;
  const end = data.length - 16;
  for (let i = firstAligned(base, 16); i <= end; i += 16) {
    const slots = BRANCH_SLOTS[data[i]! & 0x1f]!;
    if (slots === 0) continue;
    for (let slot = 0; slot < 3; slot++) {
      if (((slots >>> slot) & 1) === 0) continue;
      // Slot s is the 41 bits from bit 5 + 41 s; its bit k is bundle bit p + k.
      const p = 5 + 41 * slot;
      // Major opcode 5 (bits 37-40) and btype 0 (bits 9-11): IP-relative branch.
      if (bits(data, i, p + 37, 4) !== 5 || bits(data, i, p + 9, 3) !== 0) continue;
      // imm20b (bits 13-32) and the sign bit (36): a 21-bit offset in 16-byte bundles.
      const src = (bits(data, i, p + 13, 20) | (bits(data, i, p + 36, 1) << 20)) << 4;
      const pc = base + i;
      const dest = (encoding ? (pc + src) >>> 0 : (src - pc) >>> 0) >>> 4;
      setBits(data, i, p + 13, 20, dest & 0xfffff);
      setBits(data, i, p + 36, 1, (dest >>> 20) & 1);
      converted++;
    }
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of branch slots converted. */
export function ia64Encode(data: Uint8Array, startPos = 0): number {
  return ia64(data, startPos, true, 'ia64Encode');
}

/** Decodes what ia64Encode made, in place, with the same startPos. */
export function ia64Decode(data: Uint8Array, startPos = 0): number {
  return ia64(data, startPos, false, 'ia64Decode');
}

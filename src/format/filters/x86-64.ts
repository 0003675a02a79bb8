/**
 * The x86-64 filter (id 0x40, pfsc's own). x86-64 code refers to its functions and globals
 * through 32-bit fields relative to the end of the instruction, so one target reached from
 * many places is many different byte strings. This filter makes three kinds of field
 * absolute (value + position of the instruction's end), so that every reference to one
 * target is the same four bytes and LZMA2 finds them as repeats. docs/FILTERS.md, "x86-64".
 *
 * It runs three passes over the data, each a left-to-right scan:
 *
 * 1. the x86 filter (CALL E8 and JMP E9 rel32, liblzma's state machine);
 * 2. conditional jumps: 0F 80-8F rel32;
 * 3. RIP-relative operands: [REX] op ModRM disp32 [imm], ModRM with mod 00 and r/m 101,
 *    for the one-byte opcodes of RIP_OPCODES and RIP_IMM_OPCODES.
 *
 * Passes 2 and 3 convert every field their pattern finds (modulo 2^32), without guessing
 * whether it is really an instruction: a wrong guess costs a little compression, never
 * correctness. Each pass is a bijection: the bytes a scan looks at to decide (opcode, prefix,
 * ModRM) lie before the field it converts and are never converted themselves, so decoding
 * sees the same decisions; decoding runs the three passes' inverses in reverse order.
 */
import { position32 } from './common.js';
import { x86Decode, x86Encode } from './x86.js';

/** One-byte opcodes whose ModRM may address [rip + disp32], with nothing after the disp32. */
export const RIP_OPCODES: readonly number[] = [
  0x01, 0x03, 0x09, 0x0b, 0x11, 0x13, 0x19, 0x1b, 0x21, 0x23, 0x29, 0x2b, 0x31, 0x33, 0x38, 0x39, 0x3a, 0x3b,
  0x63, 0x84, 0x85, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8d, 0xff,
];
/** One-byte opcodes with an immediate after the disp32: opcode → immediate bytes. */
export const RIP_IMM_OPCODES: ReadonlyMap<number, number> = new Map([[0x80, 1], [0x81, 4], [0x83, 1], [0xc6, 1], [0xc7, 4]]);

/** For each byte: 1 + immediate bytes if it is a RIP-relative opcode, else 0. */
const RIP_FORM = new Uint8Array(256);
for (const o of RIP_OPCODES) RIP_FORM[o] = 1;
for (const [o, k] of RIP_IMM_OPCODES) RIP_FORM[o] = 1 + k;

/** data[q, q + 4) (little-endian) plus or minus `end`, modulo 2^32. */
function convert(data: Uint8Array, q: number, end: number, encoding: boolean): void {
  const v = (data[q]! | (data[q + 1]! << 8) | (data[q + 2]! << 16) | (data[q + 3]! << 24)) >>> 0;
  const r = encoding ? (v + end) >>> 0 : (v - end) >>> 0;
  data[q] = r;
  data[q + 1] = r >>> 8;
  data[q + 2] = r >>> 16;
  data[q + 3] = r >>> 24;
}

/** Pass 2: the rel32 of every 0F 8x found scanning left to right; returns how many. */
function conditionalJumps(data: Uint8Array, base: number, encoding: boolean): number {
  const n = data.length;
  let converted = 0;
  let i = data.indexOf(0x0f);
  while (i >= 0 && i + 6 <= n) {
    if ((data[i + 1]! & 0xf0) === 0x80) {
      convert(data, i + 2, (base + i + 6) >>> 0, encoding);
      converted++;
      i = data.indexOf(0x0f, i + 6);
    } else {
      i = data.indexOf(0x0f, i + 1);
    }
  }
  return converted;
}

/**
 * Pass 3: the disp32 of every [REX] op ModRM(00 reg 101) found scanning left to right. A
 * position can start one only if the byte 1 or 2 after it looks like such a ModRM, so the
 * scan jumps to two bytes before the next byte that does (`next`).
 */
function ripRelative(data: Uint8Array, base: number, encoding: boolean): number {
  const n = data.length;
  let converted = 0;
  let i = 0;
  let next = 0;
  while (i + 6 <= n) {
    if (next <= i) {
      next = i + 1;
      while (next < n && (data[next]! & 0xc7) !== 0x05) next++;
    }
    if (next - 2 > i) {
      i = next - 2;
      if (i + 6 > n) break;
    }
    const p = (data[i]! & 0xf0) === 0x40 ? i + 1 : i;
    const form = RIP_FORM[data[p]!]!;
    if (form !== 0 && (data[p + 1]! & 0xc7) === 0x05) {
      const end = p + 5 + form; // opcode, ModRM, disp32, immediate
      if (end <= n) {
        convert(data, p + 2, (base + end) >>> 0, encoding);
        converted++;
        i = end;
        continue;
      }
    }
    i++;
  }
  return converted;
}

/** Encodes data in place (data[0] at position startPos); returns the number of fields converted. */
export function x8664Encode(data: Uint8Array, startPos = 0): number {
  const base = position32('x8664Encode', startPos);
  let converted = x86Encode(data, base);
  converted += conditionalJumps(data, base, true);
  converted += ripRelative(data, base, true);
  return converted;
}

/** Decodes what x8664Encode made, in place, with the same startPos. */
export function x8664Decode(data: Uint8Array, startPos = 0): number {
  const base = position32('x8664Decode', startPos);
  let converted = ripRelative(data, base, false);
  converted += conditionalJumps(data, base, false);
  converted += x86Decode(data, base);
  return converted;
}

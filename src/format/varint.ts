/**
 * Unsigned LEB128 varints and zigzag, limited to values below 2^53 and to 8 bytes, as
 * docs/FORMAT.md requires. Plain arithmetic, not bit operators, so values above 2^32 work.
 */
import { MAX_NUMBER, MAX_VARINT_BYTES } from './constants.js';
import { fail } from './fail.js';

/** Bytes the varint of `value` takes (value: integer in [0, 2^53)). */
export function varintLength(value: number): number {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes the varint of `value` at buf[pos..]; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  while (value >= 128) {
    buf[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[pos++] = value;
  return pos;
}

/** Zigzag: 0, -1, 1, -2, 2 ... become 0, 1, 2, 3, 4 ... (|d| < 2^52). */
export function zigzagEncode(d: number): number {
  return d >= 0 ? d * 2 : -d * 2 - 1;
}

export function zigzagDecode(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Result slot for readVarint, reused to avoid allocating per call. */
export interface VarintCursor {
  /** Position of the next byte to read. */
  pos: number;
}

/**
 * Reads a varint from buf at cursor.pos, advancing it. Returns the value, or -1 when buf
 * ends before the varint does (the caller decides whether that means truncated or corrupt).
 * Throws PFSC_PBB_CORRUPT for a varint longer than 8 bytes, a value of 2^53 or more, or a
 * non-minimal encoding (a last byte of 0 after other bytes). `what` names the field.
 */
export function readVarint(buf: Uint8Array, cursor: VarintCursor, end: number, what: () => string): number {
  let pos = cursor.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos >= end) return -1;
    const b = buf[pos++]!;
    const low = b & 0x7f;
    if (i === MAX_VARINT_BYTES - 1) {
      if (b & 0x80) fail('PFSC_PBB_CORRUPT', `${what()}: varint longer than ${MAX_VARINT_BYTES} bytes`);
      if (low * scale + value >= MAX_NUMBER) fail('PFSC_PBB_CORRUPT', `${what()}: varint is 2^53 or more`);
    }
    value += low * scale;
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) fail('PFSC_PBB_CORRUPT', `${what()}: varint has a needless trailing zero byte`);
      cursor.pos = pos;
      return value;
    }
    scale *= 128;
  }
  /* unreachable: the last iteration either returns or throws */
  return fail('PFSC_PBB_CORRUPT', `${what()}: varint longer than ${MAX_VARINT_BYTES} bytes`);
}

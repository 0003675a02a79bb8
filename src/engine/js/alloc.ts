import { argText } from './range.js';

/** allocBytes: a zero-filled array of `length` bytes, with the native kernel's argument check. */
export function allocBytes(length: number): Uint8Array {
  if (!(typeof length === 'number' && Number.isInteger(length) && length >= 0 && length <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`allocBytes: length ${argText(length)} is not a non-negative integer`);
  }
  return new Uint8Array(length);
}

/** Argument checks shared by the JS kernels; the native ones make the same checks. */

/** Throws a RangeError unless 0 <= start <= end <= length, all integers. */
export function checkRange(what: string, length: number, start: number, end: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= length)) {
    throw new RangeError(`${what}: range [${start}, ${end}) is outside the ${length}-byte array`);
  }
}

/** Throws a RangeError unless n is an integer from 0 to 2^53 - 1 (a byte count a number holds exactly). */
export function checkCount(what: string, n: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`${what}: ${String(n)} is not a byte count`);
}

/** Throws a TypeError unless argument number `n` (from 1) is a Uint8Array (a Buffer is one). */
export function checkBytes(what: string, value: unknown, n: number): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what}: argument ${n} must be a Uint8Array`);
}

/** Argument checks shared by the JS kernels; the native ones make the same checks. */

/** Throws a RangeError unless 0 <= start <= end <= length, all integers. */
export function checkRange(what: string, length: number, start: number, end: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= length)) {
    throw new RangeError(`${what}: range [${start}, ${end}) is outside the ${length}-byte array`);
  }
}

/** Throws a RangeError unless n is an integer >= 0. */
export function checkCount(what: string, n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${what}: ${n} is not a byte count`);
}

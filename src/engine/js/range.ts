/** Argument checks shared by the JS kernels; the native ones make the same checks. */

/**
 * An argument as text for a message. A symbol, or an object whose toString throws, is named
 * instead, as the addon names it: the message's own error is the one to throw.
 */
export function argText(v: unknown): string {
  if (typeof v === 'symbol') return 'a symbol';
  try {
    return String(v);
  } catch {
    return 'a value';
  }
}

/** Throws a RangeError unless 0 <= start <= end <= length, all integers. */
export function checkRange(what: string, length: number, start: number, end: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= length)) {
    throw new RangeError(`${what}: range [${argText(start)}, ${argText(end)}) is outside the ${length}-byte array`);
  }
}

/** Throws a TypeError unless path is a string (the addon takes no Buffer or URL paths). */
export function checkPath(what: string, path: unknown): void {
  if (typeof path !== 'string') throw new TypeError(`${what}: the path must be a string`);
}

/** Throws a RangeError unless n is an integer from 0 to 2^53 - 1 (a byte count a number holds exactly). */
export function checkCount(what: string, n: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`${what}: ${argText(n)} is not a byte count`);
}

/** Throws a TypeError unless argument number `n` (from 1) is a Uint8Array (a Buffer is one). */
export function checkBytes(what: string, value: unknown, n: number): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what}: argument ${n} must be a Uint8Array`);
}

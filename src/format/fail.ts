import { PfscError, type ErrorCode } from '../errors.js';

/** Throws a PfscError; typed `never` so control flow analysis knows it does not return. */
export function fail(code: ErrorCode, message: string, cause?: unknown): never {
  throw new PfscError(code, message, cause === undefined ? {} : { cause });
}

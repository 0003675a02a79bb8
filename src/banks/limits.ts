/** The bank language's limits (docs/BANKS.md, section 7). */

/** The language version this implementation reads (`bank 1`). */
export const BANK_LANGUAGE_VERSION = 1;

/** Largest output of any item, and of a whole bank: 2^30 bytes (1 GiB). */
export const MAX_BANK_OUTPUT = 2 ** 30;

/** Default limit on a bank's output for compileBank(): 256 MiB. */
export const DEFAULT_BANK_LIMIT = 256 * 2 ** 20;

/** Largest bank text: 1 MiB of UTF-8. */
export const MAX_BANK_TEXT = 2 ** 20;

/** Deepest nesting of groups `( ... )`. */
export const MAX_BANK_DEPTH = 64;

/** Longest number literal, in characters. */
export const MAX_NUMBER_LENGTH = 64;

/** Largest de Bruijn sequence: k^n symbols. */
export const MAX_DEBRUIJN_LENGTH = 2 ** 26;

/** Most sample digests in a header. */
export const MAX_SAMPLES = 4096;

/** Longest `name` in a header, in bytes. */
export const MAX_NAME = 64;

/** Longest random `seed`, in bytes. */
export const MAX_SEED = 256;

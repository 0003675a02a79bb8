/**
 * The bank language: a small language for byte patterns that compiles a `.bank` file to the
 * same bytes on every machine. docs/BANKS.md is the normative description.
 *
 *     parseBank(text)            → BankProgram (checked, lengths known, no bytes made)
 *     emitBank(program, out)     → writes a prefix of its bytes into out
 *     compileBank(text, options) → Uint8Array of all its bytes
 *     bankParams(text)           → the manifest parameters of a `bank` bank
 */
export type { BankContent, BankHeader, BankNode, BankProgram } from './program.js';
export { compileBank, parseBank, type BankOptions } from './compile.js';
export { emitBank } from './emit.js';
export { bankRandomKey } from './random.js';
export { BANK_TEXT_CHUNK, BANK_TEXT_PARAMS, bankTextFromParams, escapeBankParams, MAX_ESCAPED_BANK_TEXT } from './manifest-params.js';
export { bankParams } from './bank-params.js';
export {
  BANK_LANGUAGE_VERSION,
  DEFAULT_BANK_LIMIT,
  MAX_BANK_DEPTH,
  MAX_BANK_OUTPUT,
  MAX_BANK_TEXT,
  MAX_DEBRUIJN_LENGTH,
  MAX_SAMPLES,
} from './limits.js';

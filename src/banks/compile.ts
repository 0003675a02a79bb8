/** Reading a bank file into a checked program, and making its bytes. */
import { PfscError } from '../errors.js';
import { checkFile } from './check.js';
import { emitBank } from './emit.js';
import { tokenize } from './lexer.js';
import { DEFAULT_BANK_LIMIT, MAX_BANK_OUTPUT } from './limits.js';
import { parseTokens } from './parser.js';
import type { BankProgram } from './program.js';

export interface BankOptions {
  /**
   * The most bytes the bank may make, 1 to MAX_BANK_OUTPUT (2^30); a bank that makes more is
   * refused (PFSC_BANK_INVALID) before anything is allocated. Default DEFAULT_BANK_LIMIT
   * (256 MiB) for compileBank, MAX_BANK_OUTPUT for parseBank.
   */
  limit?: number;
}

function limitOf(options: BankOptions | undefined, fallback: number): number {
  const limit = options?.limit ?? fallback;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_BANK_OUTPUT) {
    throw new PfscError('PFSC_USAGE', `a bank's limit must be an integer from 1 to ${MAX_BANK_OUTPUT}, got ${String(limit)}`);
  }
  return limit;
}

/**
 * Reads and checks a bank file: its version, header and body, every length and limit. Makes
 * no bytes. Throws PFSC_BANK_INVALID with one line naming the line and column.
 */
export function parseBank(text: string, options?: BankOptions): BankProgram {
  const limit = limitOf(options, MAX_BANK_OUTPUT);
  if (typeof text !== 'string') throw new PfscError('PFSC_USAGE', `a bank's text must be a string, got ${typeof text}`);
  return checkFile(text, parseTokens(text, tokenize(text)), limit);
}

/** The bytes of a bank file, all program.length of them (at most options.limit). */
export function compileBank(text: string, options?: BankOptions): Uint8Array {
  const program = parseBank(text, { limit: limitOf(options, DEFAULT_BANK_LIMIT) });
  const out = new Uint8Array(program.length);
  const written = emitBank(program, out);
  if (written !== program.length) {
    throw new PfscError('PFSC_INTERNAL', `bank emitted ${written} of its ${program.length} bytes`);
  }
  return out;
}

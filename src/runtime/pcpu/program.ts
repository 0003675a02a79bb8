/**
 * pCPU programs: the text a user writes (`xor:255,add:7,counteq:0,crc32c,fnv`) turned into a
 * checked Program. docs/PCPU.md is the specification.
 */
import { PfscError } from '../../errors.js';
import { tokenize } from './lexer.js';
import type { Program } from './ops.js';
import { parseTokens } from './parser.js';
import { validateProgram } from './validate.js';

/** Longer program texts are refused before lexing (64 KiB is far more than 256 ops with comments need). */
export const MAX_PROGRAM_TEXT = 64 * 1024;

/**
 * Reads a program. Throws PFSC_PROGRAM_INVALID with the line and column of the first
 * problem: a character no token starts with, a token the grammar does not expect there,
 * an unknown op, a missing, extra or out-of-range immediate.
 */
export function parseProgram(text: string): Program {
  if (text.length > MAX_PROGRAM_TEXT) {
    throw new PfscError('PFSC_PROGRAM_INVALID', `program is ${text.length} characters long; at most ${MAX_PROGRAM_TEXT} are allowed`);
  }
  return validateProgram(parseTokens(text, tokenize(text)));
}

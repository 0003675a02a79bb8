/**
 * pCPU programs: the text a user writes (`xor:255,add:7,counteq:0,crc32c,fnv`) turned into a
 * checked Program, and the names of its accumulators. docs/PCPU.md is the specification.
 */
import { PfscError } from '../../errors.js';
import { tokenize } from './lexer.js';
import { OPS, opText, type Program } from './ops.js';
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

/**
 * The accumulator names of a program's reductions, in program order: the op's canonical
 * text (`counteq:0`, `crc32c`, `fnv`), and when the same text occurs more than once, each
 * occurrence followed by `@` and its op's position in the program, from 1 (`crc32c@1`).
 */
export function accumulatorNames(program: Program): string[] {
  const texts = program.ops.map(opText);
  const seen = new Map<string, number>();
  program.ops.forEach((op, i) => {
    if (OPS[op.name].role === 'reduction') seen.set(texts[i]!, (seen.get(texts[i]!) ?? 0) + 1);
  });
  const names: string[] = [];
  program.ops.forEach((op, i) => {
    if (OPS[op.name].role !== 'reduction') return;
    const t = texts[i]!;
    names.push(seen.get(t)! > 1 ? `${t}@${i + 1}` : t);
  });
  return names;
}

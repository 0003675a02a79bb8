/**
 * Errors in a program's text: one line that names the line and column of the bad token.
 */
import { PfscError } from '../../errors.js';
import type { SourcePosition } from './ast.js';

export function programError(at: SourcePosition, message: string): PfscError {
  return new PfscError('PFSC_PROGRAM_INVALID', `program line ${at.line}, column ${at.column}: ${message}`);
}

/** How a token is named in a message: its text in quotes, or what stands for the end. */
export function describeToken(text: string | undefined): string {
  if (text === undefined || text === '') return 'the end of the program';
  return JSON.stringify(text);
}

/** The position just past the last character of `text` (where the end of the program is). */
export function endOf(text: string): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // \r\n, \r and \n each end a line, as they do for the lexer's line counting.
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: text.length - lineStart + 1, offset: text.length };
}

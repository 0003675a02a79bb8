/**
 * Errors in a bank file's text: one PFSC_BANK_INVALID line naming the line and column.
 */
import { PfscError } from '../errors.js';
import type { SourcePosition } from './ast.js';

export function bankError(at: SourcePosition, message: string): PfscError {
  return new PfscError('PFSC_BANK_INVALID', `bank line ${at.line}, column ${at.column}: ${message}`);
}

/**
 * How a token is named in a message: its text in quotes, printable ASCII only (anything else
 * as a \u escape, so a message stays one line), shortened past 40 characters.
 */
export function describeToken(text: string | undefined): string {
  if (text === undefined || text === '') return 'the end of the file';
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return quote(short);
}

/** A JSON-style quoted string whose characters are all printable ASCII. */
export function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += `\\${text[i]}`;
    else if (c >= 0x20 && c <= 0x7e) out += text[i];
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** The line and column of a UTF-16 offset in `text` (\r\n, \r and \n each end a line). */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** The position just past the last character of `text` (where the end of the file is). */
export function endOf(text: string): SourcePosition {
  return positionAt(text, text.length);
}

/** The position `delta` characters into a token that starts at `at` and holds `text`. */
export function inside(at: SourcePosition, text: string, delta: number): SourcePosition {
  let line = at.line;
  let column = at.column;
  for (let i = 0; i < delta && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return { line, column, offset: at.offset + delta };
}

/**
 * The tokens of the pCPU program language (docs/PCPU.md, "Syntax"). Whitespace, line breaks
 * and `#` comments separate tokens and are otherwise ignored.
 */
import type { IToken, Lexer as LexerType } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import { programError } from './program-error.js';

const { createToken, Lexer } = chevrotain;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '","' });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '":"' });
export const Name = createToken({ name: 'Name', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'an op name' });
/**
 * Anything that starts like a number, letters included ("12ab", "0x", "-1"): taken whole so
 * validation can quote it in full rather than the lexer stopping in its middle.
 */
export const Immediate = createToken({ name: 'Immediate', pattern: /[-+]?[0-9][0-9A-Za-z_]*/, label: 'an immediate' });

export const ALL_TOKENS = [WhiteSpace, Comment, Comma, Colon, Name, Immediate];

let lexer: LexerType | undefined;

/** The program's tokens; throws PFSC_PROGRAM_INVALID at the first character no token matches. */
export function tokenize(text: string): IToken[] {
  // Built on first use: chevrotain checks the token definitions when a lexer is made.
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: 'full', recoveryEnabled: false, ensureOptimizations: false });
  const r = lexer.tokenize(text);
  const bad = r.errors[0];
  if (bad !== undefined) {
    const at = { line: bad.line ?? 1, column: bad.column ?? 1, offset: bad.offset };
    throw programError(at, `unexpected character ${JSON.stringify(text.charAt(bad.offset))}`);
  }
  return r.tokens;
}

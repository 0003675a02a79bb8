/**
 * The tokens of the bank language (docs/BANKS.md, section 2). Whitespace, line
 * breaks and `#` comments separate tokens and are otherwise ignored.
 */
import type { IToken, Lexer as LexerType, TokenType } from 'chevrotain';
import { chevrotain } from '../runtime/pcpu/chevrotain.js';
import { bankError, positionAt, quote } from './bank-error.js';
import { MAX_BANK_TEXT } from './limits.js';

const { createToken, Lexer } = chevrotain;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });
/** A hex string may span lines: whitespace between its byte pairs is allowed. */
export const HexString = createToken({ name: 'HexString', pattern: /x"[^"]*"/, line_breaks: true, label: 'a hex string' });
/** A hex string without its closing quote: taken to the end of the text, then refused. */
export const BadHexString = createToken({ name: 'BadHexString', pattern: /x"[^"]*/, line_breaks: true });
export const StringLit = createToken({ name: 'String', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/, label: 'a string' });
/** A string without its closing quote on the same line: refused by tokenize(). */
export const BadString = createToken({ name: 'BadString', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/ });
export const Digest = createToken({
  name: 'Digest',
  pattern: /[0-9a-f]{64}(?![0-9A-Za-z_])/,
  start_chars_hint: [...'0123456789abcdef'],
  label: 'a sha256 digest (64 lowercase hex digits)',
});
/**
 * Anything that starts like a number, letters included ("12ab", "0x", "-1"): taken whole so
 * the checker can quote it in full rather than the lexer stopping in its middle.
 */
export const NumberLit = createToken({ name: 'Number', pattern: /-?[0-9][0-9A-Za-z_]*/, label: 'a number' });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: '".."' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '"("' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '")"' });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: '"["' });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: '"]"' });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: '"*"' });
/** Any other word: no construct uses one, so it is always an error, quoted whole. */
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a word' });

/** Categories: the constructs that take clauses, the clauses that take a number, content kinds. */
export const Construct = createToken({ name: 'Construct', pattern: Lexer.NA, label: 'a construct' });
export const NumberClause = createToken({ name: 'NumberClause', pattern: Lexer.NA, label: 'a clause' });
export const ContentKind = createToken({ name: 'ContentKind', pattern: Lexer.NA, label: 'code, text or data' });

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Word, categories, label: `"${word}"` });
}

export const KwBank = keyword('bank');
export const KwName = keyword('name');
export const KwContent = keyword('content');
export const KwSize = keyword('size');
export const KwSamples = keyword('samples');
export const KwAlign = keyword('align');
export const KwFill = keyword('fill');
export const KwSeed = keyword('seed');
export const KwOver = keyword('over');
const numberClauses = ['from', 'step', 'count', 'order'].map((w) => keyword(w, [NumberClause]));
const contentKinds = ['code', 'text', 'data'].map((w) => keyword(w, [ContentKind]));
/** Longer words first: `u16le` must not be read as `u16` then `le`. */
const constructs = ['u8', 'u16le', 'u16be', 'u32le', 'u32be', 'u64le', 'u64be', 'uleb128', 'sleb128', 'debruijn', 'random'].map((w) =>
  keyword(w, [Construct]),
);

export const KEYWORDS: readonly TokenType[] = [
  KwBank, KwName, KwContent, KwSize, KwSamples, KwAlign, KwFill, KwSeed, KwOver,
  ...numberClauses, ...contentKinds, ...constructs,
];

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, Comment, HexString, BadHexString, StringLit, BadString, Digest, NumberLit,
  DotDot, LParen, RParen, LBracket, RBracket, Star,
  ...KEYWORDS, Word,
  Construct, NumberClause, ContentKind,
];

let lexer: LexerType | undefined;

/** The first lone surrogate in `text` (not half of a pair), or -1. */
function loneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

/**
 * The text's tokens; throws PFSC_BANK_INVALID for a text over MAX_BANK_TEXT bytes, a text
 * that is not well-formed Unicode, an unterminated string, or the first character no token
 * matches.
 */
export function tokenize(text: string): IToken[] {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BANK_TEXT) {
    throw bankError({ line: 1, column: 1, offset: 0 }, `the text has ${size} bytes of UTF-8; a bank file may have at most ${MAX_BANK_TEXT}`);
  }
  const lone = loneSurrogate(text);
  if (lone >= 0) throw bankError(positionAt(text, lone), 'the text is not well-formed Unicode (a lone surrogate)');
  // Built on first use: chevrotain checks the token definitions when a lexer is made.
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: 'full', recoveryEnabled: false, ensureOptimizations: false });
  const r = lexer.tokenize(text);
  const bad = r.errors[0];
  if (bad !== undefined) {
    const at = positionAt(text, bad.offset);
    throw bankError(at, `unexpected character ${quote(String.fromCodePoint(text.codePointAt(bad.offset) ?? 0))}`);
  }
  for (const t of r.tokens) {
    if (t.tokenType === BadString || t.tokenType === BadHexString) {
      const what = t.tokenType === BadString ? 'a string' : 'a hex string';
      const where = t.tokenType === BadString ? 'before the end of its line' : 'before the end of the file';
      throw bankError(positionAt(text, t.startOffset), `${what} is not closed with " ${where}`);
    }
  }
  return r.tokens;
}

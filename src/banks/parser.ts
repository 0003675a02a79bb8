/**
 * The grammar of bank files (docs/BANKS.md, section 3), read into a FileNode:
 *
 *     file      := "bank" Number field* item*
 *     field     := "name" String | "content" ContentKind | "size" Number | "samples" Digest+
 *     item      := primary ("*" Number)*
 *     primary   := Number (".." Number)? | String | HexString | "(" item* ")"
 *                | "align" Number ("fill" Number)? | Construct clause*
 *     clause    := NumberClause Number | "seed" String | "over" alphabet
 *     alphabet  := byteSource | "[" byteSource* "]"
 *     byteSource:= Number (".." Number)? | String | HexString
 *
 * The parser only checks the shape; which values fit and which clauses a construct takes is
 * check.ts's job, so its messages can say more than "unexpected token".
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../runtime/pcpu/chevrotain.js';
import type { AlphabetNode, ByteSourceNode, ClauseNode, FieldNode, FileNode, ItemNode, PrimaryNode, SourceToken } from './ast.js';
import { bankError, describeToken, endOf } from './bank-error.js';
import {
  ALL_TOKENS, Construct, ContentKind, Digest, DotDot, HexString, KwAlign, KwBank, KwContent, KwFill, KwName, KwOver,
  KwSamples, KwSeed, KwSize, LBracket, LParen, NumberClause, NumberLit, RBracket, RParen, Star, StringLit,
} from './lexer.js';
import { MAX_BANK_DEPTH } from './limits.js';

const { EmbeddedActionsParser, EOF } = chevrotain;

const ITEM = 'an item (a byte, a range, a string, x"...", "(", align, u8 ... u64be, uleb128, sleb128, debruijn or random)';
const label = (t: TokenType): string => t.LABEL ?? t.name;

/** Messages without the ", got ..." tail, which parseTokens adds from the bad token. */
const MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => `expected ${label(expected)}`,
  buildNotAllInputParsedMessage: () => `expected ${ITEM} or the end of the file`,
  buildNoViableAltMessage: ({ ruleName }) =>
    ruleName === 'alphabet' || ruleName === 'byteSource'
      ? 'expected an alphabet: a range, a string, a hex string or "[" bytes "]"'
      : ruleName === 'clause'
        ? 'expected a clause'
        : `expected ${ITEM}`,
  buildEarlyExitMessage: () => 'expected a sha256 digest (64 lowercase hex digits)',
};

function tok(t: IToken): SourceToken {
  return { text: t.image, at: { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset } };
}

class BankParser extends EmbeddedActionsParser {
  constructor() {
    super(ALL_TOKENS, { recoveryEnabled: false, errorMessageProvider: MESSAGES, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly file = this.RULE('file', (): FileNode => {
    const bank = this.CONSUME(KwBank, { ERR_MSG: 'a bank file starts with its version line, "bank 1"' });
    const version = this.CONSUME(NumberLit, { ERR_MSG: 'expected the language version after "bank", e.g. "bank 1"' });
    const fields: FieldNode[] = [];
    const items: ItemNode[] = [];
    this.MANY(() => fields.push(this.SUBRULE(this.field)));
    this.MANY2(() => items.push(this.SUBRULE(this.item)));
    return this.ACTION(() => ({ bank: tok(bank), version: tok(version), fields, items }));
  });

  private readonly field = this.RULE('field', (): FieldNode => {
    let keyword: IToken | undefined;
    const values: IToken[] = [];
    this.OR([
      { ALT: () => { keyword = this.CONSUME(KwName); values.push(this.CONSUME(StringLit, { ERR_MSG: 'expected a string after "name"' })); } },
      { ALT: () => { keyword = this.CONSUME(KwContent); values.push(this.CONSUME(ContentKind, { ERR_MSG: 'expected code, text or data after "content"' })); } },
      { ALT: () => { keyword = this.CONSUME(KwSize); values.push(this.CONSUME2(NumberLit, { ERR_MSG: 'expected a number after "size"' })); } },
      { ALT: () => { keyword = this.CONSUME(KwSamples); this.AT_LEAST_ONE(() => values.push(this.CONSUME(Digest))); } },
    ]);
    return this.ACTION(() => ({ keyword: tok(keyword as IToken), values: values.map(tok) }));
  });

  private readonly item = this.RULE('item', (): ItemNode => {
    const primary = this.SUBRULE(this.primary);
    const repeats: ItemNode['repeats'] = [];
    this.MANY(() => {
      const star = this.CONSUME(Star);
      const count = this.CONSUME(NumberLit, { ERR_MSG: 'expected a repeat count after "*"' });
      this.ACTION(() => repeats.push({ star: tok(star), count: tok(count) }));
    });
    return { primary, repeats };
  });

  private readonly primary = this.RULE('primary', (): PrimaryNode => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.byteSource) },
      { ALT: () => this.SUBRULE(this.group) },
      { ALT: () => this.SUBRULE(this.align) },
      { ALT: () => this.SUBRULE(this.construct) },
    ]);
  });

  private readonly byteSource = this.RULE('byteSource', (): ByteSourceNode => {
    return this.OR([
      {
        ALT: () => {
          const from = this.CONSUME(NumberLit);
          let to: IToken | undefined;
          this.OPTION(() => {
            this.CONSUME(DotDot);
            to = this.CONSUME2(NumberLit, { ERR_MSG: 'expected the last byte of the range after ".."' });
          });
          return this.ACTION((): ByteSourceNode => (to === undefined ? { kind: 'byte', value: tok(from) } : { kind: 'range', from: tok(from), to: tok(to) }));
        },
      },
      { ALT: () => { const t = this.CONSUME(StringLit); return this.ACTION((): ByteSourceNode => ({ kind: 'string', token: tok(t) })); } },
      { ALT: () => { const t = this.CONSUME(HexString); return this.ACTION((): ByteSourceNode => ({ kind: 'hex', token: tok(t) })); } },
    ]);
  });

  private readonly group = this.RULE('group', (): PrimaryNode => {
    const open = this.CONSUME(LParen);
    const items: ItemNode[] = [];
    this.MANY(() => items.push(this.SUBRULE(this.item)));
    this.CONSUME(RParen, { ERR_MSG: `expected ${ITEM} or ")"` });
    return this.ACTION((): PrimaryNode => ({ kind: 'group', open: tok(open), items }));
  });

  private readonly align = this.RULE('align', (): PrimaryNode => {
    const keyword = this.CONSUME(KwAlign);
    const multiple = this.CONSUME(NumberLit, { ERR_MSG: 'expected the multiple to align to after "align", e.g. "align 16"' });
    let fill: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(KwFill);
      fill = this.CONSUME2(NumberLit, { ERR_MSG: 'expected the fill byte after "fill"' });
    });
    return this.ACTION((): PrimaryNode => ({
      kind: 'align',
      keyword: tok(keyword),
      multiple: tok(multiple),
      ...(fill === undefined ? {} : { fill: tok(fill) }),
    }));
  });

  private readonly construct = this.RULE('construct', (): PrimaryNode => {
    const keyword = this.CONSUME(Construct);
    const clauses: ClauseNode[] = [];
    this.MANY(() => clauses.push(this.SUBRULE(this.clause)));
    return this.ACTION((): PrimaryNode => ({ kind: 'construct', keyword: tok(keyword), clauses }));
  });

  private readonly clause = this.RULE('clause', (): ClauseNode => {
    return this.OR([
      {
        ALT: () => {
          const k = this.CONSUME(NumberClause);
          const v = this.CONSUME(NumberLit, { ERR_MSG: `expected a number after "${k.image}"` });
          return this.ACTION(() => ({ keyword: tok(k), value: tok(v) }));
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(KwSeed);
          const v = this.CONSUME(StringLit, { ERR_MSG: 'expected a string after "seed"' });
          return this.ACTION(() => ({ keyword: tok(k), value: tok(v) }));
        },
      },
      {
        ALT: () => {
          const k = this.CONSUME(KwOver);
          const alphabet = this.SUBRULE(this.alphabet);
          return this.ACTION(() => ({ keyword: tok(k), alphabet }));
        },
      },
    ]);
  });

  private readonly alphabet = this.RULE('alphabet', (): AlphabetNode => {
    return this.OR([
      {
        ALT: () => {
          const open = this.CONSUME(LBracket);
          const parts: ByteSourceNode[] = [];
          this.MANY(() => parts.push(this.SUBRULE(this.byteSource)));
          this.CONSUME(RBracket, { ERR_MSG: 'expected a byte, a range, a string, a hex string or "]"' });
          return this.ACTION(() => ({ at: tok(open).at, parts }));
        },
      },
      {
        ALT: () => {
          const part = this.SUBRULE2(this.byteSource);
          return this.ACTION(() => ({ at: startOf(part), parts: [part] }));
        },
      },
    ]);
  });
}

function startOf(b: ByteSourceNode): SourceToken['at'] {
  return b.kind === 'byte' ? b.value.at : b.kind === 'range' ? b.from.at : b.token.at;
}

const HEADER_KEYWORDS: readonly TokenType[] = [KwName, KwContent, KwSize, KwSamples];

let parser: BankParser | undefined;

/** Refuses groups nested deeper than MAX_BANK_DEPTH before the (recursive) parser sees them. */
function checkDepth(tokens: IToken[]): void {
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === LParen) {
      depth++;
      if (depth > MAX_BANK_DEPTH) throw bankError(tok(t).at, `groups are nested more than ${MAX_BANK_DEPTH} deep`);
    } else if (t.tokenType === RParen && depth > 0) {
      depth--;
    }
  }
}

/**
 * Parses tokens into a FileNode; throws PFSC_BANK_INVALID naming the line and column of the
 * first token that does not fit the grammar.
 */
export function parseTokens(text: string, tokens: IToken[]): FileNode {
  checkDepth(tokens);
  // Made once: chevrotain analyses the grammar when a parser is made, then reuses it.
  parser ??= new BankParser();
  parser.input = tokens;
  const node = parser.file();
  const e = parser.errors[0];
  if (e === undefined) return node;
  const t = e.token;
  const atEnd = t.tokenType === EOF || !Number.isFinite(t.startOffset);
  const at = atEnd ? endOf(text) : tok(t).at;
  if (HEADER_KEYWORDS.includes(t.tokenType)) {
    throw bankError(at, `the header field "${t.image}" must come before the body (the first item)`);
  }
  throw bankError(at, `${e.message}, got ${describeToken(atEnd ? undefined : t.image)}`);
}

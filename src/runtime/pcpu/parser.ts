/**
 * The grammar of pCPU programs (docs/PCPU.md, "Syntax"), read into a ProgramNode:
 *
 *     program   := op ("," op)*
 *     op        := Name (":" Immediate)?
 *
 * The parser only checks the shape; which names exist and which immediates fit is
 * validate.ts's job, so its messages can say more than "unexpected token".
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { chevrotain } from './chevrotain.js';
import type { OpNode, ProgramNode, SourceToken } from './ast.js';
import { ALL_TOKENS, Colon, Comma, Immediate, Name } from './lexer.js';
import { describeToken, endOf, programError } from './program-error.js';

const { EmbeddedActionsParser, EOF } = chevrotain;

/** The op names, for messages that say what was expected. */
const OP_LIST = 'xor, add, counteq, crc32c, fnv';

const label = (t: TokenType): string => t.LABEL ?? t.name;

/** Messages without the ", got ..." tail, which parseProgramText adds from the bad token. */
const MESSAGES: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => (expected === Name ? `expected an op name (${OP_LIST})` : `expected ${label(expected)}`),
  buildNotAllInputParsedMessage: () => 'expected "," or the end of the program',
  buildNoViableAltMessage: () => `expected an op name (${OP_LIST})`,
  buildEarlyExitMessage: () => `expected an op name (${OP_LIST})`,
};

function sourceToken(t: IToken): SourceToken {
  return { text: t.image, at: { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset } };
}

class ProgramParser extends EmbeddedActionsParser {
  constructor() {
    super(ALL_TOKENS, { recoveryEnabled: false, errorMessageProvider: MESSAGES });
    this.performSelfAnalysis();
  }

  readonly program = this.RULE('program', (): ProgramNode => {
    const ops: OpNode[] = [this.SUBRULE(this.op)];
    this.MANY(() => {
      this.CONSUME(Comma);
      ops.push(this.SUBRULE2(this.op));
    });
    return { ops };
  });

  private readonly op = this.RULE('op', (): OpNode => {
    const name = this.CONSUME(Name, { ERR_MSG: `expected an op name (${OP_LIST})` });
    let colon: IToken | undefined;
    let immediate: IToken | undefined;
    this.OPTION(() => {
      colon = this.CONSUME(Colon);
      // The message names the op; during grammar recording name.image is a placeholder.
      immediate = this.CONSUME(Immediate, { ERR_MSG: `expected an immediate 0..255 after "${name.image}:"` });
    });
    return this.ACTION(() => ({
      name: sourceToken(name),
      ...(colon === undefined ? {} : { colon: sourceToken(colon) }),
      ...(immediate === undefined ? {} : { immediate: sourceToken(immediate) }),
    }));
  });
}

let parser: ProgramParser | undefined;

/**
 * Parses tokens into a ProgramNode; throws PFSC_PROGRAM_INVALID naming the line and column
 * of the first token that does not fit the grammar.
 */
export function parseTokens(text: string, tokens: IToken[]): ProgramNode {
  // Made once: chevrotain analyses the grammar when a parser is made, then reuses it.
  parser ??= new ProgramParser();
  parser.input = tokens;
  const node = parser.program();
  const e = parser.errors[0];
  if (e === undefined) return node;
  const t = e.token;
  const atEnd = t.tokenType === EOF || !Number.isFinite(t.startOffset);
  const at = atEnd ? endOf(text) : sourceToken(t).at;
  throw programError(at, `${e.message}, got ${describeToken(atEnd ? undefined : t.image)}`);
}

/**
 * The syntax tree of a pCPU program, as the parser reads it: op names and immediates as
 * written, with where each came from so validation can point at the bad token.
 * docs/PCPU.md is the normative description of the language.
 */

/** A place in the program text; line and column count from 1. */
export interface SourcePosition {
  line: number;
  column: number;
  /** Character offset from the start of the text, from 0. */
  offset: number;
}

/** One token as written: its text and where it starts. */
export interface SourceToken {
  text: string;
  at: SourcePosition;
}

/** One op as written: `name` or `name:immediate`. */
export interface OpNode {
  name: SourceToken;
  /** The `:` when the op has one. */
  colon?: SourceToken;
  /** The immediate's text, unchecked (the lexer takes any run of letters and digits). */
  immediate?: SourceToken;
}

export interface ProgramNode {
  ops: OpNode[];
}

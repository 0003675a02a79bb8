/**
 * The syntax tree of a bank file, as the parser reads it: every value as written, with where
 * it came from, so the checker (check.ts) can point at the bad token. docs/BANKS.md is the
 * normative description of the language.
 */

/** A place in the text; line and column count from 1. */
export interface SourcePosition {
  line: number;
  column: number;
  /** UTF-16 offset from the start of the text, from 0. */
  offset: number;
}

/** One token as written: its text and where it starts. */
export interface SourceToken {
  text: string;
  at: SourcePosition;
}

/** A byte (`0x41`), a range (`0x20..0x7e`), a string or a hex string, as written. */
export type ByteSourceNode =
  | { kind: 'byte'; value: SourceToken }
  | { kind: 'range'; from: SourceToken; to: SourceToken }
  | { kind: 'string'; token: SourceToken }
  | { kind: 'hex'; token: SourceToken };

/** An alphabet: one byte source, or a bracketed list of them (`[ "ab" 0x30..0x39 ]`). */
export interface AlphabetNode {
  at: SourcePosition;
  parts: ByteSourceNode[];
}

/** One clause of a construct: `from -5`, `seed "x"`, `over "ACGT"`. */
export interface ClauseNode {
  keyword: SourceToken;
  value?: SourceToken;
  alphabet?: AlphabetNode;
}

export type PrimaryNode =
  | ByteSourceNode
  | { kind: 'group'; open: SourceToken; items: ItemNode[] }
  | { kind: 'align'; keyword: SourceToken; multiple: SourceToken; fill?: SourceToken }
  /** u8 ... u64be, uleb128, sleb128, debruijn, random: a keyword and its clauses. */
  | { kind: 'construct'; keyword: SourceToken; clauses: ClauseNode[] };

/** A repeat: `* count`. */
export interface RepeatNode {
  star: SourceToken;
  count: SourceToken;
}

/** One item of the body: a primary, then its repeats (`0x00 * 4 * 2`). */
export interface ItemNode {
  primary: PrimaryNode;
  repeats: RepeatNode[];
}

/** One header field: `name "..."`, `content text`, `size 4096`, `samples <digest>...`. */
export interface FieldNode {
  keyword: SourceToken;
  values: SourceToken[];
}

export interface FileNode {
  bank: SourceToken;
  version: SourceToken;
  fields: FieldNode[];
  items: ItemNode[];
}

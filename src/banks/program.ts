/**
 * A checked bank program: the header, and the body as a tree of nodes whose lengths are all
 * known before any byte is made. check.ts builds it from the syntax tree; emit.ts writes it.
 */

export type BankContent = 'code' | 'text' | 'data';

export interface BankHeader {
  /** `name "..."`: printable ASCII, 1 to 64 characters. */
  name?: string;
  /** `content code|text|data`: what the bank holds, for hints; it changes no byte. */
  content?: BankContent;
  /** `size N`: the body's declared length in bytes (checked to be exact). */
  size?: number;
  /** `samples ...`: lowercase hex SHA-256 digests, in the order written; they change no byte. */
  samples: readonly string[];
}

/** One node of the body. Every node knows its length (at most MAX_BANK_OUTPUT). */
export type BankNode =
  /** Literal bytes: a byte, a range, a string, a hex string. */
  | { op: 'bytes'; length: number; bytes: Uint8Array }
  /** `length` copies of one byte (an alignment's padding). */
  | { op: 'fill'; length: number; byte: number }
  /** The nodes in order (a group, or the body). */
  | { op: 'seq'; length: number; items: readonly BankNode[] }
  /** `count` copies of body's bytes (all of an item's `*` counts multiplied). */
  | { op: 'repeat'; length: number; count: number; body: BankNode }
  /** Words (from + i*step) mod 2^(8*width), i = 0 .. count-1, little- or big-endian. */
  | { op: 'words'; length: number; width: 1 | 2 | 4 | 8; bigEndian: boolean; from: bigint; step: bigint; count: number }
  /** LEB128 encodings of from + i*step, i = 0 .. count-1. */
  | { op: 'leb'; length: number; signed: boolean; from: bigint; step: bigint; count: number }
  /** The de Bruijn sequence B(k, order) over the alphabet (k = alphabet.length). */
  | { op: 'debruijn'; length: number; order: number; alphabet: Uint8Array }
  /** `length` bytes from the AES-128-CTR keystream of `seed`, over the alphabet if given. */
  | { op: 'random'; length: number; seed: Uint8Array; alphabet?: Uint8Array };

export interface BankProgram {
  /** The language version of the text (1). */
  version: number;
  header: BankHeader;
  /** Length of the bank's output in bytes, 1 to MAX_BANK_OUTPUT. */
  length: number;
  body: BankNode;
}

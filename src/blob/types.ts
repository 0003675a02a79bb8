/**
 * Shapes of the blob side: manifests, banks, bank generators and the loaded blob.
 * docs/MANIFEST.md is the normative description of a manifest.
 */

/** A bank's parameters: plain JSON values only, so the manifest stays canonical. */
export type BankParams = Record<string, string | number | boolean>;

/** One bank of a manifest, in blob order. */
export interface BankSpec {
  /** Unique within the manifest, e.g. "const", "debruijn", "ref0". */
  name: string;
  /** Which generator makes it, e.g. "const", "ramp", "gray", "lfsr", "debruijn", "random", "ref". */
  kind: string;
  /** Generator version; a change of bytes must bump it (and so the Blob_ID). */
  version: number;
  /** Exact size in bytes. */
  size: number;
  params: BankParams;
}

export interface RefSpec {
  /** Bank name ("ref0", "ref1", ...). */
  name: string;
  size: number;
  /** Hex SHA-256 of the ref's bytes. */
  sha256: string;
}

export interface Manifest {
  /** Manifest format version (1). */
  format: number;
  profile: string;
  seed: string;
  /** Generated banks, in blob order; refs follow them. */
  banks: BankSpec[];
  refs: RefSpec[];
}

/** The kind of content in a bank, for hints and inspect. */
export type BankContentKind = 'palette' | 'tiles' | 'random' | 'ref' | 'code' | 'text' | 'data';

/** Where a bank lies in the blob. */
export interface BankInfo {
  name: string;
  kind: string;
  contentKind: BankContentKind;
  /** Offset of the bank's first byte in the blob. */
  offset: number;
  size: number;
  /** True for ref banks (files both sides hold). */
  isRef: boolean;
}

/** What a generator is told about the bank it fills, besides its parameters. */
export interface GenerateContext {
  /** The bank's name in the manifest; generators may mix it into their bytes (random does). */
  name: string;
  /** Optional progress report: bytes of this bank filled so far. */
  onProgress?(done: number): void;
}

/**
 * A bank generator makes a bank's bytes from its parameters, the same on every machine.
 * Third-party plugins implement this to add bank kinds.
 */
export interface BankGenerator {
  kind: string;
  version: number;
  contentKind: BankContentKind;
  /**
   * The content kind of one bank of this kind, when it depends on its parameters (a bank
   * file's header says it); contentKind otherwise. Must be cheap: it runs whenever a blob
   * is opened.
   */
  contentKindOf?(params: BankParams): BankContentKind;
  /**
   * True when the bytes come from outside the manifest (the `ref` kind: a file both sides
   * hold). Such a kind cannot appear in a manifest's `banks`; generate() is never called.
   */
  external?: boolean;
  /**
   * Loads what generate() needs, when that is costly to load (a parser, say): awaited once
   * before this kind's banks are generated (see prepareGenerators), never for validate().
   */
  prepare?(): Promise<void>;
  /** Throws PfscError PFSC_MANIFEST_INVALID with a clear message on bad parameters. */
  validate(params: BankParams, size: number): void;
  /**
   * Fills out (length = size) deterministically from params, the manifest seed and the
   * bank's name. Only called after validate() accepted the same params and size, and after
   * prepare(), when the generator has one, settled.
   */
  generate(out: Uint8Array, params: BankParams, seed: string, ctx?: GenerateContext): void;
}

/** A loaded blob: all banks' bytes, addressable as one array. */
export interface Blob {
  manifest: Manifest;
  /** 16-byte Blob_ID of the whole blob (base + refs). */
  id: Uint8Array;
  idHex: string;
  /** 16-byte Blob_ID of the base part (generated banks only). */
  baseId: Uint8Array;
  size: number;
  banks: readonly BankInfo[];
  /** The bytes of bank i (a view, no copy). */
  bankBytes(i: number): Uint8Array;
  /** Index of the bank holding blob offset `offset`, or -1. */
  bankAt(offset: number): number;
  /** Copies blob[offset, offset+length) into dst at dstOffset; the range may span banks. */
  read(offset: number, length: number, dst: Uint8Array, dstOffset: number): void;
  /**
   * For a blob that loads parts on demand: makes blob[offset, offset+length) readable.
   * Cheap when it already is. Blobs that hold every byte from the start omit it.
   */
  prepare?(offset: number, length: number): Promise<void>;
}

/**
 * Option and result shapes of the programmatic API (build, replay, inspect, blob info).
 * The CLI is a thin layer over these.
 */
import type { BankInfo, Manifest } from './blob/types.js';
import type { PbbHeader, StreamStats } from './format/types.js';

export const STAGES = ['snapshot', 'index', 'hint', 'plan', 'pack', 'emit'] as const;
export type StageName = (typeof STAGES)[number];

export interface Progress {
  /** What is under way: a stage name, or 'blob' / 'replay' / 'verify'. */
  phase: string;
  done: number;
  total: number;
}

export interface CommonBlobOptions {
  /** Files both sides hold; each becomes a ref bank, in this order. */
  refs?: string[];
  /**
   * Bank files (docs/BANKS.md) both sides hold, e.g. made by `pfsc bank train`: each one's
   * output becomes a ref bank, in this order, before the refs.
   */
  banks?: string[];
  /** Blob profile name; default 'orchard'. */
  profile?: string;
  /**
   * A base manifest to use instead of the profile's (docs/MANIFEST.md; its `refs` empty): a
   * profile with a plugin's banks added, say (docs/PLUGINS.md). Its bank kinds must be built
   * in or brought by `plugins`; the replaying side passes the same manifest.
   */
  manifest?: Manifest;
  /**
   * Plugins: a build applies them; replay, exec and inspect use only the bank kinds and
   * transforms they bring, which blueprints built with them need.
   */
  plugins?: import('./compiler/types.js').PfscPlugin[];
  /** Cache folder; default $PFSC_HOME or the user's cache directory + /pfsc. */
  home?: string;
  onProgress?: (p: Progress) => void;
}

export interface BuildOptions extends CommonBlobOptions {
  /** Input path, or '-' for standard input. */
  input: string;
  /** Output path; default input + '.pbb'; '-' for standard output (required when input is '-' unless given). */
  output?: string;
  /** Overwrite an existing output. */
  force?: boolean;
  /**
   * Apply the default plugins (llvm-hints and soft-id, src/default-plugins.ts) after the
   * built-in stages; default true. `plugins` come after them.
   */
  defaultPlugins?: boolean;
}

export interface BuildResult {
  output: string;
  inputBytes: number;
  pbbBytes: number;
  blobId: string;
  /** Milliseconds spent in each stage (plan and pack summed over blocks). */
  timings: Record<StageName, number>;
  segments: { copy: number; copyXor: number; copyAdd: number; copyDiff: number; copyTransform: number; literal: number };
  /** Output bytes by source: generated banks, refs, earlier output of the same file (copies), spill. */
  bytesFrom: { banks: number; refs: number; output: number; spill: number };
  rawRatio: number;
  streams: StreamStats[];
  warnings: string[];
}

export interface ReplayOptions extends CommonBlobOptions {
  /** .pbb path, or '-' for standard input. */
  input: string;
  /** Output path; default: input without its .pbb suffix; '-' for standard output. */
  output?: string;
  force?: boolean;
}

export interface ReplayResult {
  output: string;
  outputBytes: number;
  blobId: string;
  milliseconds: number;
}

export interface ExecOptions extends CommonBlobOptions {
  /** The .pbb blueprint (a file: exec reads it once per pass). */
  input: string;
  /** The pCPU program, e.g. 'xor:255,add:7,counteq:0,crc32c,fnv' (docs/PCPU.md). */
  program: string;
  /** Worker threads that run the program; default 1 (the calling thread). */
  pcores?: number;
}

/** One pass of exec over the whole blueprint. */
export interface ExecTiming {
  seconds: number;
  /** Output bytes ÷ 10^6 ÷ seconds. */
  mbPerSecond: number;
}

export interface ExecResult extends ExecTiming {
  file: string;
  /** The program in canonical form (docs/PCPU.md). */
  program: string;
  blobId: string;
  /** The engine whose kernels ran the ops: 'native' or 'js'. */
  engine: string;
  pcores: number;
  /** Worker threads that ran the program (0 with pcores 1: the calling thread did). */
  workers: number;
  /** Accumulators by name, in program order: counts as numbers, crc32c and fnv as 0x-prefixed hex. */
  accumulators: Record<string, number | string>;
  /** Bytes of output the program ran over. */
  bytes: number;
  /** The same program on 1 pcore, measured in the same run (the very pass above when pcores is 1). */
  baseline: ExecTiming;
  /** CPUpwn: mbPerSecond ÷ baseline.mbPerSecond. */
  cpupwn: number;
}

export interface InspectReport {
  file: string;
  pbbBytes: number;
  header: PbbHeader;
  blobIdHex: string;
  blocks: number;
  streams: StreamStats[];
  segments: { copy: number; copyXor: number; copyAdd: number; copyDiff: number; copyTransform: number; literal: number };
  /** Output bytes by source: generated banks, refs, earlier output of the same file (copies), spill. */
  bytesFrom: { banks: number; refs: number; output: number; spill: number };
  rawRatio: number;
  /** Per-bank bytes, when the local blob's layout matches the blueprint. */
  perBank?: { name: string; kind: string; isRef: boolean; bytes: number }[];
  /** Output ranges in order: where each part came from (merged runs), for drawing. */
  map: { start: number; length: number; source: string }[];
}

export interface BlobInfo {
  manifest: Manifest;
  banks: readonly BankInfo[];
  blobIdHex: string;
  size: number;
  cached: boolean;
  home: string;
}

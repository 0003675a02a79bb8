/**
 * One run of the compiler over one input: the state the stages share, and the errors and
 * warnings they raised. Plugins see this object; it is their context.
 */
import type { BankRegistry } from '../blob/registry.js';
import type { Blob, Manifest } from '../blob/types.js';
import type { PfscError } from '../errors.js';
import { OP_TRANSFORM, type StreamStats } from '../format/types.js';
import type { TransformDefinition } from '../runtime/plugin-transforms.js';
import type { MatchIndex } from '../index/match-index.js';
import type { Region } from '../plan/planner.js';
import type { Progress, StageName } from '../api-types.js';
import type { InputFile } from './input.js';

export interface ResolvedBuildOptions {
  input: string;
  output: string;
  force: boolean;
  refs: string[];
  /** Bank files, whose outputs join the blob before the refs. */
  banks: string[];
  profile: string;
  /** A base manifest used instead of the profile's (BuildOptions.manifest). */
  manifest?: Manifest;
  home?: string;
  blockSize: number;
  onProgress?: (p: Progress) => void;
}

export interface CompilationWarning {
  message: string;
  stage?: string;
  plugin?: string;
}

export interface CompilationStats {
  timings: Record<StageName, number>;
  segments: { copy: number; copyXor: number; copyAdd: number; copyDiff: number; copyTransform: number; literal: number };
  bytesFrom: { banks: number; refs: number; output: number; spill: number };
  streams: Map<string, StreamStats>;
  pbbBytes: number;
}

export class Compilation {
  /** Set by the snapshot stage. */
  blob?: Blob;
  /** Set by the index stage. */
  index?: MatchIndex;
  readonly regions: Region[] = [];
  readonly errors: PfscError[] = [];
  readonly warnings: CompilationWarning[] = [];
  readonly stats: CompilationStats = {
    timings: { snapshot: 0, index: 0, hint: 0, plan: 0, pack: 0, emit: 0 },
    segments: { copy: 0, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 0 },
    bytesFrom: { banks: 0, refs: 0, output: 0, spill: 0 },
    streams: new Map(),
    pbbBytes: 0,
  };

  constructor(
    readonly options: Readonly<ResolvedBuildOptions>,
    readonly input: InputFile,
    readonly registry: BankRegistry,
    /** The transforms plugins brought (op OP_TRANSFORM + index): what the header declares. */
    readonly transforms: readonly TransformDefinition[] = [],
  ) {}

  /** The op code of a transform by name, for plugins that plan with it; undefined when not registered. */
  transformOp(name: string): number | undefined {
    const j = this.transforms.findIndex((t) => t.name === name);
    return j < 0 ? undefined : OP_TRANSFORM + j;
  }

  /** Marks a region of the input with a kind ('code', 'text', 'compressed', ...). */
  addRegion(region: Region): void {
    if (region.length > 0 && region.start >= 0 && region.start + region.length <= this.input.size) this.regions.push(region);
  }

  warn(message: string, origin: { stage?: string; plugin?: string } = {}): void {
    this.warnings.push({ message, ...origin });
  }

  progress(phase: string, done: number, total: number): void {
    this.options.onProgress?.({ phase, done, total });
  }

  /** The blob, or a clear internal error when a plugin replaced the snapshot stage and set none. */
  requireBlob(): Blob {
    if (!this.blob) throw new Error('the snapshot stage produced no blob');
    return this.blob;
  }

  requireIndex(): MatchIndex {
    if (!this.index) throw new Error('the index stage produced no index');
    return this.index;
  }
}

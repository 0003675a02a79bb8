/**
 * pfsc's public API. Plugins and programs import from here (the package entry point) and
 * from nowhere else.
 */
export { build, replay, exec, inspect, blobInfo, blobBuild } from './api.js';
export type {
  BuildOptions,
  BuildResult,
  ReplayOptions,
  ReplayResult,
  ExecOptions,
  ExecResult,
  ExecTiming,
  InspectReport,
  BlobInfo,
  CommonBlobOptions,
  Progress,
  StageName,
} from './api-types.js';
export { STAGES } from './api-types.js';

export { PfscError, ERROR_CODES, isPfscError, toPfscError, type ErrorCode } from './errors.js';

// The compiler and what plugins tap.
export { Compiler, BUILTIN_PREFIX } from './compiler/compiler.js';
export { Compilation, type CompilationStats, type CompilationWarning, type ResolvedBuildOptions } from './compiler/compilation.js';
export { createHooks, HOOK_STAGE, type CompilerHooks, type HookName } from './compiler/hooks.js';
export type { InputBlock, PackedBlock, PackedBlueprint } from './compiler/stage-types.js';
export type { PfscPlugin } from './compiler/types.js';
export { builtinPlugins } from './stages/builtin.js';
export { blobBytesOf } from './stages/blob-bytes.js';

// The blob: manifests, bank generators, the cache.
export * from './blob/index.js';

// The planner and the index, for plugins that replace or wrap a stage.
export { Planner, type PlannerOptions, type Region } from './plan/planner.js';
export { DEFAULT_COST, type CostModel } from './plan/cost.js';
export { loadMatchIndex } from './index/load.js';
export type { MatchIndex, IndexPart } from './index/match-index.js';

// The format and the runtime (a receiver needs only these).
export {
  encodeHeader,
  decodeHeader,
  readHeader,
  BlockEncoder,
  readBlocks,
  fileByteSource,
  bufferByteSource,
  digest16,
  Digest16,
  OP_LITERAL,
  OP_COPY,
  OP_COPY_XOR,
  OP_COPY_ADD,
  OP_COPY_DIFF,
  OP_TRANSFORM,
  type BlockPlan,
  type PbbHeader,
  type StreamStats,
  type ByteSource,
  type ReadBlocksOptions,
  type BlockSegments,
} from './format/index.js';
export { executeBlock } from './runtime/execute.js';
export { spillDecoders } from './runtime/spill-decoders.js';
export { TransformRegistry, type TransformDefinition } from './runtime/plugin-transforms.js';
export { checkBlobMatches } from './runtime/check.js';
export { parseProgram } from './runtime/pcpu/program.js';
export { accumulatorNames } from './runtime/pcpu/accumulators.js';
export type { Program, ProgramOp, OpName } from './runtime/pcpu/ops.js';

/**
 * The receiving side: execute blueprints against the local blob, replay them to files,
 * and summarize them for inspection. Never imports the planner or the compiler.
 */
export { executeBlock, type ExecuteWhere } from './execute.js';
export { checkBlobMatches, describeBlobDifference, type CheckBlobOptions } from './check.js';
export {
  replayBlueprint, replayToSink, tempPathFor,
  type ReplayFileOptions, type ReplayStreamOptions, type ReplayStats, type ReplayProgress,
} from './replay.js';
export { scanBlueprint, type BlueprintScan, type CopyRun, type ScanOptions, type SegmentCounts } from './inspect.js';
export {
  transformFor, xorInPlace, addInPlace, TRANSFORM_COPY, TRANSFORM_XOR, TRANSFORM_ADD, type Transform,
} from './transforms.js';

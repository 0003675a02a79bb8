/**
 * Every hook of the compiler, declared in one place. A hook's class is its run mode:
 * SyncHook and AsyncSeriesHook run every tap in order; a Bail hook stops at the first tap
 * that returns a value; a Waterfall hook passes each tap's result to the next.
 * docs/ARCHITECTURE.md lists them with their arguments.
 */
import { AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncHook } from 'tapable';
import type { BankRegistry } from '../blob/registry.js';
import type { PfscError } from '../errors.js';
import type { BlockPlan } from '../format/types.js';
import type { Compilation } from './compilation.js';
import type { InputBlock, PackedBlock, PackedBlueprint } from './stage-types.js';

export function createHooks() {
  return Object.freeze({
    /** Before the snapshot: plugins register bank generators. */
    banks: new SyncHook<[BankRegistry]>(['registry']),
    /** Stage snapshot: make the blob (compilation.blob) from options and manifest. */
    snapshot: new AsyncSeriesHook<[Compilation]>(['compilation']),
    /** Stage index: make the match index over the blob (compilation.index). */
    index: new AsyncSeriesHook<[Compilation]>(['compilation']),
    /** Stage hint: read the input's structure into regions (compilation.addRegion). */
    hint: new AsyncSeriesHook<[Compilation]>(['compilation']),
    /** Stage plan, once per block: the first tap to return a BlockPlan wins. */
    plan: new AsyncSeriesBailHook<[Compilation, InputBlock], BlockPlan | undefined>(['compilation', 'block']),
    /** Stage plan, after planning a block: taps may rewrite the plan (it must still produce the block). */
    optimizePlan: new AsyncSeriesWaterfallHook<[BlockPlan, Compilation, InputBlock]>(['plan', 'compilation', 'block']),
    /** Stage pack, once per block: the first tap to return the coded block wins. */
    pack: new AsyncSeriesBailHook<[Compilation, BlockPlan], PackedBlock | undefined>(['compilation', 'plan']),
    /** Stage emit: deliver the finished .pbb (a file, standard output, a transport). */
    emit: new AsyncSeriesHook<[Compilation, PackedBlueprint]>(['compilation', 'blueprint']),
    /** After a successful run. */
    done: new AsyncSeriesHook<[Compilation]>(['compilation']),
    /** After a failed run, with the error that ended it. */
    failed: new SyncHook<[PfscError]>(['error']),
  });
}

export type CompilerHooks = ReturnType<typeof createHooks>;
export type HookName = keyof CompilerHooks;

/** Which stage each hook belongs to, for error reports and timings. */
export const HOOK_STAGE: Record<HookName, string> = {
  banks: 'snapshot',
  snapshot: 'snapshot',
  index: 'index',
  hint: 'hint',
  plan: 'plan',
  optimizePlan: 'plan',
  pack: 'pack',
  emit: 'emit',
  done: 'emit',
  failed: 'emit',
};

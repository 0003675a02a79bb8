/**
 * Built-in plan stage: the greedy cost-model planner over the match index.
 *
 * The planner's thresholds are estimates, and the best ones differ between files (a few
 * edits in a large file favour long copies only; new text stitched from pieces of the ref
 * favours short ones). When a block's spill is small, coding it is cheap, so the stage plans
 * the block under a few settings, codes each plan, and keeps the one with the fewest wire
 * bytes: the cost model, measured instead of estimated.
 */
import type { Compiler } from '../compiler/compiler.js';
import type { Compilation } from '../compiler/compilation.js';
import { BlockEncoder, type BlobBytes } from '../format/index.js';
import { blobBytesOf } from './blob-bytes.js';
import type { BlockPlan } from '../format/types.js';
import { Planner, type PlannerOptions, type Region } from '../plan/planner.js';

/**
 * Settings tried besides the default: a spread over the far-copy threshold, how far counts
 * as far, and the estimated price of a literal byte (low prices favour fewer, longer copies
 * around new text). Which one wins is measured per block.
 */
const BASE_VARIANTS: readonly PlannerOptions[] = [
  { minFarMatch: 0 },
  { minFarMatch: 0, localWindow: 4096 },
  { minFarMatch: 40, nearDelta: 256, cost: { literalByte: 0.1 } },
  { minFarMatch: 32, nearDelta: 256, cost: { literalByte: 0.15 } },
  { minFarMatch: 48, nearDelta: 16384 },
];

/** Each base setting with and without copies from the block's own earlier output. */
export const PLAN_VARIANTS: readonly PlannerOptions[] = [
  ...BASE_VARIANTS,
  { selfMatch: true },
  ...BASE_VARIANTS.map((v) => ({ ...v, selfMatch: true })),
];

/** Blocks whose default plan spills more than this are not re-planned (coding gets slow). */
export const TRIAL_SPILL_LIMIT = 64 * 1024;

/**
 * Inputs up to this size get their self-copy index built ahead (see apply). Larger blocks
 * more often spill past TRIAL_SPILL_LIMIT, and then the index is never used: built ahead it
 * would only take a core from the planning of the block.
 */
const PREPARE_LIMIT = 32 * 1024 * 1024;

interface PlannerSet {
  main: Planner;
  variants: Planner[];
}

async function wireBytes(plan: BlockPlan, blob: BlobBytes, c: Compilation): Promise<number> {
  return (await new BlockEncoder({ blob, transforms: c.transforms }).encode(plan)).bytes.length;
}

export class PlanPlugin {
  readonly name = 'pfsc:plan';
  private readonly planners = new WeakMap<Compilation, PlannerSet>();

  apply(compiler: Compiler): void {
    // An input read whole (one block) is in memory while the blob is opened and indexed,
    // when the JavaScript thread is busy with the cache and a core is free: what planning
    // its own earlier output needs is built then, off that thread. Not awaited here; the
    // tap goes before the snapshot's own (stage -1), so the build starts as the stage does.
    compiler.hooks.snapshot.tap({ name: this.name, stage: -1 }, (c) => {
      void c.input.wholeBytes()?.then((bytes) => {
        if (bytes !== undefined && bytes.length <= PREPARE_LIMIT) void Planner.prepareBlock(bytes);
      });
    });
    compiler.hooks.plan.tapPromise(this.name, async (c, block) => {
      let set = this.planners.get(c);
      if (!set) {
        const index = c.requireIndex();
        // Where each generated bank lies and what it holds: the gates of src/plan/gates.ts.
        const generatedBanks = c.requireBlob().banks
          .filter((b) => !b.isRef)
          .map((b) => ({ start: b.offset, end: b.offset + b.size, contentKind: b.contentKind }));
        set = {
          main: new Planner(index, { generatedBanks }),
          variants: PLAN_VARIANTS.map((o) => new Planner(index, { ...o, generatedBanks })),
        };
        this.planners.set(c, set);
      }
      const regions = regionsInBlock(c.regions, block.position, block.bytes.length);
      const before = set.main.saveState();
      let best = set.main.planBlock(block.bytes, regions);
      if (best.spill.length > TRIAL_SPILL_LIMIT || best.count <= 1) return best;
      const blob = blobBytesOf(c);
      let bestBytes = await wireBytes(best, blob, c);
      let bestState = set.main.saveState();
      for (const [j, v] of set.variants.entries()) {
        // The settings without selfMatch come first: the block's table, when built ahead,
        // is awaited only before the first that needs it.
        if (PLAN_VARIANTS[j]!.selfMatch === true) await Planner.prepareBlock(block.bytes);
        v.restoreState(before);
        const plan = v.planBlock(block.bytes, regions);
        const bytes = await wireBytes(plan, blob, c);
        if (bytes < bestBytes) {
          best = plan;
          bestBytes = bytes;
          bestState = v.saveState();
        }
      }
      set.main.restoreState(bestState);
      return best;
    });
  }
}

/** The hint regions overlapping a block, relative to the block. */
function regionsInBlock(all: readonly Region[], position: number, length: number): Region[] {
  const end = position + length;
  return all
    .filter((r) => r.start < end && r.start + r.length > position)
    .map((r) => {
      const start = Math.max(r.start, position);
      return { ...r, start: start - position, length: Math.min(r.start + r.length, end) - start };
    });
}

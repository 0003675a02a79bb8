/**
 * soft-id: near matches with a difference stream. An optimizePlan tap that extends the
 * planner's copies over the literal stretches around them and joins copies along one
 * diagonal into COPY_DIFF segments (merge.ts). docs/SOFT-ID.md says what it does and what
 * it measured.
 *
 * Whether the rewrite pays is measured where that is cheap: a block of up to 4 MiB is coded
 * both ways and the smaller kept (new text coded against the ref as a dictionary is already
 * cheap as a literal, and a difference stream may cost more). A larger block is rewritten
 * when it saves more spill bytes and segments than it adds nonzero differences.
 *
 * ```ts
 * import { build } from 'pfsc';
 * import { SoftId } from './plugins/soft-id/index.js';
 * await build({ input: 'new.bin', refs: ['old.bin'], plugins: [new SoftId()] });
 * ```
 */
import { BlockEncoder, blobBytesOf, type BlockPlan, type Compilation, type Compiler, type PfscPlugin } from 'pfsc';
import { DEFAULT_MERGE, mergeDiagonals, type MergeOptions } from './merge.js';

export { DEFAULT_MERGE, mergeDiagonals, type MergeOptions } from './merge.js';

export interface SoftIdOptions extends MergeOptions {
  /** Blocks up to this many bytes are coded both ways to choose; larger ones are estimated. */
  trialLimit: number;
}

export const DEFAULT_SOFT_ID: SoftIdOptions = { ...DEFAULT_MERGE, trialLimit: 4 * 1024 * 1024 };

function spillOf(p: BlockPlan): number {
  return p.spill.length;
}

function nonzeroDiffs(p: BlockPlan): number {
  let n = 0;
  const d = p.diffs;
  if (d !== undefined) for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}

/** Worth it by counts: spill bytes and segments saved against nonzero differences added. */
function estimatedGain(before: BlockPlan, after: BlockPlan): number {
  return spillOf(before) - spillOf(after) + 2 * (before.count - after.count) - 1.5 * (nonzeroDiffs(after) - nonzeroDiffs(before));
}

async function codedSize(p: BlockPlan, c: Compilation): Promise<number> {
  return (await new BlockEncoder({ blob: blobBytesOf(c), transforms: c.transforms }).encode(p)).bytes.length;
}

export class SoftId implements PfscPlugin {
  readonly name = 'soft-id';
  private readonly options: SoftIdOptions;

  constructor(options: Partial<SoftIdOptions> = {}) {
    this.options = { ...DEFAULT_SOFT_ID, ...options };
  }

  apply(compiler: Compiler): void {
    compiler.hooks.optimizePlan.tapPromise(this.name, async (plan: BlockPlan, c, block) => {
      const blob = c.requireBlob();
      if (!blob.banks.some((b) => b.isRef && b.size > 0)) return plan;
      const fromRef = (offset: number): boolean => blob.banks[blob.bankAt(offset)]?.isRef === true;
      const soft = mergeDiagonals(plan, block.bytes, blob.size, (offset, length, dst) => blob.read(offset, length, dst, 0), this.options, fromRef);
      if (soft === plan || soft.diffs === undefined) return plan;
      if (block.bytes.length <= this.options.trialLimit) {
        return (await codedSize(soft, c)) < (await codedSize(plan, c)) ? soft : plan;
      }
      return estimatedGain(plan, soft) > 0 ? soft : plan;
    });
  }
}

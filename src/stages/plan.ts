/** Built-in plan stage: the greedy cost-model planner over the match index. */
import type { Compiler } from '../compiler/compiler.js';
import type { Compilation } from '../compiler/compilation.js';
import { Planner, type Region } from '../plan/planner.js';

export class PlanPlugin {
  readonly name = 'pfsc:plan';
  private readonly planners = new WeakMap<Compilation, Planner>();

  apply(compiler: Compiler): void {
    compiler.hooks.plan.tapPromise(this.name, async (c, block) => {
      let planner = this.planners.get(c);
      if (!planner) {
        planner = new Planner(c.requireIndex());
        this.planners.set(c, planner);
      }
      const end = block.position + block.bytes.length;
      const regions: Region[] = c.regions
        .filter((r) => r.start < end && r.start + r.length > block.position)
        .map((r) => {
          const start = Math.max(r.start, block.position);
          return { kind: r.kind, start: start - block.position, length: Math.min(r.start + r.length, end) - start };
        });
      return planner.planBlock(block.bytes, regions);
    });
  }
}

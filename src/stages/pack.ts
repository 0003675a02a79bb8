/** Built-in pack stage: each block coded the way that takes fewest bytes (docs/FORMAT.md). */
import type { Compiler } from '../compiler/compiler.js';
import type { Compilation } from '../compiler/compilation.js';
import { BlockEncoder } from '../format/index.js';
import { filterForCode } from '../format/filters/index.js';
import type { FilterRegion } from '../format/spill-filter.js';
import { blobBytesOf } from './blob-bytes.js';

export class PackPlugin {
  readonly name = 'pfsc:pack';
  private readonly encoders = new WeakMap<Compilation, BlockEncoder>();

  apply(compiler: Compiler): void {
    compiler.hooks.pack.tapPromise(this.name, async (c, plan) => {
      let enc = this.encoders.get(c);
      if (!enc) {
        enc = new BlockEncoder({ blob: blobBytesOf(c), transforms: c.transforms, filterRegions: codeFilterRegions(c) });
        this.encoders.set(c, enc);
      }
      const { bytes, streams } = await enc.encode(plan);
      return { bytes, streams };
    });
  }
}

/** The hints' code regions that have a branch-call-jump filter, by start (docs/FILTERS.md, "Choosing a filter"). */
function codeFilterRegions(c: Compilation): FilterRegion[] {
  const out: FilterRegion[] = [];
  for (const r of c.regions) {
    if (r.kind !== 'code') continue;
    const f = filterForCode(r.arch, r.endian);
    if (f !== undefined && r.length > 0) out.push({ start: r.start, length: r.length, filter: f.id });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Built-in pack stage: each block coded the way that takes fewest bytes (docs/FORMAT.md). */
import type { Compiler } from '../compiler/compiler.js';
import type { Compilation } from '../compiler/compilation.js';
import { BlockEncoder } from '../format/index.js';
import { blobBytesOf } from './blob-bytes.js';

export class PackPlugin {
  readonly name = 'pfsc:pack';
  private readonly encoders = new WeakMap<Compilation, BlockEncoder>();

  apply(compiler: Compiler): void {
    compiler.hooks.pack.tapPromise(this.name, async (c, plan) => {
      let enc = this.encoders.get(c);
      if (!enc) {
        enc = new BlockEncoder({ blob: blobBytesOf(c), transforms: c.transforms });
        this.encoders.set(c, enc);
      }
      const { bytes, streams } = await enc.encode(plan);
      return { bytes, streams };
    });
  }
}

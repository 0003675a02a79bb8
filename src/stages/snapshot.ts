/** Built-in snapshot stage: the blob from the profile and the refs, through the cache. */
import type { Compiler } from '../compiler/compiler.js';
import { openBlob } from '../blob/index.js';

export class SnapshotPlugin {
  readonly name = 'pfsc:snapshot';
  apply(compiler: Compiler): void {
    compiler.hooks.snapshot.tapPromise(this.name, async (c) => {
      if (c.blob) return; // an earlier tap supplied the blob
      c.blob = await openBlob({
        profile: c.options.profile,
        manifest: c.options.manifest,
        refs: c.options.refs,
        banks: c.options.banks,
        home: c.options.home,
        registry: c.registry,
        onProgress: c.options.onProgress,
        onWarning: (message: string) => c.warn(message, { stage: 'snapshot', plugin: this.name }),
      });
    });
  }
}

/**
 * Built-in index stage: the generated banks' tables come from the cache (built once per
 * base Blob_ID), the refs' tables are built now.
 */
import type { Compiler } from '../compiler/compiler.js';
import { loadMatchIndex } from '../index/load.js';

export class IndexPlugin {
  readonly name = 'pfsc:index';
  apply(compiler: Compiler): void {
    compiler.hooks.index.tapPromise(this.name, async (c) => {
      if (c.index) return;
      c.index = await loadMatchIndex(c.requireBlob(), {
        home: c.options.home,
        onWarning: (message) => c.warn(message, { stage: 'index', plugin: this.name }),
        onProgress: c.options.onProgress,
      });
    });
  }
}

/** Built-in emit stage: moves the finished .pbb into place, or streams it to standard output. */
import { createReadStream } from 'node:fs';
import { link, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from '../io/pipeline.js';
import type { Compiler } from '../compiler/compiler.js';
import { PfscError } from '../errors.js';

export class EmitFilePlugin {
  readonly name = 'pfsc:emit-file';
  apply(compiler: Compiler): void {
    compiler.hooks.emit.tapPromise(this.name, async (_c, bp) => {
      try {
        if (bp.output === '-') {
          await pipeline(createReadStream(bp.spoolPath), process.stdout, { end: false });
          return;
        }
        if (bp.force) {
          await rename(bp.spoolPath, bp.output);
          return;
        }
        // link() fails if the output appeared meanwhile, so nothing is overwritten by a race.
        try {
          await link(bp.spoolPath, bp.output);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new PfscError('PFSC_OUTPUT_EXISTS', `output ${bp.output} already exists`);
          }
          if ((await stat(bp.output).catch(() => undefined)) !== undefined) throw e;
          await rename(bp.spoolPath, bp.output); // file systems without hard links
        }
      } finally {
        await rm(bp.spoolPath, { force: true });
      }
    });
  }
}

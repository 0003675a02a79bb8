/**
 * llvm-hints: a hint-stage plugin that reads section and segment tables from executable
 * headers (ELF, PE/COFF, Mach-O and fat files) and the structure of containers (ZIP, PNG,
 * JPEG), recognises compressed and text files, and adds the regions it finds. It reads
 * headers only, through compilation.input.read, within a bounded budget, and needs no
 * external tool. docs/HINTS.md defines the regions.
 *
 * ```ts
 * import { build } from 'pfsc';
 * import { LlvmHints } from './plugins/llvm-hints/index.js';
 * await build({ input: 'app', plugins: [new LlvmHints()] });
 * ```
 */
import type { Compilation, Compiler, PfscPlugin } from 'pfsc';
import { hintsFor, resolveLimits, type HintResult } from './hints.js';
import type { Limits } from './types.js';

export { hintsFor, hintsForBytes, resolveLimits, type HintResult } from './hints.js';
export { normalise, wellFormed } from './regions.js';
export { bytesSource, type ByteSource } from './reader.js';
export { ARCHES, DEFAULT_LIMITS, HINTS_VERSION, HINT_KINDS, type Arch, type Endian, type HintKind, type HintRegion, type Limits, type Piece } from './types.js';

export interface LlvmHintsOptions extends Partial<Limits> {
  /**
   * When the input is a ZIP, PNG or JPEG file that this plugin took apart completely (the
   * analysis left no notes), drop the whole-file 'compressed' region an earlier tap (pfsc's
   * built-in sniff) added, so that the finer regions (stored entries, headers) count.
   * Default true.
   */
  refineWholeFile?: boolean;
  /** Add a compilation warning when the analysis stopped early (a limit, a damaged table). Default true. */
  warn?: boolean;
}

/** Formats whose finer regions replace a whole-file 'compressed' region (refineWholeFile). */
const REFINED = new Set(['zip', 'png', 'jpeg']);

export class LlvmHints implements PfscPlugin {
  readonly name = 'llvm-hints';
  private readonly limits: Limits;
  private readonly refineWholeFile: boolean;
  private readonly warnings: boolean;

  constructor(options: LlvmHintsOptions = {}) {
    const { refineWholeFile, warn, ...limits } = options;
    this.limits = resolveLimits(limits);
    this.refineWholeFile = refineWholeFile ?? true;
    this.warnings = warn ?? true;
  }

  apply(compiler: Compiler): void {
    compiler.hooks.hint.tapPromise(this.name, async (c) => {
      if (c.input.size === 0) return;
      let result: HintResult;
      try {
        result = await hintsFor(c.input, this.limits);
      } catch (e) {
        // Hints are optional: a failure to read them must not fail the build.
        c.warn(`${this.name}: no hints (${e instanceof Error ? e.message : String(e)})`, { stage: 'hint', plugin: this.name });
        return;
      }
      this.add(c, result);
    });
  }

  private add(c: Compilation, result: HintResult): void {
    const size = c.input.size;
    // Only a complete analysis replaces the coarse hint: a partial one leaves entries unmarked.
    const complete = result.notes.length === 0;
    if (this.refineWholeFile && complete && result.format !== undefined && REFINED.has(result.format) && result.regions.length > 0) {
      for (let i = c.regions.length - 1; i >= 0; i--) {
        const r = c.regions[i]!;
        if (r.kind === 'compressed' && r.start === 0 && r.length === size) c.regions.splice(i, 1);
      }
    }
    for (const r of result.regions) c.addRegion(r);
    if (this.warnings && result.notes.length > 0) {
      const shown = result.notes.slice(0, 3).join('; ');
      const more = result.notes.length > 3 ? ` (and ${result.notes.length - 3} more)` : '';
      c.warn(`${this.name}: ${result.format ?? 'input'}: ${shown}${more}`, { stage: 'hint', plugin: this.name });
    }
  }
}

/** build(): compile a file into a .pbb blueprint. */
import { rm } from 'node:fs/promises';
import type { BuildOptions, BuildResult } from '../api-types.js';
import { toHex } from '../blob/index.js';
import { Compiler } from '../compiler/compiler.js';
import { DEFAULT_BLOCK_SIZE } from '../compiler/input.js';
import { releaseTemp } from '../io/cleanup.js';
import { spoolStdin } from '../io/temp.js';
import { builtinPlugins } from '../stages/builtin.js';
import { prefetchRefs } from '../blob/generators/ref.js';
import { checkOutput, checkRefs, DEFAULT_PROFILE } from './common.js';

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const input = opts.input;
  const output = opts.output ?? (input === '-' ? '-' : `${input}.pbb`);
  const refs = opts.refs ?? [];
  await checkOutput(output, opts.force ?? false);
  await checkRefs(refs);
  // The refs are read (and hashed) while the rest gets ready; see prefetchRefs.
  const forgetRefs = prefetchRefs(refs);
  let spooled: string | undefined;
  try {
    spooled = input === '-' ? await spoolStdin('stdin') : undefined;
    // Loaded here, not at the top: the default plugins import the package entry point, which
    // imports this module; loading them at once would be a cycle.
    const defaults = opts.defaultPlugins === false ? [] : (await import('../default-plugins.js')).defaultPlugins();
    const compiler = new Compiler([...builtinPlugins(), ...defaults, ...(opts.plugins ?? [])]);
    const c = await compiler.run({
      input: spooled ?? input,
      output,
      force: opts.force ?? false,
      refs,
      banks: opts.banks ?? [],
      profile: opts.profile ?? DEFAULT_PROFILE,
      manifest: opts.manifest,
      home: opts.home,
      blockSize: DEFAULT_BLOCK_SIZE,
      onProgress: opts.onProgress,
    });
    const s = c.stats;
    return {
      output,
      inputBytes: c.input.size,
      pbbBytes: s.pbbBytes,
      blobId: c.blob ? toHex(c.blob.id) : '',
      timings: { ...s.timings },
      segments: { ...s.segments },
      bytesFrom: { ...s.bytesFrom },
      rawRatio: c.input.size === 0 ? 0 : s.bytesFrom.spill / c.input.size,
      streams: [...s.streams.values()],
      warnings: c.warnings.map((w) => w.message),
    };
  } finally {
    forgetRefs();
    if (spooled) {
      await rm(spooled, { force: true });
      releaseTemp(spooled);
    }
  }
}


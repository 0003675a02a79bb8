/** replay(): rebuild a file from a .pbb blueprint and the local blob. Needs no compiler. */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from '../io/pipeline.js';
import type { ReplayOptions, ReplayResult } from '../api-types.js';
import { openBlob, toHex } from '../blob/index.js';
import { prefetchRefs } from '../blob/generators/ref.js';
import { PfscError } from '../errors.js';
import { fileByteSource, readHeader } from '../format/index.js';
import { releaseTemp } from '../io/cleanup.js';
import { spoolStdin, tempPath } from '../io/temp.js';
import { checkBlobMatches } from '../runtime/check.js';
import { replayBlueprint } from '../runtime/replay.js';
import { checkOutput, checkRefs, DEFAULT_PROFILE, exists } from './common.js';
import { extensionsOf, headerTransforms } from './extensions.js';

function defaultReplayOutput(input: string): string {
  if (input === '-') return '-';
  if (!input.endsWith('.pbb') || input.length <= 4) {
    throw new PfscError('PFSC_USAGE', `cannot name the output of ${input}: it does not end in .pbb`, {
      hint: 'Pass -o OUT to name the output file.',
    });
  }
  return input.slice(0, -4);
}

export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const output = opts.output ?? defaultReplayOutput(opts.input);
  const refs = opts.refs ?? [];
  await checkOutput(output, opts.force ?? false);
  await checkRefs(refs);
  if (opts.input !== '-' && !(await exists(opts.input))) {
    throw new PfscError('PFSC_INPUT_NOT_FOUND', `blueprint ${opts.input} does not exist`);
  }
  const spooled = opts.input === '-' ? await spoolStdin('pbb') : undefined;
  const target = output === '-' ? tempPath('replay-out') : output;
  const src = await fileByteSource(spooled ?? opts.input);
  // The refs are read (and hashed) while the header is read and the manifest resolved.
  const forgetRefs = prefetchRefs(refs);
  try {
    const { header, length } = await readHeader(src);
    const profile = opts.profile ?? DEFAULT_PROFILE;
    // A wrong blob is refused before anything is written; it names the ref that differs.
    const banks = opts.banks ?? [];
    const ext = extensionsOf(opts.plugins);
    const transforms = headerTransforms(header, ext);
    const blob = await openBlob({ profile, manifest: opts.manifest, refs, banks, home: opts.home, registry: ext.registry, onProgress: opts.onProgress, deferBase: true });
    checkBlobMatches(header, blob, { refLabels: [...banks, ...refs] });
    const r = await replayBlueprint({
      input: src,
      header,
      headerLength: length,
      blob,
      transforms,
      outPath: target,
      force: output === '-' ? true : (opts.force ?? false),
      onProgress: opts.onProgress,
    });
    if (output === '-') await pipeline(createReadStream(target), process.stdout, { end: false });
    return { output, outputBytes: r.outputBytes, blobId: toHex(blob.id), milliseconds: r.milliseconds };
  } finally {
    forgetRefs();
    await src.close();
    for (const p of [spooled, output === '-' ? target : undefined]) {
      if (p === undefined) continue;
      await rm(p, { force: true });
      releaseTemp(p);
    }
  }
}


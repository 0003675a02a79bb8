/**
 * The programmatic API: build, replay, inspect, blob info and blob build. The CLI is a thin
 * layer over these; so can any program be.
 */
import { createReadStream } from 'node:fs';
import { access, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type {
  BlobInfo,
  BuildOptions,
  BuildResult,
  CommonBlobOptions,
  InspectReport,
  ReplayOptions,
  ReplayResult,
} from './api-types.js';
import { buildBlob, describeBlob, openBlob, resolveManifest, toHex } from './blob/index.js';
import { Compiler } from './compiler/compiler.js';
import { DEFAULT_BLOCK_SIZE } from './compiler/input.js';
import { PfscError } from './errors.js';
import { fileByteSource, readHeader } from './format/index.js';
import { checkBlobMatches } from './runtime/check.js';
import { replayBlueprint } from './runtime/replay.js';
import { builtinPlugins } from './stages/builtin.js';
import { loadMatchIndex } from './index/load.js';
import { spoolStdin, tempPath } from './io/temp.js';
import { releaseTemp } from './io/cleanup.js';
import { inspectBlueprint } from './inspect-report.js';

const DEFAULT_PROFILE = 'orchard';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** Refuses early, before any work, when the output cannot be written. */
async function checkOutput(output: string, force: boolean): Promise<void> {
  if (output === '-') return;
  if (!force && (await exists(output))) throw new PfscError('PFSC_OUTPUT_EXISTS', `output ${output} already exists`);
  try {
    await access(dirname(output));
  } catch (e) {
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write ${output}: folder ${dirname(output)} does not exist`, { cause: e });
  }
}

async function checkRefs(refs: readonly string[]): Promise<void> {
  for (const r of refs) {
    const st = await stat(r).catch(() => undefined);
    if (!st || !st.isFile()) throw new PfscError('PFSC_REF_UNREADABLE', `ref ${r} is not a readable regular file`);
  }
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const input = opts.input;
  const output = opts.output ?? (input === '-' ? '-' : `${input}.pbb`);
  const refs = opts.refs ?? [];
  await checkOutput(output, opts.force ?? false);
  await checkRefs(refs);
  const spooled = input === '-' ? await spoolStdin('stdin') : undefined;
  try {
    const compiler = new Compiler([...builtinPlugins(), ...(opts.plugins ?? [])]);
    const c = await compiler.run({
      input: spooled ?? input,
      output,
      force: opts.force ?? false,
      refs,
      profile: opts.profile ?? DEFAULT_PROFILE,
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
    if (spooled) {
      await rm(spooled, { force: true });
      releaseTemp(spooled);
    }
  }
}

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
  try {
    const { header, length } = await readHeader(src);
    const profile = opts.profile ?? DEFAULT_PROFILE;
    // Refuse a wrong blob before generating anything: the Blob_ID comes from the manifest alone.
    const resolved = await resolveManifest({ profile, refs });
    if (toHex(resolved.id) !== toHex(header.blobId)) {
      const identity = { manifest: resolved.manifest, id: resolved.id, baseId: resolved.baseId };
      checkBlobMatches(header, identity as Parameters<typeof checkBlobMatches>[1], { refLabels: refs });
    }
    const blob = await openBlob({ profile, refs, home: opts.home, onProgress: opts.onProgress });
    checkBlobMatches(header, blob, { refLabels: refs });
    const r = await replayBlueprint({
      input: src,
      header,
      headerLength: length,
      blob,
      outPath: target,
      force: output === '-' ? true : (opts.force ?? false),
      onProgress: opts.onProgress,
    });
    if (output === '-') await pipeline(createReadStream(target), process.stdout, { end: false });
    return { output, outputBytes: r.outputBytes, blobId: toHex(blob.id), milliseconds: r.milliseconds };
  } finally {
    await src.close();
    for (const p of [spooled, output === '-' ? target : undefined]) {
      if (p === undefined) continue;
      await rm(p, { force: true });
      releaseTemp(p);
    }
  }
}

export async function inspect(opts: { input: string; refs?: string[]; profile?: string; home?: string }): Promise<InspectReport> {
  if (!(await exists(opts.input))) throw new PfscError('PFSC_INPUT_NOT_FOUND', `blueprint ${opts.input} does not exist`);
  await checkRefs(opts.refs ?? []);
  const src = await fileByteSource(opts.input);
  try {
    const resolved = await resolveManifest({ profile: opts.profile ?? DEFAULT_PROFILE, refs: opts.refs ?? [] });
    return await inspectBlueprint(opts.input, src, resolved);
  } finally {
    await src.close();
  }
}

export async function blobInfo(opts: CommonBlobOptions = {}): Promise<BlobInfo> {
  await checkRefs(opts.refs ?? []);
  return describeBlob({ ...opts, profile: opts.profile ?? DEFAULT_PROFILE });
}

export async function blobBuild(opts: CommonBlobOptions & { force?: boolean } = {}): Promise<BlobInfo & { ms: number }> {
  await checkRefs(opts.refs ?? []);
  const t0 = performance.now();
  const profile = opts.profile ?? DEFAULT_PROFILE;
  const blob = await buildBlob({ ...opts, profile });
  // The index of the generated banks is part of set-up: build it now so a first build starts at once.
  await loadMatchIndex(blob, { home: opts.home, onProgress: opts.onProgress });
  const info = await describeBlob({ ...opts, profile });
  return { ...info, ms: performance.now() - t0 };
}

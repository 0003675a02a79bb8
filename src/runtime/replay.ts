/**
 * Replay: rebuild a file from a blueprint and the local blob, one block at a time,
 * verifying the output digest before the output becomes visible.
 */
import { registerTemp, releaseTemp } from '../io/cleanup.js';
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Blob } from '../blob/types.js';
import { PfscError, toPfscError } from '../errors.js';
import { readBlocks, type BlockSegments, type DecodeLimits, type DictionarySource } from '../format/block-decoder.js';
import { Digest16, bytesEqual, toHex } from '../format/digest.js';
import type { ByteSource } from '../format/source.js';
import { OP_LITERAL, type PbbHeader } from '../format/types.js';
import { checkBlobMatches } from './check.js';
import { executeBlock } from './execute.js';
import { spillDecoders } from './spill-decoders.js';
import { engine } from '../engine/index.js';
import type { TransformDefinition } from './plugin-transforms.js';

export interface ReplayProgress {
  phase: string;
  done: number;
  total: number;
}

export interface ReplayStreamOptions {
  /** The blueprint. */
  input: ByteSource;
  /** Its parsed header and the header's length in bytes (from decodeHeader / readHeader). */
  header: PbbHeader;
  headerLength: number;
  /** The local blob; its Blob_ID must be the header's. */
  blob: Blob;
  /** Lower caps on what the blueprint may ask for. */
  limits?: DecodeLimits;
  /** Names of the local refs for a blob mismatch message (e.g. the --ref paths). */
  refLabels?: readonly string[];
  /** The definitions of the header's transforms (plugins'), in its order. */
  transforms?: readonly TransformDefinition[];
  onProgress?(p: ReplayProgress): void;
}

export interface ReplayStats {
  outputBytes: number;
  milliseconds: number;
}

/**
 * Rebuilds the output block by block and hands each block's bytes to `write` (awaited
 * before the next block is built; each chunk is a fresh buffer the sink may keep). After
 * the last block the digest is checked: PFSC_DIGEST_MISMATCH when it differs, so a sink
 * that cannot take bytes back (standard output) must treat what it got as unverified
 * until this resolves.
 */
export async function replayToSink(
  opts: ReplayStreamOptions & { write(chunk: Uint8Array): Promise<void> | void },
): Promise<ReplayStats> {
  const t0 = performance.now();
  const { input, header, headerLength, blob } = opts;
  checkBlobMatches(header, blob, { refLabels: opts.refLabels });
  const total = header.outputLength;
  const hash = new Digest16();
  let done = 0;
  opts.onProgress?.({ phase: 'replay', done: 0, total });
  // The blob's ranges a block copies from start loading once its segments are read, while
  // its spill decodes (a cold replay's base loads meanwhile); awaited before it executes.
  let prepared: Promise<void> | undefined;
  const onSegments = blob.prepare
    ? (segments: BlockSegments): void => {
        prepared = prepareCopies(blob, segments);
        prepared.catch(() => {}); // awaited below; a decode error may come first
      }
    : undefined;
  for await (const block of readBlocks(input, header, headerLength, opts.limits, dictionarySource(blob), { ...spillDecoders(), onSegments })) {
    // Zero-filled, on huge pages where the engine can (fewer page faults than a fresh array).
    const out = engine().allocBytes(block.plan.outLength);
    await prepared;
    prepared = undefined;
    executeBlock(block.plan, blob, out, { block: block.index, outputStart: block.outputStart, transforms: opts.transforms });
    // The sink's write (a file's, on libuv's pool) goes on while the block is hashed.
    const written = opts.write(out);
    hash.update(out);
    await written;
    done += out.length;
    opts.onProgress?.({ phase: 'replay', done, total });
  }
  const got = hash.digest();
  if (!bytesEqual(got, header.outputDigest)) {
    throw new PfscError('PFSC_DIGEST_MISMATCH',
      `rebuilt output (${done} bytes) has digest ${toHex(got)}, the blueprint expects ${toHex(header.outputDigest)}`);
  }
  return { outputBytes: done, milliseconds: performance.now() - t0 };
}

export interface ReplayFileOptions extends ReplayStreamOptions {
  /** Where the rebuilt file goes. */
  outPath: string;
  /** Replace an existing file at outPath. */
  force?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot check ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The temporary file a replay writes before renaming it to outPath. */
export function tempPathFor(outPath: string): string {
  return join(dirname(outPath), `.${basename(outPath)}.pfsc-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Runs a file-system step, turning its failure into PFSC_OUTPUT_UNWRITABLE. */
async function fsStep<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof PfscError) throw e;
    throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `${what}: ${(e as Error).message}`, { cause: e });
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array, path: string): Promise<void> {
  let off = 0;
  while (off < chunk.length) {
    const { bytesWritten } = await fsStep(`cannot write ${path}`, () => fh.write(chunk, off, chunk.length - off));
    if (bytesWritten <= 0) throw new PfscError('PFSC_OUTPUT_UNWRITABLE', `write to ${path} made no progress`);
    off += bytesWritten;
  }
}

/** Moves tmp to outPath; without force, never replaces a file that appeared meanwhile. */
async function publish(tmp: string, outPath: string, force: boolean): Promise<void> {
  if (force) {
    await rename(tmp, outPath);
    return;
  }
  try {
    await link(tmp, outPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new PfscError('PFSC_OUTPUT_EXISTS', `${outPath} appeared while replaying; not replaced`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    // The file system has no hard links: check, then rename.
    if (await exists(outPath)) throw new PfscError('PFSC_OUTPUT_EXISTS', `${outPath} appeared while replaying; not replaced`);
    await rename(tmp, outPath);
    return;
  }
  await unlink(tmp);
}

/** The blob as a source of Zstandard dictionaries for the spill. */
export function dictionarySource(blob: Blob): DictionarySource {
  return {
    size: blob.size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (offset < 0 || offset + length > blob.size) {
        throw new PfscError('PFSC_PBB_CORRUPT', `spill dictionary ${offset}..${offset + length} lies outside the blob (${blob.size} bytes)`);
      }
      await blob.prepare?.(offset, length);
      const out = new Uint8Array(length);
      blob.read(offset, length, out, 0);
      return out;
    },
  };
}

/** Asks a blob that loads parts on demand for the span this block's copies read. */
export async function prepareCopies(blob: Blob, plan: BlockSegments): Promise<void> {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < plan.count; i++) {
    if (plan.op[i] === OP_LITERAL || plan.off[i] >= blob.size) continue; // spill, or earlier output
    lo = Math.min(lo, plan.off[i]);
    hi = Math.max(hi, plan.off[i] + plan.len[i]);
  }
  if (hi > lo) await blob.prepare?.(lo, hi - lo);
}

/**
 * Replays into outPath: writes a temporary file beside it, checks the digest, then moves it
 * into place. On any error the temporary file is removed and outPath is left as it was.
 * Memory: one block's buffers at a time.
 */
export async function replayBlueprint(opts: ReplayFileOptions): Promise<ReplayStats> {
  const { outPath } = opts;
  if (!opts.force && (await exists(outPath))) {
    throw new PfscError('PFSC_OUTPUT_EXISTS', `${outPath} already exists`);
  }
  checkBlobMatches(opts.header, opts.blob, { refLabels: opts.refLabels });
  const tmp = tempPathFor(outPath);
  registerTemp(tmp);
  let fh: FileHandle | undefined;
  try {
    fh = await fsStep(`cannot create ${tmp}`, () => open(tmp, 'wx'));
    const file = fh;
    const stats = await replayToSink({ ...opts, write: (chunk) => writeAll(file, chunk, tmp) });
    fh = undefined;
    await fsStep(`cannot close ${tmp}`, () => file.close());
    await fsStep(`cannot move ${tmp} to ${outPath}`, () => publish(tmp, outPath, opts.force === true));
    return stats;
  } catch (e) {
    if (fh !== undefined) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw toPfscError(e);
  } finally {
    releaseTemp(tmp);
  }
}

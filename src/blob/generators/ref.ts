/**
 * `ref`: a bank whose bytes are a file both sides already hold (an older version of the
 * input, a library). Its bytes come from the user's file, never from the manifest; the
 * manifest records the file's size and SHA-256 (in `refs`), and the file is checked
 * against them when it is loaded.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { engine } from '../../engine/index.js';
import { PfscError } from '../../errors.js';
import type { BankGenerator, BankParams } from '../types.js';

/** Largest ref accepted, in bytes (2 GiB - 1: what one read into memory allows). */
export const MAX_REF_SIZE = 2 ** 31 - 1;
const READ_CHUNK = 1 << 22;

export const refGenerator: BankGenerator = {
  kind: 'ref',
  version: 1,
  contentKind: 'ref',
  external: true,
  validate(_params: BankParams): void {
    throw new PfscError('PFSC_MANIFEST_INVALID', 'kind ref is not generated: refs are listed in the manifest\'s refs, not its banks');
  },
  generate(): void {
    throw new PfscError('PFSC_INTERNAL', 'ref banks are read from files, never generated');
  },
};

/** Checks that path is a regular file of at most MAX_REF_SIZE bytes; returns its size. */
export async function refFileSize(path: string): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new PfscError('PFSC_REF_UNREADABLE', `cannot read ref ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  if (!st.isFile()) throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} is not a regular file`);
  if (st.size > MAX_REF_SIZE) {
    throw new PfscError('PFSC_REF_TOO_LARGE', `ref ${path} has ${st.size} bytes; refs may have at most ${MAX_REF_SIZE}`);
  }
  return st.size;
}

/** A ref read whole: its bytes (a Buffer over them) and hex SHA-256. */
interface WholeRef {
  size: number;
  sha256: string;
  bytes: Buffer;
}

/** Reads a whole ref through the engine (off the JavaScript thread where it can). */
async function readWholeRef(path: string): Promise<WholeRef> {
  await refFileSize(path);
  let got;
  try {
    got = await engine().readFile(path, MAX_REF_SIZE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    if (code === 'ENOTREG') throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} is not a regular file`, { cause: e });
    if (code === 'EFBIG') throw new PfscError('PFSC_REF_TOO_LARGE', `ref ${path} has more than ${MAX_REF_SIZE} bytes; refs may have at most ${MAX_REF_SIZE}`, { cause: e });
    if (code === 'ESHRINK') throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} shrank while being read`, { cause: e });
    if (code === 'EGROW') throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} grew while being read`, { cause: e });
    throw new PfscError('PFSC_REF_UNREADABLE', `cannot read ref ${path}: ${code}`, { cause: e });
  }
  const { bytes, sha256 } = got;
  return { size: bytes.length, sha256: Buffer.from(sha256).toString('hex'), bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Reads started ahead by prefetchRefs, by resolved path, until readRefFile takes them. */
const prefetched = new Map<string, Promise<WholeRef>>();

/**
 * Starts reading (and hashing) these refs now, so that the work overlaps whatever the caller
 * does before it opens the blob (loading modules, reading the blueprint's header, resolving
 * the manifest). readRefFile takes a started read instead of reading again; a failed read
 * fails there, with its usual error. The returned function forgets the reads not taken.
 */
export function prefetchRefs(paths: readonly string[]): () => void {
  const started: string[] = [];
  for (const p of paths) {
    const key = resolvePath(p);
    if (prefetched.has(key)) continue;
    const job = readWholeRef(p);
    job.catch(() => undefined); // reported by readRefFile when it takes the read
    prefetched.set(key, job);
    started.push(key);
  }
  return () => {
    for (const key of started) prefetched.delete(key);
  };
}

/**
 * Reads a ref file whole (taking a read prefetchRefs started, when there is one), or, when
 * `keep` is false, streams it through SHA-256 in chunks without keeping it. Returns its size,
 * its hex SHA-256 and, when kept, its bytes.
 */
export async function readRefFile(
  path: string,
  keep: boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<{ size: number; sha256: string; bytes?: Buffer }> {
  const key = resolvePath(path);
  const early = prefetched.get(key);
  if (early !== undefined || keep) {
    prefetched.delete(key);
    const r = await (early ?? readWholeRef(path));
    onProgress?.(r.size, r.size);
    return keep ? r : { size: r.size, sha256: r.sha256 };
  }
  return hashRefFile(path, onProgress);
}

/** Streams a ref file through SHA-256 without keeping it. */
async function hashRefFile(path: string, onProgress?: (done: number, total: number) => void): Promise<{ size: number; sha256: string }> {
  const size = await refFileSize(path);
  const hash = createHash('sha256');
  const scratch = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(size, 1)));
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new PfscError('PFSC_REF_UNREADABLE', `cannot open ref ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  try {
    let pos = 0;
    while (pos < size) {
      const want = Math.min(READ_CHUNK, size - pos);
      const { bytesRead } = await fh.read(scratch, 0, want, pos);
      if (bytesRead === 0) {
        throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} shrank while being read (${pos} of ${size} bytes)`);
      }
      hash.update(scratch.subarray(0, bytesRead));
      pos += bytesRead;
      onProgress?.(pos, size);
    }
    const extra = await fh.read(Buffer.alloc(1), 0, 1, size);
    if (extra.bytesRead !== 0) throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} grew while being read`);
  } catch (e) {
    if (e instanceof PfscError) throw e;
    throw new PfscError('PFSC_REF_UNREADABLE', `cannot read ref ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  } finally {
    await fh.close();
  }
  return { size, sha256: hash.digest('hex') };
}

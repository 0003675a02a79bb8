/**
 * `ref`: a bank whose bytes are a file both sides already hold (an older version of the
 * input, a library). Its bytes come from the user's file, never from the manifest; the
 * manifest records the file's size and SHA-256 (in `refs`), and the file is checked
 * against them when it is loaded.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
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

/**
 * Reads a ref file (whole, or only hashing it when `keep` is false), streaming in chunks.
 * Returns its size, its hex SHA-256 and, when kept, its bytes.
 */
export async function readRefFile(
  path: string,
  keep: boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<{ size: number; sha256: string; bytes?: Buffer }> {
  const size = await refFileSize(path);
  const hash = createHash('sha256');
  const bytes = keep ? Buffer.allocUnsafe(size) : undefined;
  const scratch = keep ? undefined : Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(size, 1)));
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
      const target = bytes ?? (scratch as Buffer);
      const at = bytes ? pos : 0;
      const { bytesRead } = await fh.read(target, at, want, pos);
      if (bytesRead === 0) {
        throw new PfscError('PFSC_REF_UNREADABLE', `ref ${path} shrank while being read (${pos} of ${size} bytes)`);
      }
      hash.update(target.subarray(at, at + bytesRead));
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
  return bytes ? { size, sha256: hash.digest('hex'), bytes } : { size, sha256: hash.digest('hex') };
}

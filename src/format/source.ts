/**
 * Random-access byte sources the decoder reads a blueprint from: a file or a buffer.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { PfscError } from '../errors.js';
import { fail } from './fail.js';

export interface ByteSource {
  /** Total bytes available. */
  readonly size: number;
  /**
   * Returns exactly `length` bytes starting at `position`; the caller keeps
   * position + length <= size. The result stays valid after later reads (it may be a view
   * of bytes the source holds, so callers must not modify it).
   */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Releases the source (closes a file); safe to call more than once. */
  close?(): Promise<void>;
}

/** A ByteSource over bytes already in memory (no copy). */
export function bufferByteSource(buf: Uint8Array): ByteSource {
  return {
    size: buf.length,
    read(position: number, length: number): Promise<Uint8Array> {
      if (position < 0 || length < 0 || position + length > buf.length) {
        return Promise.reject(new PfscError('PFSC_PBB_TRUNCATED',
          `blueprint ends at byte ${buf.length}; needed bytes ${position}..${position + length}`));
      }
      return Promise.resolve(buf.subarray(position, position + length));
    },
  };
}

export interface FileByteSource extends ByteSource {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Opens `path` as a ByteSource. Throws PFSC_INPUT_NOT_FOUND / PFSC_INPUT_UNREADABLE.
 * Call close() when done.
 */
export async function fileByteSource(path: string): Promise<FileByteSource> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('PFSC_INPUT_NOT_FOUND', `no such file: ${path}`, e);
    fail('PFSC_INPUT_UNREADABLE', `cannot open ${path}: ${(e as Error).message}`, e);
  }
  let size: number;
  try {
    const st = await fh.stat();
    if (!st.isFile()) fail('PFSC_INPUT_UNREADABLE', `${path} is not a regular file`);
    size = st.size;
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e instanceof PfscError ? e : new PfscError('PFSC_INPUT_UNREADABLE', `cannot stat ${path}: ${(e as Error).message}`, { cause: e });
  }
  let closed = false;
  return {
    path,
    size,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (position < 0 || length < 0 || position + length > size) {
        fail('PFSC_PBB_TRUNCATED', `${path} ends at byte ${size}; needed bytes ${position}..${position + length}`);
      }
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          ({ bytesRead: n } = await fh.read(out, done, length - done, position + done));
        } catch (e) {
          fail('PFSC_INPUT_UNREADABLE', `cannot read ${path} at byte ${position + done}: ${(e as Error).message}`, e);
        }
        if (n === 0) fail('PFSC_PBB_TRUNCATED', `${path} ended at byte ${position + done} while being read (it shrank)`);
        done += n;
      }
      return out;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
}

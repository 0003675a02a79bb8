/**
 * Random-access byte sources the decoder reads a blueprint from: a file or a buffer.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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

/** A ByteSource over bytes already in memory (no copy); `name` is what messages call it. */
export function bufferByteSource(buf: Uint8Array, name = 'blueprint'): ByteSource {
  return {
    size: buf.length,
    read(position: number, length: number): Promise<Uint8Array> {
      if (position < 0 || length < 0 || position + length > buf.length) {
        return Promise.reject(new PfscError('PFSC_PBB_TRUNCATED',
          `${name} ends at byte ${buf.length}; needed bytes ${position}..${position + length}`));
      }
      return Promise.resolve(buf.subarray(position, position + length));
    },
  };
}

export interface FileByteSource extends ByteSource {
  readonly path: string;
  close(): Promise<void>;
}

/** Blueprints up to this size are read whole when opened, and served from memory. */
export const SMALL_SOURCE_BYTES = 1 << 20;

/**
 * Opens `path` as a ByteSource. Throws PFSC_INPUT_NOT_FOUND / PFSC_INPUT_UNREADABLE.
 * Call close() when done. The open, the stat and, for a file of at most SMALL_SOURCE_BYTES,
 * one read of all of it are made synchronously: a blueprint is mostly small, and through
 * libuv's pool each of its many small reads waited behind the reads a replay starts early
 * (prefetchRefs), a few milliseconds apiece on two cores, for calls that take microseconds.
 */
export async function fileByteSource(path: string): Promise<FileByteSource> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail('PFSC_INPUT_NOT_FOUND', `no such file: ${path}`, e);
    fail('PFSC_INPUT_UNREADABLE', `cannot open ${path}: ${(e as Error).message}`, e);
  }
  let size: number;
  let whole: Uint8Array | undefined;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) fail('PFSC_INPUT_UNREADABLE', `${path} is not a regular file`);
    size = st.size;
    if (size <= SMALL_SOURCE_BYTES) whole = readWhole(fd, size, path);
  } catch (e) {
    closeSync(fd);
    throw e instanceof PfscError ? e : new PfscError('PFSC_INPUT_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (whole !== undefined) {
    closeSync(fd);
    const mem = bufferByteSource(whole, path);
    return { path, size, read: mem.read, close: async () => undefined };
  }
  // A large one is read in parts through a FileHandle (its reads can take a while).
  closeSync(fd);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    fail('PFSC_INPUT_UNREADABLE', `cannot open ${path}: ${(e as Error).message}`, e);
  }
  return largeSource(path, size, fh);
}

/** All `size` bytes of fd, read now. */
function readWhole(fd: number, size: number, path: string): Uint8Array {
  const out = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, out, done, size - done, done);
    if (n === 0) fail('PFSC_PBB_TRUNCATED', `${path} ended at byte ${done} while being read (it shrank)`);
    done += n;
  }
  return out;
}

/** A large file, read where asked through libuv's pool. */
function largeSource(path: string, size: number, fh: FileHandle): FileByteSource {
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

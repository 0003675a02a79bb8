/**
 * readFile's JS twin: the file read in chunks on libuv's pool, each chunk hashed on the
 * JavaScript thread as it arrives. The same results and error codes as the native worker
 * (native/src/read_file.cc).
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileContents } from '../types.js';
import { argText, checkPath } from './range.js';

const READ_CHUNK = 1 << 22;

/** An Error with the code the native worker gives for the same failure. */
function fileError(code: string, syscall: string, why: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${why}, ${syscall} '${path}'`), { code, syscall, path });
}

export async function readFile(path: string, maxBytes: number): Promise<FileContents> {
  checkPath('readFile', path);
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new RangeError(`readFile: maxBytes ${argText(maxBytes)} is not a non-negative integer`);
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw fileError('ENOTREG', 'fstat', 'not a regular file', path);
    const size = st.size;
    if (size > maxBytes) throw fileError('EFBIG', 'fstat', `larger than ${maxBytes} bytes`, path);
    const bytes = new Uint8Array(size);
    const hash = createHash('sha256');
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await fh.read(bytes, pos, Math.min(READ_CHUNK, size - pos), pos);
      if (bytesRead === 0) throw fileError('ESHRINK', 'read', `the file shrank while being read (${pos} of ${size} bytes)`, path);
      hash.update(bytes.subarray(pos, pos + bytesRead));
      pos += bytesRead;
    }
    const extra = await fh.read(new Uint8Array(1), 0, 1, size);
    if (extra.bytesRead !== 0) throw fileError('EGROW', 'read', 'the file grew while being read', path);
    return { bytes, sha256: new Uint8Array(hash.digest()) };
  } finally {
    await fh.close();
  }
}

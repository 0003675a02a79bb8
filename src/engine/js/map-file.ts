/** mapFile's JS twin: the file read into memory (one copy, nothing mapped). */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { checkPath } from './range.js';

const IO_CHUNK = 1 << 23;

export function mapFile(path: string): ArrayBuffer {
  checkPath('mapFile', path);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(size);
    let pos = 0;
    while (pos < size) {
      const n = readSync(fd, bytes, pos, Math.min(IO_CHUNK, size - pos), pos);
      if (n === 0) break;
      pos += n;
    }
    if (pos !== size) throw new Error(`${path} ended after ${pos} of ${size} bytes`);
    return bytes.buffer;
  } finally {
    closeSync(fd);
  }
}

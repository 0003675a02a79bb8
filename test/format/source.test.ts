/**
 * fileByteSource: a small file is read whole when opened, a large one in parts; both give the
 * same bytes for every read and the same errors for reads past the end, a missing file and a
 * folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileByteSource, SMALL_SOURCE_BYTES } from '../../src/format/source.js';
import { codeOfAsync as codeOf } from './helpers.js';
import { mulberry32 } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('source');
afterAll(tmp.cleanup);


describe('fileByteSource', () => {
  for (const size of [0, 1, 4097, SMALL_SOURCE_BYTES, SMALL_SOURCE_BYTES + 1, 3 * SMALL_SOURCE_BYTES + 7]) {
    it(`reads a ${size}-byte file at any position, and refuses reads past its end`, async () => {
      const rand = mulberry32(size + 1);
      const data = new Uint8Array(size).map(() => Math.floor(rand() * 256));
      const file = join(tmp.dir, `f${size}.bin`);
      writeFileSync(file, data);
      const src = await fileByteSource(file);
      expect(src.size).toBe(size);
      for (let k = 0; k < 20 && size > 0; k++) {
        const pos = Math.floor(rand() * size);
        const len = Math.floor(rand() * Math.min(size - pos, 70_000));
        const got = await src.read(pos, len);
        expect(Buffer.compare(got, data.subarray(pos, pos + len)), `read(${pos}, ${len})`).toBe(0);
      }
      expect(Buffer.compare(await src.read(0, size), data)).toBe(0);
      expect(await codeOf(src.read(size, 1))).toBe('PFSC_PBB_TRUNCATED');
      expect(await codeOf(src.read(-1, 1))).toBe('PFSC_PBB_TRUNCATED');
      await src.close();
      await src.close(); // twice is fine
    });
  }

  it('names a missing file and refuses a folder', async () => {
    expect(await codeOf(fileByteSource(join(tmp.dir, 'missing.pbb')))).toBe('PFSC_INPUT_NOT_FOUND');
    const folder = join(tmp.dir, 'folder');
    mkdirSync(folder);
    expect(await codeOf(fileByteSource(folder))).toBe('PFSC_INPUT_UNREADABLE');
  });
});

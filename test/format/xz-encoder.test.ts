/** Large streams encoded by the system xz decode like the bundled encoder's, and as small. */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeLzma2, encodeLzma2, lzma2DictSize } from '../../src/format/lzma2.js';
import { encodeWithXz, XZ_MIN_BYTES, xzLzma2Option } from '../../src/format/xz-encoder.js';
import { prng, textBytes } from '../helpers/tmp.js';

const hasXz = spawnSync('xz', ['--version']).status === 0;
if (!hasXz) console.log('xz-encoder tests skipped: no xz on PATH (apt-get install xz-utils)');

afterEach(() => {
  delete process.env.PFSC_NO_XZ;
});

describe('the xz option string', () => {
  it('names the preset, the extreme flag and the dictionary', () => {
    expect(xzLzma2Option(9, true, 1 << 22)).toBe('preset=9e,dict=4194304');
    expect(xzLzma2Option(6, false, 4096)).toBe('preset=6,dict=4096');
  });
});

describe.skipIf(!hasXz)('encoding through xz', () => {
  const raw = textBytes(prng(11), XZ_MIN_BYTES + 12_345);

  it('gives a stream the format decoder reads back exactly, no larger than the bundled encoder', async () => {
    const viaXz = await encodeWithXz(raw, 9, true, lzma2DictSize(raw.length));
    expect(viaXz).toBeInstanceOf(Uint8Array);
    process.env.PFSC_NO_XZ = '1';
    const bundled = await encodeLzma2(raw);
    expect(Buffer.from(decodeLzma2(viaXz!, raw.length, 'xz')).equals(raw)).toBe(true);
    expect(Buffer.from(decodeLzma2(bundled, raw.length, 'bundled')).equals(raw)).toBe(true);
    expect(viaXz!.length).toBeLessThanOrEqual(Math.ceil(bundled.length * 1.001));
    console.log(`xz ${viaXz!.length} B, bundled ${bundled.length} B, identical: ${Buffer.from(viaXz!).equals(bundled)}`);
  });

  it('is not used for small streams or when turned off', async () => {
    expect(await encodeWithXz(raw.subarray(0, XZ_MIN_BYTES - 1), 9, true, 1 << 20)).toBeUndefined();
    process.env.PFSC_NO_XZ = '1';
    expect(await encodeWithXz(raw, 9, true, lzma2DictSize(raw.length))).toBeUndefined();
  });
});

import { codeOf as code } from './helpers.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  DEFAULT_LZMA_PRESET, decodeLzma2, encodeLzma2, lzma2DictSize, lzma2UnpackedSize, lzmaPresetOptions,
} from '../../src/format/lzma2.js';
import { prng } from '../runtime/fake-blob.js';

interface NativeStream {
  rawEncoder_(filters: unknown): number;
  code(chunk: Uint8Array | null, async: boolean): void;
  bufferHandler: (buf: Buffer | null | undefined, pc: unknown, err: Error | null | undefined) => void;
}
const lzma = createRequire(import.meta.url)('lzma-native') as {
  Stream: new () => NativeStream;
  FILTER_LZMA2: string;
  PRESET_EXTREME: number;
};

/** Encodes straight through lzma-native with the given LZMA2 filter options. */
function nativeEncode(raw: Uint8Array, options: object): Buffer {
  const s = new lzma.Stream();
  s.rawEncoder_([{ id: lzma.FILTER_LZMA2, options }]);
  const parts: Buffer[] = [];
  s.bufferHandler = (buf, _pc, err) => {
    if (err) throw err;
    if (buf) parts.push(buf);
  };
  s.code(raw, false);
  s.code(null, false);
  return Buffer.concat(parts);
}

/** Text-like data that compresses but not trivially. */
function sample(n: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const words = ['alpha ', 'beta ', 'gamma ', 'delta\n', 'epsilon ', '{"k": 1}, ', '0x7f3a ', 'return x;\n'];
  const out = new Uint8Array(n);
  let p = 0;
  while (p < n) {
    const w = words[Math.floor(rand() * words.length)]!;
    for (let i = 0; i < w.length && p < n; i++) out[p++] = w.charCodeAt(i);
    if (rand() < 0.05 && p < n) out[p++] = Math.floor(rand() * 256);
  }
  return out;
}


describe('LZMA2 coding', () => {
  it('derives the dictionary size from the raw length', () => {
    expect(lzma2DictSize(1)).toBe(4096);
    expect(lzma2DictSize(4096)).toBe(4096);
    expect(lzma2DictSize(4097)).toBe(8192);
    expect(lzma2DictSize(3_804_432)).toBe(4 * 1024 * 1024);
    expect(lzma2DictSize(64 * 1024 * 1024)).toBe(64 * 1024 * 1024);
    expect(lzma2DictSize(256 * 1024 * 1024)).toBe(64 * 1024 * 1024);
  });

  it('expands every preset exactly as liblzma does', () => {
    const data = sample(40_000, 1);
    const dictPow2 = [18, 20, 21, 22, 22, 23, 23, 24, 25, 26];
    for (let level = 0; level <= 9; level++) {
      for (const extreme of [0, lzma.PRESET_EXTREME]) {
        const preset = level | extreme;
        const viaPreset = nativeEncode(data, { preset });
        const viaTable = nativeEncode(data, lzmaPresetOptions(preset, 2 ** dictPow2[level]!));
        expect(viaTable.equals(viaPreset), `preset ${level}${extreme ? 'e' : ''}`).toBe(true);
      }
    }
  });

  it('round trips, small and large, sync and thread-pool paths giving the same bytes', async () => {
    for (const n of [12, 100, 5000, 300_000]) {
      const raw = sample(n, n);
      const coded = await encodeLzma2(raw);
      expect(lzma2UnpackedSize(coded, 't')).toBe(n);
      expect(Buffer.from(decodeLzma2(coded, n, 't')).equals(Buffer.from(raw))).toBe(true);
      const preset = lzmaPresetOptions(DEFAULT_LZMA_PRESET, lzma2DictSize(n));
      // Under 64 KiB the encoder also tries (lc 0, pb 0) and (lc 1, pb 0) and keeps the
      // smallest, the preset's on a tie (docs/FORMAT.md); above, the preset alone.
      const candidates = n < 64 * 1024
        ? [nativeEncode(raw, preset), nativeEncode(raw, { ...preset, lc: 0, pb: 0 }), nativeEncode(raw, { ...preset, lc: 1, pb: 0 })]
        : [nativeEncode(raw, preset)];
      const smallest = candidates.reduce((a, b) => (b.length < a.length ? b : a));
      expect(Buffer.from(coded).equals(smallest)).toBe(true);
    }
  });

  it('rejects data whose chunks do not add up to the declared length, before decoding', async () => {
    const raw = new Uint8Array(5000).fill(65);
    const coded = await encodeLzma2(raw);
    expect(code(() => decodeLzma2(coded, 4999, 't'))).toBe('PFSC_PBB_CORRUPT');
    expect(code(() => decodeLzma2(coded, 5001, 't'))).toBe('PFSC_PBB_CORRUPT');
    const trailing = new Uint8Array(coded.length + 1);
    trailing.set(coded);
    expect(code(() => decodeLzma2(trailing, 5000, 't'))).toBe('PFSC_PBB_CORRUPT');
    expect(code(() => decodeLzma2(coded.subarray(0, coded.length - 1), 5000, 't'))).toBe('PFSC_PBB_CORRUPT');
    expect(code(() => decodeLzma2(Uint8Array.of(0x03, 0, 0, 0), 1, 't'))).toBe('PFSC_PBB_CORRUPT');
  });

  it('rejects a small stream that would expand far beyond its declared length without decoding it', async () => {
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const coded = await encodeLzma2(zeros, 0);
    expect(coded.length).toBeLessThan(4096);
    const t = performance.now();
    expect(code(() => decodeLzma2(coded, 1000, 'bomb'))).toBe('PFSC_PBB_CORRUPT');
    expect(performance.now() - t).toBeLessThan(50);
  });

  it('rejects damaged LZMA data inside well-formed chunks', async () => {
    const raw = sample(20_000, 9);
    const coded = await encodeLzma2(raw);
    let failures = 0;
    for (let i = 6; i < coded.length - 1; i += 17) {
      const bad = coded.slice();
      bad[i] = bad[i]! ^ 0x55;
      try {
        const out = decodeLzma2(bad, raw.length, 't');
        expect(out.length).toBe(raw.length);
      } catch (e) {
        expect((e as PfscError).code).toBe('PFSC_PBB_CORRUPT');
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });

  const perl = '/usr/bin/perl';
  const hasXz = ((): boolean => {
    try {
      execFileSync('xz', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  // The whole file with PFSC_FUZZ_LONG=1 (about 10 s); its first MiB otherwise.
  const long = process.env.PFSC_FUZZ_LONG === '1';
  it.skipIf(!hasXz || !existsSync(perl))(`compresses ${long ? '' : 'the first MiB of '}/usr/bin/perl within 0.1% of xz -9e`, async () => {
    const all = new Uint8Array(readFileSync(perl));
    const raw = long ? all : all.subarray(0, 1 << 20);
    const ours = (await encodeLzma2(raw)).length;
    // xz adds a container (stream header, block header, index, footer: about 60 bytes).
    const xz = execFileSync('xz', ['-9e', '-c'], { input: raw, maxBuffer: 1 << 30 }).length;
    expect(Math.abs(ours - xz) / xz).toBeLessThan(0.001);
  });
});

describe('liblzma constants', () => {
  it('are the ones lzma-native exports (the coder loads its binding alone, without them)', async () => {
    const lzma = createRequire(import.meta.url)('lzma-native') as { PRESET_EXTREME: number; PRESET_LEVEL_MASK: number };
    const { LZMA_PRESET_EXTREME, DEFAULT_LZMA_PRESET } = await import('../../src/format/lzma2.js');
    expect(LZMA_PRESET_EXTREME).toBe(lzma.PRESET_EXTREME);
    expect(DEFAULT_LZMA_PRESET).toBe(9 | lzma.PRESET_EXTREME);
    expect(DEFAULT_LZMA_PRESET & lzma.PRESET_LEVEL_MASK).toBe(9);
  });
});

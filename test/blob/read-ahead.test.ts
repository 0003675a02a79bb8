/**
 * Reads started ahead: refs (prefetchRefs, taken by readRefFile and openBlob) and a build's
 * input (InputFile.open with readAheadUpTo), on the engine in use. What they give must be
 * what a plain read gives, and their failures must surface where the read is used, with the
 * usual error codes, never as an unhandled rejection.
 */
import { createHash } from 'node:crypto';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBlob } from '../../src/blob/index.js';
import { prefetchRefs, readRefFile } from '../../src/blob/generators/ref.js';
import { InputFile } from '../../src/compiler/input.js';
import { PfscError } from '../../src/errors.js';
import { codeOfAsync as codeOf } from '../format/helpers.js';
import { mulberry32 } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function bytes(n: number, seed: number): Buffer {
  const rand = mulberry32(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}


let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function dir(): string {
  const t = tempDir('read-ahead');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('prefetchRefs', () => {
  it('gives readRefFile the same bytes and digest as a read without it', async () => {
    const d = dir();
    const file = join(d, 'ref.bin');
    const data = bytes(300_001, 1);
    writeFileSync(file, data);
    const plain = await readRefFile(file, true);
    const forget = prefetchRefs([file]);
    const early = await readRefFile(join(d, '.', 'ref.bin'), true); // the same file by another spelling
    forget();
    for (const r of [plain, early]) {
      expect(r.size).toBe(data.length);
      expect(r.sha256).toBe(sha(data));
      expect(Buffer.compare(r.bytes!, data)).toBe(0);
    }
    const hashed = await readRefFile(file, false);
    expect(hashed).toEqual({ size: data.length, sha256: sha(data) });
  });

  it('reports a failed read where the ref is used, with the usual code', async () => {
    const d = dir();
    const missing = join(d, 'missing.bin');
    const forget = prefetchRefs([missing, d]);
    await new Promise((r) => setTimeout(r, 20)); // the reads fail meanwhile, unobserved
    expect(await codeOf(readRefFile(missing, true))).toBe('PFSC_REF_UNREADABLE');
    expect(await codeOf(readRefFile(d, true))).toBe('PFSC_REF_UNREADABLE');
    forget();
  });

  it('is taken by openBlob, and forgotten reads are read again', async () => {
    const d = dir();
    const file = join(d, 'ref.bin');
    writeFileSync(file, bytes(70_000, 2));
    const forget = prefetchRefs([file]);
    forget(); // not taken: openBlob reads the file as it is now
    const now = bytes(50_000, 3);
    writeFileSync(file, now);
    const blob = await openBlob({ refs: [file], home: join(d, 'home'), deferBase: true });
    const ref = blob.banks.find((b) => b.isRef)!;
    expect(ref.size).toBe(now.length);
    const out = new Uint8Array(now.length);
    blob.read(ref.offset, now.length, out, 0);
    expect(Buffer.compare(out, now)).toBe(0);
  });
});

describe('InputFile read-ahead', () => {
  it('gives a small input as one block with its SHA-256, and larger ones in blocks without', async () => {
    const d = dir();
    const file = join(d, 'in.bin');
    const data = bytes(100_000, 4);
    writeFileSync(file, data);
    const whole = await InputFile.open(file, { readAheadUpTo: 1 << 20 });
    const blocks = [];
    for await (const b of whole.blocks(1 << 20)) blocks.push(b);
    expect(blocks).toHaveLength(1);
    expect(Buffer.compare(blocks[0]!.bytes, data)).toBe(0);
    expect(Buffer.from(blocks[0]!.sha256!).toString('hex')).toBe(sha(data));

    // wholeBytes gives the very array of that one block (plugins key work on it by identity).
    expect(await whole.wholeBytes()).toBe(blocks[0]!.bytes);

    const big = await InputFile.open(file, { readAheadUpTo: 50_000 }); // too large to read ahead
    const parts = [];
    for await (const b of big.blocks(40_000)) parts.push(b);
    expect(parts.map((b) => b.bytes.length)).toEqual([40_000, 40_000, 20_000]);
    expect(parts.every((b) => b.sha256 === undefined)).toBe(true);
    expect(big.wholeBytes()).toBeUndefined();
    expect(Buffer.compare(Buffer.concat(parts.map((b) => b.bytes)), data)).toBe(0);
  });

  it('gives an input cut short after it was opened either whole, as read before the cut, or refuses it', async () => {
    const d = dir();
    const file = join(d, 'in.bin');
    const data = bytes(100_000, 5);
    writeFileSync(file, data);
    const input = await InputFile.open(file, { readAheadUpTo: 1 << 20 });
    truncateSync(file, 10); // races the read ahead: it may have finished or not
    const early = input.wholeBytes(); // never rejects: blocks() reports a failed read
    try {
      const got = [];
      for await (const b of input.blocks(1 << 20)) got.push(b);
      expect(got).toHaveLength(1);
      expect(Buffer.compare(got[0]!.bytes, data)).toBe(0);
      expect(Buffer.from(got[0]!.sha256!).toString('hex')).toBe(sha(data));
      expect(await early).toBe(got[0]!.bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(PfscError);
      expect((e as PfscError).code).toBe('PFSC_INPUT_UNREADABLE');
      expect(await early).toBeUndefined();
    }
    // Without the read ahead, the blocks are read when asked for: the cut is always seen.
    writeFileSync(file, data);
    const late = await InputFile.open(file);
    truncateSync(file, 10);
    const read = (async () => {
      for await (const b of late.blocks(1 << 20)) void b;
    })();
    expect(await codeOf(read)).toBe('PFSC_INPUT_UNREADABLE');
  });
});

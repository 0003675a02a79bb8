/**
 * Spills coded with Zstandard and a blob dictionary (docs/FORMAT.md, "Zstandard coding"):
 * round trips, a check against the zstd command-line tool (an independent decoder), and
 * the decoder's refusals.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BlockEncoder, OP_COPY, OP_LITERAL, bufferByteSource, decodeHeader, encodeHeader, lastCopyEnd, readBlocks, zstdAvailable,
  type BlobBytes, type BlockPlan, type DecodedBlock, type DictionarySource,
} from '../../src/format/index.js';
import { prng } from '../runtime/fake-blob.js';
import { FieldReader, codeOfAsync, concat, header, plan } from './helpers.js';

const haveZstd = zstdAvailable();
if (!haveZstd) console.warn('skipping Zstandard tests: zstd-napi is not installed or does not load');

function hasZstdCli(): boolean {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A blob of word-like text, so new text made of its words compresses well against it. */
function textBlob(size: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const words = Array.from({ length: 300 }, () =>
    Array.from({ length: 3 + Math.floor(rand() * 8) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''));
  let s = '';
  while (s.length < size) s += words[Math.floor(rand() * words.length)] + (rand() < 0.1 ? ';\n  ' : ' ');
  return new TextEncoder().encode(s.slice(0, size));
}

function blobAccess(blob: Uint8Array): { enc: BlobBytes; dec: DictionarySource } {
  const kept = new Map<string, Uint8Array>();
  return {
    enc: {
      size: blob.length,
      bytes(offset, length) {
        const key = `${offset}:${length}`;
        if (!kept.has(key)) kept.set(key, blob.slice(offset, offset + length));
        return kept.get(key)!;
      },
    },
    dec: {
      size: blob.length,
      read(offset, length) {
        if (offset < 0 || offset + length > blob.length) return Promise.reject(new Error('outside'));
        return Promise.resolve(blob.slice(offset, offset + length));
      },
    },
  };
}

/** A block: a copy of the blob's first 20,000 bytes, then 3,000 bytes of new text made of blob words. */
function textPlan(blob: Uint8Array, seed: number): BlockPlan {
  const rand = prng(seed);
  const pieces: string[] = [];
  const text = new TextDecoder().decode(blob);
  let n = 0;
  while (n < 3000) {
    const at = Math.floor(rand() * (text.length - 40));
    const piece = text.slice(at, at + 3 + Math.floor(rand() * 12));
    pieces.push(piece);
    n += piece.length;
  }
  const spill = new TextEncoder().encode(pieces.join('').slice(0, 3000));
  return plan([{ op: OP_COPY, len: 20_000, off: 0 }, { op: OP_LITERAL, len: spill.length }], spill);
}

async function decodeAll(bytes: Uint8Array, dict?: DictionarySource): Promise<DecodedBlock[]> {
  const { header: h, length } = decodeHeader(bytes);
  const out: DecodedBlock[] = [];
  for await (const b of readBlocks(bufferByteSource(bytes), h, length, {}, dict)) out.push(b);
  return out;
}

/** Byte offset of the spill stream's Coding varint inside an encoded streams block. */
async function encodeSpillBlock(p: BlockPlan, enc: BlobBytes): Promise<Uint8Array> {
  const { bytes, streams } = await new BlockEncoder({ coding: 'streams', blob: enc }).encode(p);
  expect(streams.find((s) => s.name === 'spill')!.coding).toBe('zstd');
  return bytes;
}

describe.skipIf(!haveZstd)('Zstandard-coded spill', () => {
  const blob = textBlob(200_000, 7);
  const { enc, dec } = blobAccess(blob);

  it('is chosen for new text made of dictionary pieces, and round trips', async () => {
    const p = textPlan(blob, 1);
    const { bytes, streams } = await new BlockEncoder({ blob: enc }).encode(p);
    const spill = streams.find((s) => s.name === 'spill')!;
    expect(spill.coding).toBe('zstd');
    // Against LZMA2 alone (no blob given), the dictionary pays.
    const lzma = (await new BlockEncoder().encode(p)).streams.find((s) => s.name === 'spill')!;
    expect(lzma.coding).toBe('lzma2');
    expect(spill.codedBytes).toBeLessThan(lzma.codedBytes);
    const file = concat([encodeHeader(header(p.outLength)), bytes]);
    const [b] = await decodeAll(file, dec);
    expect(b!.spillDecoded).toBe(true);
    expect(Buffer.from(b!.plan.spill).equals(Buffer.from(p.spill))).toBe(true);
  });

  it('without a blob, reads sizes and marks the spill undecoded', async () => {
    const p = textPlan(blob, 2);
    const file = concat([encodeHeader(header(p.outLength)), await encodeSpillBlock(p, enc)]);
    const [b] = await decodeAll(file);
    expect(b!.spillDecoded).toBe(false);
    expect(b!.plan.spill.length).toBe(p.spill.length);
  });

  it.skipIf(!hasZstdCli())('writes a frame the zstd tool decodes with the same dictionary', async () => {
    const p = textPlan(blob, 3);
    const block = await encodeSpillBlock(p, enc);
    const { header: h, length } = decodeHeader(concat([encodeHeader(header(p.outLength)), block]));
    expect(length).toBeGreaterThan(0);
    expect(h.outputLength).toBe(p.outLength);
    // Walk the streams block by hand: five streams, the spill last, with Dict_Back and Dict_Length.
    const { data, back, dictLength } = spillFields(block);
    const end = lastCopyEnd(p, blob.length);
    const dict = blob.slice(end - back - dictLength, end - back);
    const dir = mkdtempSync(join(tmpdir(), 'pfsc-zstd-'));
    try {
      writeFileSync(join(dir, 'dict'), dict);
      writeFileSync(join(dir, 'spill.zst'), concat([Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd), data]));
      const out = execFileSync('zstd', ['-d', '-q', '-c', '-D', join(dir, 'dict'), join(dir, 'spill.zst')]);
      expect(Buffer.from(out).equals(Buffer.from(p.spill))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('refusals', () => {
    const p = textPlan(blob, 4);
    const corrupt = async (mutate: (f: ReturnType<typeof spillFields>, block: Uint8Array) => Uint8Array): Promise<string> => {
      const block = await encodeSpillBlock(p, enc);
      const f = spillFields(block);
      const file = concat([encodeHeader(header(p.outLength)), mutate(f, block)]);
      return codeOfAsync(decodeAll(file, dec));
    };
    const rebuild = (f: ReturnType<typeof spillFields>, block: Uint8Array, coding: number, back: number, dictLength: number, data: Uint8Array): Uint8Array =>
      concat([block.subarray(0, f.start), varint(f.rawLen), varint(coding), varint(back), varint(dictLength), data]);

    it('accepts the untouched block', async () => {
      expect(await corrupt((_f, b) => b)).toBe('no error');
    });
    it('a reserved method', async () => {
      expect(await corrupt((f, b) => rebuild(f, b, f.data.length * 4 + 3, f.back, f.dictLength, f.data))).toBe('PFSC_PBB_CORRUPT');
    });
    it('a dictionary above 8 MiB', async () => {
      expect(await corrupt((f, b) => rebuild(f, b, f.data.length * 4 + 2, f.back, 8 * 1024 * 1024 + 1, f.data))).toBe('PFSC_PBB_CORRUPT');
    });
    it('a dictionary starting before the blob', async () => {
      expect(await corrupt((f, b) => rebuild(f, b, f.data.length * 4 + 2, 1_000_000, f.dictLength, f.data))).toBe('PFSC_PBB_CORRUPT');
    });
    it('a different dictionary', async () => {
      expect(await corrupt((f, b) => rebuild(f, b, f.data.length * 4 + 2, f.back + 1, f.dictLength, f.data))).toBe('PFSC_PBB_CORRUPT');
    });
    it('garbage data', async () => {
      const rand = prng(9);
      expect(await corrupt((f, b) => rebuild(f, b, f.data.length * 4 + 2, f.back, f.dictLength, f.data.map(() => Math.floor(rand() * 256)))))
        .toBe('PFSC_PBB_CORRUPT');
    });
    it('a frame cut short', async () => {
      const cut = (f: ReturnType<typeof spillFields>) => f.data.subarray(0, f.data.length - 5);
      expect(await corrupt((f, b) => rebuild(f, b, cut(f).length * 4 + 2, f.back, f.dictLength, cut(f)))).toBe('PFSC_PBB_CORRUPT');
    });
    it('Zstandard on a stream other than the spill', async () => {
      // The ops stream (the first after the block coding byte) claims method 2.
      const block = await encodeSpillBlock(p, enc);
      let at = 0;
      while (block[at]! >= 0x80) at++;
      at++; // output length
      while (block[at]! >= 0x80) at++;
      at++; // count
      at++; // block coding
      const bad = concat([block.subarray(0, at), Uint8Array.of(2, 4 + 2, 0, 0, 0)]);
      expect(await codeOfAsync(decodeAll(concat([encodeHeader(header(p.outLength)), bad]), dec))).toBe('PFSC_PBB_CORRUPT');
    });
  });
});

function varint(v: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return Uint8Array.from(out);
}

/** Parses an encoded streams block far enough to find the spill stream's fields. */
function spillFields(block: Uint8Array): { start: number; rawLen: number; back: number; dictLength: number; data: Uint8Array } {
  const r = new FieldReader(block);
  r.varint(); // output length
  r.varint(); // count
  expect(r.byte()).toBe(0); // streams coding
  for (let s = 0; s < 4; s++) {
    const raw = r.varint();
    if (raw === 0) continue;
    const coding = r.varint();
    r.at += coding === 0 ? raw : Math.floor(coding / 4);
  }
  const start = r.at;
  const rawLen = r.varint();
  const coding = r.varint();
  expect(coding % 4).toBe(2);
  const back = r.varint();
  const dictLength = r.varint();
  const data = block.subarray(r.at, r.at + Math.floor(coding / 4));
  expect(r.at + data.length).toBe(block.length);
  return { start, rawLen, back, dictLength, data };
}

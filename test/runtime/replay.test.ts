import { codeOfAsync as codeOf } from '../format/helpers.js';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import { digest16, fileByteSource, readHeader, type PbbHeader } from '../../src/format/index.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL } from '../../src/format/types.js';
import { replayBlueprint, replayToSink } from '../../src/runtime/replay.js';
import { buildPbb, header, plan, type Coding } from '../format/helpers.js';
import { fakeBlob, prng, randomBytes } from './fake-blob.js';

const rand = prng(21);
const blobBytes = randomBytes(rand, 1 << 16);
const blob = fakeBlob({ bytes: blobBytes });

// The expected output, built by hand from blob bytes: block 0 = blob[100..600) then "hello",
// block 1 = blob[600..700) xor 0x5a then blob[0..50) + 1.
const hello = new TextEncoder().encode('hello');
const expected = new Uint8Array(500 + 5 + 100 + 50);
expected.set(blobBytes.subarray(100, 600), 0);
expected.set(hello, 500);
for (let i = 0; i < 100; i++) expected[505 + i] = blobBytes[600 + i]! ^ 0x5a;
for (let i = 0; i < 50; i++) expected[605 + i] = (blobBytes[i]! + 1) & 255;

const plans = [
  plan([{ op: OP_COPY, len: 500, off: 100 }, { op: OP_LITERAL, len: 5 }], hello),
  plan([{ op: OP_COPY_XOR, len: 100, off: 600, imm: 0x5a }, { op: OP_COPY_ADD, len: 50, off: 0, imm: 1 }]),
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pfsc-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writePbb(name: string, h: PbbHeader): Promise<string> {
  const { bytes } = await buildPbb(h, plans);
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function replayFile(pbb: string, outPath: string, force = false): Promise<{ outputBytes: number }> {
  const src = await fileByteSource(pbb);
  try {
    const { header: h, length } = await readHeader(src);
    return await replayBlueprint({ input: src, header: h, headerLength: length, blob, outPath, force });
  } finally {
    await src.close();
  }
}


const good = (): PbbHeader => header(expected.length, { blobId: blob.id, outputDigest: digest16(expected) });

describe('replayBlueprint', () => {
  it('rebuilds the file byte for byte and leaves no temporary file', async () => {
    const pbb = await writePbb('ok.pbb', good());
    const out = join(dir, 'ok.out');
    const progress: number[] = [];
    const src = await fileByteSource(pbb);
    const { header: h, length } = await readHeader(src);
    const r = await replayBlueprint({ input: src, header: h, headerLength: length, blob, outPath: out, onProgress: (p) => progress.push(p.done) });
    await src.close();
    expect(r.outputBytes).toBe(expected.length);
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(expected))).toBe(true);
    expect(progress).toEqual([0, 505, 655]);
    expect((await readdir(dir)).filter((f) => f.includes('pfsc-tmp'))).toEqual([]);
  });

  it('refuses to replace an existing file without force, before doing any work', async () => {
    const pbb = await writePbb('exists.pbb', good());
    const out = join(dir, 'exists.out');
    await writeFile(out, 'keep me');
    expect(await codeOf(replayFile(pbb, out))).toBe('PFSC_OUTPUT_EXISTS');
    expect(await readFile(out, 'utf8')).toBe('keep me');
    await replayFile(pbb, out, true);
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(expected))).toBe(true);
  });

  it('leaves no output and no temporary file when the digest differs', async () => {
    const h = good();
    h.outputDigest[0] = h.outputDigest[0]! ^ 1;
    const pbb = await writePbb('baddigest.pbb', h);
    const out = join(dir, 'baddigest.out');
    expect(await codeOf(replayFile(pbb, out))).toBe('PFSC_DIGEST_MISMATCH');
    const left = await readdir(dir);
    expect(left).not.toContain('baddigest.out');
    expect(left.filter((f) => f.includes('pfsc-tmp'))).toEqual([]);
  });

  it('keeps an existing file intact when a forced replay fails', async () => {
    const h = good();
    h.outputDigest[3] = h.outputDigest[3]! ^ 1;
    const pbb = await writePbb('forcefail.pbb', h);
    const out = join(dir, 'forcefail.out');
    await writeFile(out, 'old');
    expect(await codeOf(replayFile(pbb, out, true))).toBe('PFSC_DIGEST_MISMATCH');
    expect(await readFile(out, 'utf8')).toBe('old');
  });

  it('refuses a blueprint built for another blob', async () => {
    const h = good();
    h.blobId = new Uint8Array(16).fill(7);
    const pbb = await writePbb('otherblob.pbb', h);
    expect(await codeOf(replayFile(pbb, join(dir, 'otherblob.out')))).toBe('PFSC_BLOB_MISMATCH');
    expect((await readdir(dir)).filter((f) => f.startsWith('otherblob.out') || f.includes('pfsc-tmp'))).toEqual([]);
  });

  it('cleans up after a truncated blueprint', async () => {
    const { bytes } = await buildPbb(good(), plans);
    const pbb = join(dir, 'cut.pbb');
    await writeFile(pbb, bytes.subarray(0, bytes.length - 3));
    expect(await codeOf(replayFile(pbb, join(dir, 'cut.out')))).toBe('PFSC_PBB_TRUNCATED');
    expect((await readdir(dir)).filter((f) => f.startsWith('cut.out') || f.includes('pfsc-tmp'))).toEqual([]);
  });

  it('reports an unwritable output folder', async () => {
    const pbb = await writePbb('nofolder.pbb', good());
    expect(await codeOf(replayFile(pbb, join(dir, 'no', 'such', 'dir', 'x.out')))).toBe('PFSC_OUTPUT_UNWRITABLE');
  });

  it('replays an empty file', async () => {
    const pbb = join(dir, 'empty.pbb');
    await writeFile(pbb, (await buildPbb(header(0, { blobId: blob.id, outputDigest: digest16(new Uint8Array(0)) }), [])).bytes);
    const out = join(dir, 'empty.out');
    expect((await replayFile(pbb, out)).outputBytes).toBe(0);
    expect((await readFile(out)).length).toBe(0);
  });
});

describe('replayToSink', () => {
  it('hands over each block and verifies the digest at the end', async () => {
    const { bytes } = await buildPbb(good(), plans);
    const { bufferByteSource, decodeHeader } = await import('../../src/format/index.js');
    const { header: h, length } = decodeHeader(bytes);
    const chunks: Uint8Array[] = [];
    await replayToSink({ input: bufferByteSource(bytes), header: h, headerLength: length, blob, write: (c) => void chunks.push(c) });
    expect(chunks.map((c) => c.length)).toEqual([505, 150]);
    const joined = Buffer.concat(chunks);
    expect(joined.equals(Buffer.from(expected))).toBe(true);
  });
});

describe('replay of copies from earlier output', () => {
  // Block 0 (file 0..170): "0123456789", blob[100..200), then itself: bytes 0..10, and bytes
  // 10..60 xor 0x33. Block 1 (file 170..254): blob[5000..5020), those 20 bytes + 1, "!!",
  // then all 42 bytes of block 1 so far.
  const digits = new TextEncoder().encode('0123456789');
  const S = blob.size;
  const selfPlans = [
    plan([
      { op: OP_LITERAL, len: 10 },
      { op: OP_COPY, len: 100, off: 100 },
      { op: OP_COPY, len: 10, off: S },
      { op: OP_COPY_XOR, len: 50, off: S + 10, imm: 0x33 },
    ], digits),
    plan([
      { op: OP_COPY, len: 20, off: 5000 },
      { op: OP_COPY_ADD, len: 20, off: S + 170, imm: 1 },
      { op: OP_LITERAL, len: 2 },
      { op: OP_COPY, len: 42, off: S + 170 },
    ], Uint8Array.of(0x21, 0x21)),
  ];
  const b0 = [...digits, ...blobBytes.subarray(100, 200)];
  b0.push(...b0.slice(0, 10), ...b0.slice(10, 60).map((x) => x ^ 0x33));
  const b1 = [...blobBytes.subarray(5000, 5020)];
  b1.push(...b1.map((x) => (x + 1) & 255), 0x21, 0x21);
  b1.push(...b1);
  const selfExpected = Uint8Array.from([...b0, ...b1]);

  async function replayPlans(ps: typeof selfPlans, codings: Coding[], out: Uint8Array): Promise<{ code: string; chunks: Uint8Array[] }> {
    const h = header(out.length, { blobId: blob.id, outputDigest: digest16(out) });
    const { bytes } = await buildPbb(h, ps, { codings });
    const { bufferByteSource, decodeHeader } = await import('../../src/format/index.js');
    const { header: hh, length } = decodeHeader(bytes);
    const chunks: Uint8Array[] = [];
    const code = await codeOf(replayToSink({ input: bufferByteSource(bytes), header: hh, headerLength: length, blob, write: (c) => void chunks.push(c) }));
    return { code, chunks };
  }

  it.each<[Coding[]]>([[['streams']], [['modeled']], [['best']], [['streams', 'modeled']], [['modeled', 'streams']]])(
    'rebuilds a file that repeats itself (%j)',
    async (codings) => {
      expect(selfExpected.length).toBe(254);
      const { code, chunks } = await replayPlans(selfPlans, codings, selfExpected);
      expect(code).toBe('no error');
      expect(chunks.map((c) => c.length)).toEqual([170, 84]);
      expect(Buffer.concat(chunks).equals(Buffer.from(selfExpected))).toBe(true);
    },
  );

  it('refuses a copy from an earlier block, after handing over the blocks before it', async () => {
    const bad = [selfPlans[0]!, plan([{ op: OP_COPY, len: 20, off: 5000 }, { op: OP_COPY, len: 10, off: S + 160 }])];
    for (const codings of [['streams'], ['modeled']] as Coding[][]) {
      const { code, chunks } = await replayPlans(bad, codings, new Uint8Array(200));
      expect(code).toBe('PFSC_PBB_CORRUPT');
      expect(chunks.map((c) => c.length)).toEqual([170]);
    }
  });
});

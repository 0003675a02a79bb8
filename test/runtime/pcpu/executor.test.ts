/**
 * exec's pass over a blueprint on 1 pcore (src/runtime/pcpu/exec.ts, walk.ts): the
 * accumulators equal the program over the replayed output, for copies with transforms,
 * literals, copies from earlier output (chains of them, transformed), copies across banks
 * and several blocks; damaged blueprints and wrong blobs fail as replay fails.
 * Several pcores run compiled workers and are tested through the package (exec-api.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { bufferByteSource, decodeHeader, digest16, type BlockPlan, type PbbHeader } from '../../../src/format/index.js';
import { OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL } from '../../../src/format/types.js';
import { accumulatorRecord } from '../../../src/runtime/pcpu/accumulators.js';
import { execPass } from '../../../src/runtime/pcpu/exec.js';
import { parseProgram } from '../../../src/runtime/pcpu/program.js';
import { replayToSink } from '../../../src/runtime/replay.js';
import { buildPbb, codeOfAsync, concat, header, plan } from '../../format/helpers.js';
import { fakeBlob, prng, randomBytes } from '../fake-blob.js';
import { programText, referenceRun, type RefOp } from './reference.js';

const rand = prng(5);
const blobBytes = randomBytes(rand, 1 << 17);
const blob = fakeBlob({ bytes: blobBytes });
const B = blob.size;
const half = B / 2; // where fakeBlob's two banks meet

/** A file position p as a copy-from-earlier-output offset. */
const out = (p: number): number => B + p;

const spill0 = new TextEncoder().encode('literal bytes, new in this file; ');
// Block 0 (starts at file position 0): blob copies with each transform, one across the bank
// boundary, a literal, copies from earlier output (plain, xor, add, and one that reads bytes
// that were themselves copied from earlier output).
const block0 = plan(
  [
    { op: OP_COPY, len: 5000, off: 100 },                       // 0 .. 5000
    { op: OP_LITERAL, len: spill0.length },                     // 5000 .. 5033
    { op: OP_COPY_XOR, len: 3000, off: half - 1000, imm: 0x5a }, // across banks; 5033 .. 8033
    { op: OP_COPY, len: 4000, off: out(4000) },                  // earlier output 4000..8000; 8033 .. 12033
    { op: OP_COPY_ADD, len: 2000, off: 7000, imm: 200 },         // 12033 .. 14033
    { op: OP_COPY_XOR, len: 3000, off: out(8500), imm: 0x11 },   // reads the earlier-output copy above
    { op: OP_COPY_ADD, len: 10, off: out(5000), imm: 1 },        // the literal, plus 1
  ],
  spill0,
);
// Block 1 (starts at 17043): earlier output is addressed by file position.
const spill1 = new TextEncoder().encode('more');
const block1Start = block0.outLength;
const block1 = plan(
  [
    { op: OP_LITERAL, len: 4 },
    { op: OP_COPY, len: 70_000, off: 50_000 },
    { op: OP_COPY, len: 70_004, off: out(block1Start) },
  ],
  spill1,
);
const plans = [block0, block1];
const outputLength = plans.reduce((n, p) => n + p.outLength, 0);

/** The output as replay rebuilds it (replay's own executor), with the header's digest. */
async function replayed(plansIn: BlockPlan[]): Promise<Uint8Array> {
  const h = header(outputLength, { blobId: blob.id });
  const { bytes } = await buildPbb(h, plansIn);
  const chunks: Uint8Array[] = [];
  const src = bufferByteSource(bytes);
  const { header: hh, length } = decodeHeader(bytes);
  // The digest is not known yet: replay into a sink and ignore the final digest check.
  await replayToSink({ input: src, header: hh, headerLength: length, blob, write: (c) => void chunks.push(c) }).catch(() => undefined);
  return concat(chunks);
}

async function pbbFor(plansIn: BlockPlan[], over: Partial<PbbHeader> = {}): Promise<Uint8Array> {
  const output = await replayed(plansIn);
  const h = header(output.length, { blobId: blob.id, outputDigest: digest16(output), ...over });
  return (await buildPbb(h, plansIn)).bytes;
}

async function exec(pbb: Uint8Array, text: string): Promise<{ acc: Record<string, number | string>; bytes: number }> {
  const { header: h, length } = decodeHeader(pbb);
  const program = parseProgram(text);
  const r = await execPass({ input: bufferByteSource(pbb), header: h, headerLength: length, blob, program, pcores: 1 });
  expect(r.workers).toBe(0);
  expect(r.seconds).toBeGreaterThanOrEqual(0);
  return { acc: accumulatorRecord(program, r.values), bytes: r.bytes };
}

const PROGRAMS: RefOp[][] = [
  [['crc32c']],
  [['counteq', 0x5a], ['fnv']],
  [['xor', 255], ['add', 7], ['counteq', 0], ['crc32c'], ['fnv']],
  [['crc32c'], ['add', 1], ['crc32c'], ['xor', 0x11], ['counteq', 1]],
];

describe('exec on 1 pcore', () => {
  it('equals the program over the replayed file', async () => {
    const output = await replayed(plans);
    expect(output.length).toBe(outputLength);
    const pbb = await pbbFor(plans);
    for (const ops of PROGRAMS) {
      const r = await exec(pbb, programText(ops));
      expect(r.bytes).toBe(outputLength);
      expect(Object.values(r.acc), programText(ops)).toEqual(referenceRun(ops, output));
    }
  });

  it('keeps only what copies from earlier output read, and gets chains of them right', async () => {
    // Every byte of block 0 read by later copies, in a chain: each copy reads the one before.
    const chain = plan([
      { op: OP_COPY, len: 1000, off: 3 },
      ...Array.from({ length: 20 }, (_, i) => ({ op: i % 2 ? OP_COPY_XOR : OP_COPY_ADD, len: 1000, off: out(i * 1000), imm: i + 1 })),
    ]);
    const output = await replayed([chain]);
    const pbb = await pbbFor([chain]);
    const ops: RefOp[] = [['counteq', 3], ['crc32c'], ['fnv']];
    expect(Object.values((await exec(pbb, programText(ops))).acc)).toEqual(referenceRun(ops, output));
  });

  it('runs over an empty file: the initial values', async () => {
    const h = header(0, { blobId: blob.id, outputDigest: digest16(new Uint8Array(0)) });
    const { bytes } = await buildPbb(h, []);
    expect(await exec(bytes, 'counteq:0,crc32c,fnv')).toEqual({ acc: { 'counteq:0': 0, crc32c: '0x00000000', fnv: '0xcbf29ce484222325' }, bytes: 0 });
  });
});

describe('exec refuses what replay refuses', () => {
  it('another blob: PFSC_BLOB_MISMATCH before any block is read', async () => {
    const pbb = await pbbFor(plans, { blobId: new Uint8Array(16).fill(7) });
    expect(await codeOfAsync(exec(pbb, 'crc32c'))).toBe('PFSC_BLOB_MISMATCH');
  });

  it('a copy from output not yet written: PFSC_PBB_CORRUPT naming the segment', async () => {
    const bad = plan([
      { op: OP_COPY, len: 100, off: 0 },
      { op: OP_COPY, len: 100, off: out(50) }, // reads 50..150, only 100 written
    ]);
    const h = header(200, { blobId: blob.id });
    const { bytes } = await buildPbb(h, [bad]);
    await expect(exec(bytes, 'crc32c')).rejects.toThrow(/block 0: segment 1 copies output bytes 50\.\.150, not all written/);
  });

  it('a copy from output before its block: PFSC_PBB_CORRUPT', async () => {
    const b0 = plan([{ op: OP_COPY, len: 100, off: 0 }]);
    const b1 = plan([{ op: OP_COPY, len: 10, off: 0 }, { op: OP_COPY, len: 10, off: out(0) }]);
    const h = header(120, { blobId: blob.id });
    const { bytes } = await buildPbb(h, [b0, b1]);
    expect(await codeOfAsync(exec(bytes, 'crc32c'))).toBe('PFSC_PBB_CORRUPT');
  });

  it('a truncated blueprint: PFSC_PBB_TRUNCATED', async () => {
    const pbb = await pbbFor(plans);
    expect(await codeOfAsync(exec(pbb.subarray(0, pbb.length - 3), 'crc32c'))).toBe('PFSC_PBB_TRUNCATED');
  });
});

describe('exec over extended ops (format 3)', () => {
  const rotl: import('../../../src/runtime/plugin-transforms.js').TransformDefinition = {
    name: 'test/rotl',
    immCount: 1,
    apply(buf, start, end, imm) {
      const r = imm[0]! & 7;
      for (let i = start; i < end; i++) buf[i] = ((buf[i]! << r) | (buf[i]! >> (8 - r))) & 255;
    },
  };
  const diffOf = (n: number, seed: number): number[] => {
    const r = prng(seed);
    return Array.from({ length: n }, () => (r() % 10 === 0 ? r() & 255 : 0));
  };
  // COPY_DIFF from the blob and from earlier output, a transform copy, and copies that read
  // output the COPY_DIFF and the transform made.
  const ext = plan([
    { op: 4, len: 3000, off: 200, diff: diffOf(3000, 1) },
    { op: 16, len: 1000, off: 9000, timm: [3] },
    { op: OP_COPY, len: 2000, off: out(1000) },
    { op: 4, len: 1500, off: out(2500), diff: diffOf(1500, 2) },
    { op: OP_COPY_XOR, len: 500, off: out(3100), imm: 9 },
  ]);

  it('equals the program over the output replay builds', async () => {
    const transforms = [rotl];
    const total = ext.outLength;
    const draft = (await buildPbb(header(total, { blobId: blob.id, transforms: [{ name: rotl.name, immCount: 1 }] }), [ext], { transforms: [rotl] })).bytes;
    const chunks: Uint8Array[] = [];
    const d = decodeHeader(draft);
    await replayToSink({ input: bufferByteSource(draft), header: d.header, headerLength: d.length, blob, transforms, write: (c) => void chunks.push(c) }).catch(() => undefined);
    const output = concat(chunks);
    expect(output.length).toBe(total);
    // Each copy's bytes, worked out here: the COPY_DIFF's first byte, the transform's first.
    expect(output[0]).toBe((blobBytes[200]! + diffOf(3000, 1)[0]!) & 255);
    const b = blobBytes[9000]!;
    expect(output[3000]).toBe(((b << 3) | (b >> 5)) & 255);
    const pbb = (await buildPbb(header(total, { blobId: blob.id, outputDigest: digest16(output), transforms: [{ name: rotl.name, immCount: 1 }] }), [ext], { transforms: [rotl] })).bytes;
    const { header: h, length } = decodeHeader(pbb);
    for (const ops of PROGRAMS) {
      const program = parseProgram(programText(ops));
      const r = await execPass({ input: bufferByteSource(pbb), header: h, headerLength: length, blob, program, pcores: 1, transforms });
      expect(Object.values(accumulatorRecord(program, r.values)), programText(ops)).toEqual(referenceRun(ops, output));
    }
    // Without the transform's definition the walk refuses the segment.
    const program = parseProgram('crc32c');
    expect(await codeOfAsync(execPass({ input: bufferByteSource(pbb), header: h, headerLength: length, blob, program, pcores: 1 }))).toBe('PFSC_PBB_CORRUPT');
  });
});

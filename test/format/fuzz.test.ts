/**
 * Damaged and hostile blueprints: every one must either replay cleanly or fail with a
 * PfscError carrying one of the blueprint codes, quickly and without large allocations.
 * PFSC_FUZZ_LONG=1 runs many more cases.
 */
import { describe, expect, it } from 'vitest';
import { PfscError, type ErrorCode } from '../../src/errors.js';
import {
  OP_COPY, OP_COPY_ADD, OP_COPY_DIFF, OP_COPY_XOR, OP_LITERAL, OP_TRANSFORM, bufferByteSource, digest16, readHeader, zstdAvailable, type BlobBytes, type BlockPlan,
  type DecodeLimits,
} from '../../src/format/index.js';
import { executeBlock } from '../../src/runtime/execute.js';
import { scanBlueprint } from '../../src/runtime/inspect.js';
import { replayToSink } from '../../src/runtime/replay.js';
import { TransformRegistry, type TransformDefinition } from '../../src/runtime/plugin-transforms.js';
import { fakeBlob, prng, randomBytes } from '../runtime/fake-blob.js';
import { buildPbb, concat, fakeCode, header, plan, type Coding, type Seg } from './helpers.js';
import { FILTER_IDS } from '../../src/format/filters/index.js';

const LONG = process.env.PFSC_FUZZ_LONG === '1';
const CASES = LONG ? 300_000 : 25_000;
const RANDOM_FILES = LONG ? 100_000 : 10_000;
const RANDOM_BLOCKS = LONG ? 100_000 : 10_000;

const ALLOWED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PFSC_PBB_BAD_MAGIC', 'PFSC_PBB_VERSION', 'PFSC_PBB_TRUNCATED', 'PFSC_PBB_CORRUPT', 'PFSC_PBB_LIMIT',
  'PFSC_BLOB_MISMATCH', 'PFSC_DIGEST_MISMATCH', 'PFSC_UNSUPPORTED',
]);

/** Transforms the extended seeds declare: rotate each byte left by imm & 7, and a no-op. */
const ROTATE: TransformDefinition = {
  name: 'test/rotl',
  immCount: 1,
  apply(buf, start, end, imm) {
    const r = imm[0]! & 7;
    for (let i = start; i < end; i++) buf[i] = ((buf[i]! << r) | (buf[i]! >> (8 - r))) & 255;
  },
};
const NOTHING: TransformDefinition = { name: 'test/none', immCount: 0, apply: () => undefined };
const TRANSFORMS = new TransformRegistry().register(ROTATE).register(NOTHING);

// Caps that keep every allocation small however the fields are damaged.
const LIMITS: DecodeLimits = { maxOutputLength: 1 << 24, maxBlockOutLength: 1 << 20, maxBlockSegments: 1 << 16 };

const rand = prng(0x5eed);
const blobBytes = randomBytes(rand, 1 << 16);
blobBytes.fill(0x20, 0, 4096); // a compressible region
const blob = fakeBlob({ bytes: blobBytes, refSizes: [8192] });

/**
 * A random plan over the fake blob for a block whose output starts at file position `start`;
 * `squeeze` makes its streams compressible (LZMA2-coded). Some copies read the block's own
 * earlier output (offsets from blob.size + start on).
 */
function randomPlan(r: () => number, maxSegs: number, squeeze: boolean, start: number): BlockPlan {
  const segs: Seg[] = [];
  let spill = 0;
  let pos = 0;
  const n = 1 + Math.floor(r() * maxSegs);
  let next = Math.floor(r() * 1000);
  for (let i = 0; i < n; i++) {
    const op = squeeze ? (i % 2 === 0 ? OP_COPY : OP_LITERAL) : Math.floor(r() * 4);
    let len = squeeze ? 8 : 1 + Math.floor(r() * 200);
    if (op === OP_LITERAL) {
      spill += len;
      segs.push({ op, len });
    } else if (!squeeze && pos > 0 && r() < 0.2) {
      const src = Math.floor(r() * pos);
      len = Math.min(len, pos - src);
      segs.push({ op, len, off: blob.size + start + src, imm: op === OP_COPY_XOR || op === OP_COPY_ADD ? Math.floor(r() * 256) : 0 });
    } else {
      const off = squeeze ? next : Math.floor(r() * (blobBytes.length - len));
      next = (off + len + 3) % (blobBytes.length - 300);
      segs.push({ op, len, off, imm: op === OP_COPY_XOR || op === OP_COPY_ADD ? Math.floor(r() * 256) : 0 });
    }
    pos += len;
  }
  return plan(segs, squeeze ? new Uint8Array(spill).fill(0x41) : randomBytes(r, spill));
}

/** Random plans for consecutive blocks of one file. */
function randomPlans(r: () => number, blocks: number, maxSegs: number, squeeze: boolean): BlockPlan[] {
  const plans: BlockPlan[] = [];
  let start = 0;
  for (let k = 0; k < blocks; k++) {
    const p = randomPlan(r, maxSegs, squeeze, start);
    plans.push(p);
    start += p.outLength;
  }
  return plans;
}

/** The plan with about a third of its plain copies turned into COPY_DIFF and transform copies. */
function withExtendedOps(r: () => number, p: BlockPlan): BlockPlan {
  const diffs: number[] = [];
  const timm: number[] = [];
  let turned = false;
  for (let i = 0; i < p.count; i++) {
    if (p.op[i] !== OP_COPY || (r() > 0.35 && (turned || i < p.count - 1))) continue;
    turned = true;
    if (r() < 0.5) {
      p.op[i] = OP_COPY_DIFF;
      for (let k = 0; k < p.len[i]!; k++) diffs.push(r() < 0.85 ? 0 : Math.floor(r() * 256));
    } else if (r() < 0.7) {
      p.op[i] = OP_TRANSFORM;
      timm.push(Math.floor(r() * 256));
    } else {
      p.op[i] = OP_TRANSFORM + 1;
    }
  }
  if (!turned) {
    // No plain copy to turn: end with a COPY_DIFF of one byte from the blob's start.
    return withExtendedOps(r, plan([...segsOf(p), { op: OP_COPY, len: 1, off: 0 }], p.spill));
  }
  // diffs and timm must follow segment order: rebuild them in order.
  const d: number[] = [];
  const t: number[] = [];
  let dp = 0;
  let tp = 0;
  for (let i = 0; i < p.count; i++) {
    if (p.op[i] === OP_COPY_DIFF) for (let k = 0; k < p.len[i]!; k++) d.push(diffs[dp++]!);
    else if (p.op[i] === OP_TRANSFORM) t.push(timm[tp++]!);
  }
  if (d.length > 0) p.diffs = Uint8Array.from(d);
  if (t.length > 0) p.timm = Uint8Array.from(t);
  return p;
}

function segsOf(p: BlockPlan): Seg[] {
  return Array.from({ length: p.count }, (_, i) => ({ op: p.op[i]!, len: p.len[i]!, off: p.off[i]!, imm: p.imm[i]! }));
}

function outputOf(plans: BlockPlan[]): Uint8Array {
  let outputStart = 0;
  return concat(plans.map((p) => {
    const out = new Uint8Array(p.outLength);
    executeBlock(p, blob, out, { outputStart, transforms: TRANSFORMS.definitions() });
    outputStart += p.outLength;
    return out;
  }));
}

async function makeSeeds(): Promise<Uint8Array[]> {
  const r = prng(99);
  const seeds: Uint8Array[] = [];
  const refs = blob.manifest.refs.map((x) => ({ size: x.size, digestPrefix: Uint8Array.from(Buffer.from(x.sha256.slice(0, 8), 'hex')) }));
  // Blocks coded as streams, modeled, or whichever is smaller (block i takes codings[i % length]).
  const shapes: [number, number, boolean, Coding[]][] = [
    [1, 1, false, ['streams']], [1, 3, false, ['best']], [2, 20, false, ['streams', 'modeled']], [3, 60, false, ['modeled', 'streams']],
    [1, 400, true, ['streams']], [2, 300, true, ['modeled', 'best']], [4, 10, false, ['best']], [1, 2000, true, ['streams']],
    [1, 2, false, ['modeled']], [3, 40, false, ['modeled']],
  ];
  for (const [blocks, maxSegs, squeeze, codings] of shapes) {
    const plans = randomPlans(r, blocks, maxSegs, squeeze);
    const out = outputOf(plans);
    const h = header(out.length, { blobId: blob.id, baseFingerprint: blob.baseId.slice(0, 4), refs, outputDigest: digest16(out) });
    seeds.push((await buildPbb(h, plans, { preset: 6, codings })).bytes);
  }
  // Format 3's extended ops: some copies become COPY_DIFF and transform copies; some files
  // without diagnostics.
  for (const [blocks, maxSegs, codings, diagnostics] of [[2, 30, ['streams', 'modeled'], true], [1, 200, ['best'], false], [3, 12, ['modeled'], false]] as const) {
    const plans = randomPlans(r, blocks, maxSegs, false).map((p) => withExtendedOps(r, p));
    const out = outputOf(plans);
    const h = header(out.length, {
      blobId: blob.id, diagnostics, baseFingerprint: diagnostics ? blob.baseId.slice(0, 4) : new Uint8Array(0), refs: diagnostics ? refs : [],
      transforms: TRANSFORMS.decls(), outputDigest: digest16(out),
    });
    seeds.push((await buildPbb(h, plans, { preset: 6, codings: [...codings], transforms: TRANSFORMS.decls() })).bytes);
  }
  // Spills made of pieces of the blob: Zstandard with a blob dictionary codes them.
  const blobAccess: BlobBytes = { size: blob.size, bytes: (o, l) => blobBytes.slice(o, o + l) };
  const dictBytes = new Map<string, Uint8Array>();
  const keptAccess: BlobBytes = {
    size: blob.size,
    bytes(o, l) {
      const k = `${o}:${l}`;
      if (!dictBytes.has(k)) dictBytes.set(k, blobAccess.bytes(o, l));
      return dictBytes.get(k)!;
    },
  };
  for (let k = 0; k < 3; k++) {
    const plans = [0, 1].map(() => {
      const pieces: Uint8Array[] = [];
      let n = 0;
      while (n < 1500) {
        const at = 4096 + Math.floor(r() * 50_000);
        const piece = blobBytes.subarray(at, at + 6 + Math.floor(r() * 20));
        pieces.push(piece);
        n += piece.length;
      }
      const spill = concat(pieces);
      return plan([{ op: OP_COPY, len: 3000, off: 4096 + Math.floor(r() * 10_000) }, { op: OP_LITERAL, len: spill.length }], spill);
    });
    const out = outputOf(plans);
    const h = header(out.length, { blobId: blob.id, baseFingerprint: blob.baseId.slice(0, 4), refs, outputDigest: digest16(out) });
    const built = await buildPbb(h, plans, { preset: 6, blob: keptAccess, codings: [k === 0 ? 'streams' : 'best'] });
    if (zstdAvailable()) expect(built.streams.flat().some((st) => st.coding === 'zstd')).toBe(true);
    seeds.push(built.bytes);
  }
  // Code in the spill, coded through the x86-64 filter (docs/FORMAT.md, "Filtered LZMA2 coding").
  for (const coding of ['streams', 'modeled'] as const) {
    const a = fakeCode(6000, 7, 0);
    const b = fakeCode(5000, 8, 9000);
    const plans = [plan([{ op: OP_LITERAL, len: a.length }, { op: OP_COPY, len: 3000, off: 4096 }, { op: OP_LITERAL, len: b.length }], concat([a, b]))];
    const out = outputOf(plans);
    const h = header(out.length, { blobId: blob.id, baseFingerprint: blob.baseId.slice(0, 4), refs, outputDigest: digest16(out) });
    const built = await buildPbb(h, plans, { preset: 6, codings: [coding], filterRegions: [{ start: 100, length: 13_000, filter: FILTER_IDS['x86-64'] }] });
    expect(built.streams.flat().some((st) => st.coding === 'filtered')).toBe(true);
    seeds.push(built.bytes);
  }
  const empty = header(0, { blobId: blob.id, outputDigest: digest16(new Uint8Array(0)) });
  seeds.push((await buildPbb(empty, [])).bytes);
  return seeds;
}

/** Replays `bytes`; returns 'ok' or the error code; anything but a PfscError with an allowed code fails. */
async function attempt(bytes: Uint8Array, what: string): Promise<string> {
  const t = performance.now();
  let result = 'ok';
  try {
    const src = bufferByteSource(bytes);
    const { header: h, length } = await readHeader(src);
    let written = 0;
    const transforms = TRANSFORMS.resolve(h.transforms);
    await replayToSink({ input: src, header: h, headerLength: length, blob, limits: LIMITS, transforms, write: (c) => void (written += c.length) });
    if (written !== h.outputLength) throw new Error(`${what}: replay wrote ${written} bytes, header says ${h.outputLength}`);
  } catch (e) {
    if (!(e instanceof PfscError) || !ALLOWED.has(e.code)) {
      throw new Error(`${what}: unexpected ${e instanceof PfscError ? e.code : (e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    }
    if (/\n/.test(e.message)) throw new Error(`${what}: message spans lines: ${JSON.stringify(e.message)}`);
    result = e.code;
  }
  const ms = performance.now() - t;
  if (ms > 2000) throw new Error(`${what}: took ${ms.toFixed(0)} ms`);
  return result;
}

function mutate(r: () => number, seed: Uint8Array, seeds: Uint8Array[]): { bytes: Uint8Array; how: string } {
  const pos = (n: number): number => Math.floor(r() * n);
  const kind = pos(7);
  const b = seed.slice();
  switch (kind) {
    case 0: {
      const n = pos(b.length);
      return { bytes: b.subarray(0, n), how: `truncate to ${n}` };
    }
    case 1: {
      const flips = 1 + pos(3);
      const at: number[] = [];
      for (let i = 0; i < flips; i++) {
        const p = pos(b.length);
        b[p] = b[p]! ^ (1 << pos(8));
        at.push(p);
      }
      return { bytes: b, how: `flip bits at ${at.join(',')}` };
    }
    case 2: {
      const p = pos(b.length + 1);
      return { bytes: concat([b.subarray(0, p), Uint8Array.of(pos(256)), b.subarray(p)]), how: `insert at ${p}` };
    }
    case 3: {
      const p = pos(b.length);
      return { bytes: concat([b.subarray(0, p), b.subarray(p + 1)]), how: `delete at ${p}` };
    }
    case 4: {
      const p = pos(b.length);
      const n = 1 + pos(16);
      for (let i = p; i < Math.min(b.length, p + n); i++) b[i] = pos(256);
      return { bytes: b, how: `overwrite ${n} at ${p}` };
    }
    case 5: {
      // set a byte after the header to a large varint-ish value
      const p = pos(b.length);
      b[p] = [0x00, 0x7f, 0x80, 0xff, 0x01][pos(5)]!;
      return { bytes: b, how: `set byte ${p}` };
    }
    default: {
      const other = seeds[pos(seeds.length)]!;
      const p = pos(b.length);
      const q = pos(other.length);
      return { bytes: concat([b.subarray(0, p), other.subarray(q)]), how: `splice ${p} + other from ${q}` };
    }
  }
}

describe('fuzz', () => {
  it(`replays or rejects ${CASES} damaged blueprints`, async () => {
    const seeds = await makeSeeds();
    // The seeds themselves replay; some use LZMA2-coded streams, some have modeled blocks, some
    // copy from their own earlier output.
    let lzmaStreams = 0;
    let modeledSeeds = 0;
    let selfCopies = 0;
    let diffCopies = 0;
    let transformCopies = 0;
    for (const s of seeds) {
      expect(await attempt(s, 'seed')).toBe('ok');
      const scan = await scanBlueprint(bufferByteSource(s));
      lzmaStreams += scan.streams.filter((x) => x.coding === 'lzma2').length;
      if (scan.streams.some((x) => x.name === 'segments' && x.rawBytes > 0)) modeledSeeds++;
      selfCopies += scan.copies.filter((c) => c.offset >= blob.size).length;
      diffCopies += scan.segments.copyDiff;
      transformCopies += scan.segments.copyTransform;
    }
    expect(diffCopies).toBeGreaterThan(5);
    expect(transformCopies).toBeGreaterThan(5);
    expect(lzmaStreams).toBeGreaterThan(3);
    expect(modeledSeeds).toBeGreaterThan(4);
    expect(selfCopies).toBeGreaterThan(10);
    const r = prng(LONG ? Date.now() : 12345);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const si = Math.floor(r() * seeds.length);
      const { bytes, how } = mutate(r, seeds[si]!, seeds);
      const o = await attempt(bytes, `case ${i} (seed ${si}, ${how})`);
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    if (LONG) console.log('fuzz outcomes', Object.fromEntries(outcomes));
    // The mutations reach deep enough to produce each kind of failure.
    for (const code of ['PFSC_PBB_TRUNCATED', 'PFSC_PBB_CORRUPT', 'PFSC_DIGEST_MISMATCH', 'PFSC_BLOB_MISMATCH']) {
      expect(outcomes.get(code) ?? 0, `${code} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
    }
  });

  it(`rejects ${RANDOM_FILES} random files`, async () => {
    const r = prng(LONG ? Date.now() + 1 : 777);
    const good = (await buildPbb(header(0, { blobId: blob.id }), [])).bytes.subarray(0, 6);
    for (let i = 0; i < RANDOM_FILES; i++) {
      const n = Math.floor(r() * 300);
      const body = randomBytes(r, n);
      // Half start like a blueprint so the parser gets past the magic.
      const bytes = i % 2 === 0 ? concat([good, body]) : body;
      await attempt(bytes, `random file ${i}`);
    }
    expect(true).toBe(true);
  });

  it('rejects random blocks behind a valid header', async () => {
    const r = prng(LONG ? Date.now() + 2 : 4242);
    for (let i = 0; i < RANDOM_BLOCKS; i++) {
      const outLen = 1 + Math.floor(r() * 64);
      const h = (await buildPbb(header(outLen, { blobId: blob.id }), [])).bytes;
      const block = randomBytes(r, Math.floor(r() * 64));
      block[0] = outLen; // a plausible block length
      if (block.length > 1) block[1] = 1 + Math.floor(r() * Math.min(outLen, 4));
      // a valid Block_Coding (streams or modeled) most of the time, and a small Segments_Size
      if (block.length > 2 && i % 8 !== 0) block[2] = i % 2;
      if (block.length > 3 && i % 2 === 1) block[3] = Math.floor(r() * Math.min(block.length - 3, 50));
      await attempt(concat([h, block]), `random block ${i}`);
    }
    expect(true).toBe(true);
  });
});

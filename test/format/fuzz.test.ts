/**
 * Damaged and hostile blueprints: every one must either replay cleanly or fail with a
 * PfscError carrying one of the blueprint codes, quickly and without large allocations.
 * PFSC_FUZZ_LONG=1 runs many more cases.
 */
import { describe, expect, it } from 'vitest';
import { PfscError, type ErrorCode } from '../../src/errors.js';
import {
  OP_COPY, OP_COPY_ADD, OP_COPY_XOR, OP_LITERAL, bufferByteSource, digest16, readHeader, type BlockPlan, type DecodeLimits,
} from '../../src/format/index.js';
import { executeBlock } from '../../src/runtime/execute.js';
import { scanBlueprint } from '../../src/runtime/inspect.js';
import { replayToSink } from '../../src/runtime/replay.js';
import { fakeBlob, prng, randomBytes } from '../runtime/fake-blob.js';
import { buildPbb, concat, header, plan, type Seg } from './helpers.js';

const LONG = process.env.PFSC_FUZZ_LONG === '1';
const CASES = LONG ? 300_000 : 25_000;
const RANDOM_FILES = LONG ? 100_000 : 10_000;
const RANDOM_BLOCKS = LONG ? 100_000 : 10_000;

const ALLOWED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PFSC_PBB_BAD_MAGIC', 'PFSC_PBB_VERSION', 'PFSC_PBB_TRUNCATED', 'PFSC_PBB_CORRUPT', 'PFSC_PBB_LIMIT',
  'PFSC_BLOB_MISMATCH', 'PFSC_DIGEST_MISMATCH',
]);

// Caps that keep every allocation small however the fields are damaged.
const LIMITS: DecodeLimits = { maxOutputLength: 1 << 24, maxBlockOutLength: 1 << 20, maxBlockSegments: 1 << 16 };

const rand = prng(0x5eed);
const blobBytes = randomBytes(rand, 1 << 16);
blobBytes.fill(0x20, 0, 4096); // a compressible region
const blob = fakeBlob({ bytes: blobBytes, refSizes: [8192] });

/** A random plan over the fake blob; `squeeze` makes its streams compressible (LZMA2-coded). */
function randomPlan(r: () => number, maxSegs: number, squeeze: boolean): BlockPlan {
  const segs: Seg[] = [];
  let spill = 0;
  const n = 1 + Math.floor(r() * maxSegs);
  let next = Math.floor(r() * 1000);
  for (let i = 0; i < n; i++) {
    const op = squeeze ? (i % 2 === 0 ? OP_COPY : OP_LITERAL) : Math.floor(r() * 4);
    const len = squeeze ? 8 : 1 + Math.floor(r() * 200);
    if (op === OP_LITERAL) {
      spill += len;
      segs.push({ op, len });
    } else {
      const off = squeeze ? next : Math.floor(r() * (blobBytes.length - len));
      next = (off + len + 3) % (blobBytes.length - 300);
      segs.push({ op, len, off, imm: op === OP_COPY_XOR || op === OP_COPY_ADD ? Math.floor(r() * 256) : 0 });
    }
  }
  return plan(segs, squeeze ? new Uint8Array(spill).fill(0x41) : randomBytes(r, spill));
}

function outputOf(plans: BlockPlan[]): Uint8Array {
  return concat(plans.map((p) => {
    const out = new Uint8Array(p.outLength);
    executeBlock(p, blob, out);
    return out;
  }));
}

async function makeSeeds(): Promise<Uint8Array[]> {
  const r = prng(99);
  const seeds: Uint8Array[] = [];
  const refs = blob.manifest.refs.map((x) => ({ size: x.size, digestPrefix: Uint8Array.from(Buffer.from(x.sha256.slice(0, 8), 'hex')) }));
  const shapes: [number, number, boolean][] = [
    [1, 1, false], [1, 3, false], [2, 20, false], [3, 60, false], [1, 400, true], [2, 300, true], [4, 10, false], [1, 2000, true],
  ];
  for (const [blocks, maxSegs, squeeze] of shapes) {
    const plans = Array.from({ length: blocks }, () => randomPlan(r, maxSegs, squeeze));
    const out = outputOf(plans);
    const h = header(out.length, { blobId: blob.id, baseFingerprint: blob.baseId.slice(0, 4), refs, outputDigest: digest16(out) });
    seeds.push((await buildPbb(h, plans, 6)).bytes);
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
    await replayToSink({ input: src, header: h, headerLength: length, blob, limits: LIMITS, write: (c) => void (written += c.length) });
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
    // The seeds themselves replay, and some use LZMA2-coded streams.
    let lzmaStreams = 0;
    for (const s of seeds) {
      expect(await attempt(s, 'seed')).toBe('ok');
      lzmaStreams += (await scanBlueprint(bufferByteSource(s))).streams.filter((x) => x.coding === 'lzma2').length;
    }
    expect(lzmaStreams).toBeGreaterThan(3);
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
      await attempt(concat([h, block]), `random block ${i}`);
    }
    expect(true).toBe(true);
  });
});

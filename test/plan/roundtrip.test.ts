/**
 * Round trips through the real build and replay: edge inputs, and random refs under random
 * edits (inserts, deletes, moves, substitutions, xor- and add-transformed copies).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, inspect, replay, type BuildResult } from 'pfsc';
import { prng, randomBytes, tempDir, textBytes } from '../helpers/tmp.js';

const tmp = tempDir('roundtrip');
const home = join(tmp.dir, 'home');
afterAll(() => tmp.cleanup());

let n = 0;
async function roundTrip(data: Uint8Array, refs: Uint8Array[] = []): Promise<BuildResult> {
  const id = n++;
  const input = join(tmp.dir, `in${id}`);
  writeFileSync(input, data);
  const refPaths = refs.map((r, i) => {
    const p = join(tmp.dir, `ref${id}-${i}`);
    writeFileSync(p, r);
    return p;
  });
  const pbb = `${input}.pbb`;
  const r = await build({ input, output: pbb, refs: refPaths, home });
  const out = join(tmp.dir, `out${id}`);
  await replay({ input: pbb, output: out, refs: refPaths, home });
  const back = readFileSync(out);
  expect(back.length).toBe(data.length);
  expect(Buffer.compare(back, Buffer.from(data.buffer, data.byteOffset, data.length))).toBe(0);
  return r;
}

type Edit = (b: Buffer, rand: () => number) => Buffer;

const pick = (rand: () => number, n: number) => (n <= 0 ? 0 : rand() % n);

const EDITS: Record<string, Edit> = {
  insert: (b, rand) => {
    const at = pick(rand, b.length);
    return Buffer.concat([b.subarray(0, at), randomBytes(rand, 1 + pick(rand, 200)), b.subarray(at)]);
  },
  delete: (b, rand) => {
    const at = pick(rand, b.length);
    return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(rand, 2000)))]);
  },
  substitute: (b, rand) => {
    const c = Buffer.from(b);
    const at = pick(rand, c.length);
    for (let i = at; i < Math.min(c.length, at + 1 + pick(rand, 8)); i++) c[i] = rand() & 255;
    return c;
  },
  move: (b, rand) => {
    const a = pick(rand, b.length);
    const len = Math.min(b.length - a, 100 + pick(rand, 5000));
    const piece = b.subarray(a, a + len);
    const rest = Buffer.concat([b.subarray(0, a), b.subarray(a + len)]);
    const to = pick(rand, rest.length);
    return Buffer.concat([rest.subarray(0, to), piece, rest.subarray(to)]);
  },
  xorCopy: (b, rand) => {
    const a = pick(rand, b.length - 600);
    const piece = Buffer.from(b.subarray(a, a + 300 + pick(rand, 300)));
    const k = 1 + pick(rand, 255);
    for (let i = 0; i < piece.length; i++) piece[i] ^= k;
    const to = pick(rand, b.length);
    return Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
  },
  addCopy: (b, rand) => {
    const a = pick(rand, b.length - 600);
    const piece = Buffer.from(b.subarray(a, a + 300 + pick(rand, 300)));
    const k = 1 + pick(rand, 255);
    for (let i = 0; i < piece.length; i++) piece[i] = (piece[i] + k) & 255;
    const to = pick(rand, b.length);
    return Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
  },
};

describe('edge inputs', () => {
  it('empty', async () => {
    const r = await roundTrip(new Uint8Array(0));
    expect(r.segments).toEqual({ copy: 0, copyXor: 0, copyAdd: 0, copyDiff: 0, copyTransform: 0, literal: 0 });
  });
  it('one byte', async () => {
    await roundTrip(Uint8Array.of(0x5a));
  });
  it('all zeros', async () => {
    await roundTrip(new Uint8Array(1 << 20));
  });
  it('random bytes', async () => {
    await roundTrip(randomBytes(prng(3), 100_000));
  });
  it('larger than the blob (17 MiB of a repeating pattern)', async () => {
    const unit = randomBytes(prng(4), 4096);
    const big = Buffer.alloc(17 << 20);
    for (let i = 0; i < big.length; i += unit.length) unit.copy(big, i);
    await roundTrip(big);
  });
  it('a ref identical to the input packs to a few dozen bytes beyond the header', async () => {
    const data = textBytes(prng(5), 200_000);
    const r = await roundTrip(data, [data]);
    expect(r.segments.copy).toBe(1);
    expect(r.pbbBytes).toBeLessThan(90);
  });
});

describe('random refs under random edits', () => {
  const names = Object.keys(EDITS);
  for (let seed = 1; seed <= 16; seed++) {
    it(`seed ${seed}`, async () => {
      const rand = prng(seed * 7919);
      const ref = seed % 2 ? textBytes(rand, 20_000 + pick(rand, 200_000)) : randomBytes(rand, 20_000 + pick(rand, 100_000));
      let data = ref;
      const edits = 1 + pick(rand, 12);
      for (let e = 0; e < edits; e++) data = EDITS[names[pick(rand, names.length)]](data, rand);
      const r = await roundTrip(data, [ref]);
      expect(r.bytesFrom.refs).toBeGreaterThan(0);
    });
  }

  it('xor- and add-transformed copies are found as such', async () => {
    const rand = prng(2024);
    const ref = randomBytes(rand, 100_000);
    const xored = Buffer.from(ref.subarray(1000, 3000)).map((b) => b ^ 0x5c);
    const added = Buffer.from(ref.subarray(50_000, 52_000)).map((b) => (b + 17) & 255);
    const r = await roundTrip(Buffer.concat([ref.subarray(0, 10_000), xored, ref.subarray(20_000, 30_000), added]), [ref]);
    expect(r.segments.copyXor).toBeGreaterThanOrEqual(1);
    expect(r.segments.copyAdd).toBeGreaterThanOrEqual(1);
    expect(r.bytesFrom.spill).toBeLessThan(100);
  });

  it('two refs: pieces of both', async () => {
    const rand = prng(77);
    const a = textBytes(rand, 80_000);
    const b = randomBytes(rand, 80_000);
    const r = await roundTrip(Buffer.concat([b.subarray(0, 30_000), a.subarray(10_000, 60_000), b.subarray(40_000)]), [a, b]);
    expect(r.bytesFrom.refs).toBe(120_000);
    expect(r.bytesFrom.spill).toBe(0);
  });
});

describe('copies from earlier output', () => {
  it('new text that repeats itself is copied from the file the second time', async () => {
    const rand = prng(9001);
    const ref = textBytes(rand, 100_000);
    const a = randomBytes(rand, 3000); // new to the blob: in no bank, not in the ref
    const data = Buffer.concat([ref.subarray(0, 30_000), a, ref.subarray(30_000, 70_000), a, ref.subarray(70_000)]);
    const r = await roundTrip(data, [ref]);
    const from = r.bytesFrom;
    expect(from.banks + from.refs + from.output + from.spill).toBe(data.length);
    expect(from.output).toBeGreaterThan(0);
    // A is carried once, in the spill; its second occurrence is (almost all) one copy.
    expect(from.output).toBeGreaterThan(2900);
    expect(from.spill).toBeLessThan(3000 + 200);
    // inspect attributes the same bytes to earlier output, with the local blob's bank map
    const report = await inspect({ input: join(tmp.dir, `in${n - 1}.pbb`), refs: [join(tmp.dir, `ref${n - 1}-0`)], home });
    expect(report.bytesFrom).toEqual(from);
    const runs = report.map.filter((m) => m.source === 'earlier output');
    expect(runs.reduce((x, m) => x + m.length, 0)).toBe(from.output);
    for (const m of runs) expect(m.start).toBeGreaterThanOrEqual(70_000 + 3000);
  });
});

describe('replay loads the generated banks only when a blueprint copies from them', () => {
  it('a refs-only blueprint replays without opening the cache; one that uses the banks opens it', async () => {
    const { existsSync } = await import('node:fs');
    const rand = prng(4242);
    const ref = textBytes(rand, 100_000);
    const edited = Buffer.concat([ref.subarray(0, 50_000), Buffer.from('an edit'), ref.subarray(50_000)]);
    const refPath = join(tmp.dir, 'lazy.ref');
    const input = join(tmp.dir, 'lazy.txt');
    writeFileSync(refPath, ref);
    writeFileSync(input, edited);
    const r = await build({ input, output: `${input}.pbb`, refs: [refPath], home });
    expect(r.bytesFrom.banks).toBe(0);
    const freshHome = join(tmp.dir, 'fresh-home');
    await replay({ input: `${input}.pbb`, output: `${input}.out`, refs: [refPath], home: freshHome });
    expect(readFileSync(`${input}.out`).equals(edited)).toBe(true);
    expect(existsSync(freshHome)).toBe(false);

    const zeros = join(tmp.dir, 'lazy-zeros');
    writeFileSync(zeros, new Uint8Array(1 << 16));
    const z = await build({ input: zeros, output: `${zeros}.pbb`, home });
    expect(z.bytesFrom.banks).toBeGreaterThan(0);
    await replay({ input: `${zeros}.pbb`, output: `${zeros}.out`, home: freshHome });
    expect(readFileSync(`${zeros}.out`).equals(Buffer.alloc(1 << 16))).toBe(true);
    expect(existsSync(freshHome)).toBe(true);
  });
});

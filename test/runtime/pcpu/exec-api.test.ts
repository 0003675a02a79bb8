/**
 * exec() through the package entry point, as a program uses it: a file built with --ref
 * (copies with xor and add transforms, copies from earlier output), replayed, and every
 * program's accumulators compared with the reference over the replayed bytes, on 1, 2 and
 * 3 pcores. Runs the compiled library (dist/), whose workers are compiled JavaScript.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, exec, replay, type BuildResult } from 'pfsc';
import { prng, randomBytes, tempDir, textBytes } from '../../helpers/tmp.js';
import { referenceRun, type RefOp } from './reference.js';

const tmp = tempDir('exec-api');
const home = join(tmp.dir, 'home');
const refPath = join(tmp.dir, 'old.txt');
const input = join(tmp.dir, 'new.txt');
const pbb = `${input}.pbb`;
let built: BuildResult;

/** The code of the error a promise rejects with (the package's PfscError is not the sources' class). */
async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    expect(typeof code === 'string' && code.startsWith('PFSC_'), String(e)).toBe(true);
    return code as string;
  }
  return 'no error';
}
let replayed: Uint8Array;

/**
 * The new version: pieces of the old one as they are, xor 0x5a and + 3; then bytes found
 * nowhere (random), repeated, so the planner copies them from the file's own earlier output
 * (it tries that when a block spills at most 64 KiB).
 */
function newVersion(old: Buffer): Buffer {
  const fresh = randomBytes(prng(99), 20_000);
  const xor = Buffer.from(old.subarray(300_000, 500_000).map((b) => b ^ 0x5a));
  const add = Buffer.from(old.subarray(500_000, 700_000).map((b) => (b + 3) & 255));
  return Buffer.concat([old.subarray(0, 300_000), xor, add, fresh, old.subarray(700_000), fresh, old.subarray(0, 200_000), fresh]);
}

beforeAll(async () => {
  const old = textBytes(prng(7), 1_000_000);
  writeFileSync(refPath, old);
  writeFileSync(input, newVersion(old));
  built = await build({ input, output: pbb, refs: [refPath], home });
  const out = join(tmp.dir, 'replayed.txt');
  await replay({ input: pbb, output: out, refs: [refPath], home });
  replayed = readFileSync(out);
}, 300_000);
afterAll(() => tmp.cleanup());

const PROGRAMS: [string, RefOp[]][] = [
  ['counteq:0,crc32c,fnv', [['counteq', 0], ['crc32c'], ['fnv']]],
  ['xor:0x5a, add:7 # comment\n,counteq:10,crc32c,fnv,xor:1,crc32c', [['xor', 0x5a], ['add', 7], ['counteq', 10], ['crc32c'], ['fnv'], ['xor', 1], ['crc32c']]],
  ['fnv', [['fnv']]],
  ['crc32c,add:1,counteq:32', [['crc32c'], ['add', 1], ['counteq', 32]]],
];

describe('exec() against the replayed file', () => {
  it('the blueprint has xor and add copies and copies from earlier output, over more than one stretch', () => {
    expect(built.segments.copyXor).toBeGreaterThan(0);
    expect(built.segments.copyAdd).toBeGreaterThan(0);
    expect(built.bytesFrom.output).toBeGreaterThanOrEqual(40_000);
    expect(replayed.length).toBeGreaterThan(1 << 20);
  });

  const expected = new Map<string, (number | string)[]>();
  const reference = (text: string, ops: RefOp[]): (number | string)[] => {
    if (!expected.has(text)) expected.set(text, referenceRun(ops, replayed));
    return expected.get(text)!;
  };

  for (const pcores of [1, 2, 3]) {
    it(`gives the reference accumulators on ${pcores} pcore${pcores > 1 ? 's' : ''}`, async () => {
      for (const [text, ops] of PROGRAMS) {
        const r = await exec({ input: pbb, program: text, refs: [refPath], home, pcores });
        expect(Object.values(r.accumulators), `${text} on ${pcores}`).toEqual(reference(text, ops));
        expect(r.bytes).toBe(replayed.length);
        expect(r.pcores).toBe(pcores);
        const lanes = text === 'fnv' ? 1 : pcores;
        expect(r.workers).toBe(pcores === 1 ? 0 : lanes);
        expect(r.seconds).toBeGreaterThan(0);
        expect(r.mbPerSecond).toBeCloseTo(r.bytes / 1e6 / r.seconds, 6);
        expect(r.cpupwn).toBeCloseTo(r.mbPerSecond / r.baseline.mbPerSecond, 6);
        if (pcores === 1) expect(r.baseline).toEqual({ seconds: r.seconds, mbPerSecond: r.mbPerSecond });
      }
    }, 120_000);
  }

  it('names accumulators and writes the program canonically', async () => {
    const r = await exec({ input: pbb, program: 'crc32c,\n  xor:0x01, crc32c # twice', refs: [refPath], home });
    expect(r.program).toBe('crc32c,xor:1,crc32c');
    expect(Object.keys(r.accumulators)).toEqual(['crc32c@1', 'crc32c@3']);
    expect(r.accumulators['crc32c@1']).toMatch(/^0x[0-9a-f]{8}$/);
    expect(r.engine).toMatch(/^(native|js)$/);
  });
});

describe('exec() errors', () => {
  it('a bad program fails first, whatever else is wrong', async () => {
    await expect(exec({ input: join(tmp.dir, 'missing.pbb'), program: 'xor:300', home })).rejects.toMatchObject({
      code: 'PFSC_PROGRAM_INVALID',
      message: 'program line 1, column 5: expected an immediate 0..255 after "xor:", got "300"',
    });
  });
  it('without the ref: PFSC_BLOB_MISMATCH', async () => {
    expect(await codeOfAsync(exec({ input: pbb, program: 'crc32c', home }))).toBe('PFSC_BLOB_MISMATCH');
    expect(await codeOfAsync(exec({ input: pbb, program: 'crc32c', home, pcores: 2 }))).toBe('PFSC_BLOB_MISMATCH');
  });
  it('a missing blueprint: PFSC_INPUT_NOT_FOUND', async () => {
    expect(await codeOfAsync(exec({ input: join(tmp.dir, 'missing.pbb'), program: 'crc32c', home }))).toBe('PFSC_INPUT_NOT_FOUND');
  });
  it('pcores out of range: PFSC_USAGE', async () => {
    for (const pcores of [0, -1, 1.5, 1000]) {
      expect(await codeOfAsync(exec({ input: pbb, program: 'crc32c', refs: [refPath], home, pcores }))).toBe('PFSC_USAGE');
    }
  });
  it('a damaged blueprint: a PFSC_PBB_ code, on 1 pcore and on 2', async () => {
    const bytes = readFileSync(pbb);
    const cut = join(tmp.dir, 'cut.pbb');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
    for (const pcores of [1, 2]) {
      expect(await codeOfAsync(exec({ input: cut, program: 'crc32c', refs: [refPath], home, pcores }))).toMatch(/^PFSC_PBB_/);
    }
  });
});

/**
 * `pfsc exec` as a user runs it: the real command in a child process, a file built with
 * --ref, the accumulators checked against the reference over the replayed file; bad
 * programs, a missing ref and a damaged blueprint give one clear PFSC_ line and no stack.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceRun, type RefOp } from '../runtime/pcpu/reference.js';
import { assertBuilt, detectApi, hasNoStack, makeTemp, pseudoRandom, runCli } from './harness.js';

const apiReady = detectApi();
const SLOW = 300_000;
let home: string;
let work: string;
let replayed: Buffer;

const run = (args: string[]): ReturnType<typeof runCli> => runCli(args, { home, cwd: work });

beforeAll(() => {
  assertBuilt();
  home = makeTemp('exec-home');
  work = makeTemp('exec-work');
  if (!apiReady) return;
  // old: text-like lines; new: old with an edit, a piece xor 0x20, and noise repeated.
  const old = Buffer.from(Array.from({ length: 12_000 }, (_, i) => `line ${i}: value=${(i * 7919) % 10007}\n`).join(''));
  const noise = pseudoRandom(4000, 3);
  const flipped = Buffer.from(old.subarray(50_000, 90_000).map((b) => b ^ 0x20));
  const edited = Buffer.concat([old.subarray(0, 50_000), flipped, noise, old.subarray(90_000), noise, Buffer.from('the end\n')]);
  writeFileSync(join(work, 'old.txt'), old);
  writeFileSync(join(work, 'new.txt'), edited);
  const b = run(['build', 'new.txt', '--ref', 'old.txt']);
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  const r = run(['replay', 'new.txt.pbb', '--ref', 'old.txt', '-o', 'replayed.txt']);
  if (r.status !== 0) throw new Error(`replay failed: ${r.stderr}`);
  replayed = readFileSync(join(work, 'replayed.txt'));
}, SLOW);
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!apiReady)('pfsc exec', () => {
  const ops: RefOp[] = [['counteq', 10], ['xor', 0x20], ['crc32c'], ['fnv']];

  it('prints the accumulators of the replayed file, and the speed', () => {
    const [count, crc, fnv] = referenceRun(ops, replayed);
    const r = run(['exec', 'new.txt.pbb', '--ref', 'old.txt', '--prog', 'counteq:10, xor:0x20 # flip case\n, crc32c, fnv']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`new.txt.pbb: counteq:10,xor:32,crc32c,fnv over ${replayed.length.toLocaleString('en-US')} bytes`);
    expect(lines.slice(1, 4)).toEqual([`  counteq:10 = ${count}`, `  crc32c     = ${crc}`, `  fnv        = ${fnv}`]);
    expect(lines[4]).toMatch(/^1 pcore: [\d.]+ m?s, [\d,.]+ MB\/s; CPUpwn 1\.00$/);
    expect(r.stderr).not.toMatch(/PFSC_/);
  }, SLOW);

  it('--json on 2 pcores: the same accumulators, the baseline and CPUpwn', () => {
    const r = run(['exec', 'new.txt.pbb', '--ref', 'old.txt', '--prog', 'counteq:10,xor:32,crc32c,fnv', '--pcores', '2', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    const [count, crc, fnv] = referenceRun(ops, replayed);
    expect(j.accumulators).toEqual({ 'counteq:10': count, crc32c: crc, fnv });
    expect(j).toMatchObject({ file: 'new.txt.pbb', program: 'counteq:10,xor:32,crc32c,fnv', pcores: 2, workers: 2, bytes: replayed.length });
    for (const k of ['seconds', 'mbPerSecond', 'cpupwn']) expect(j[k], k).toBeGreaterThan(0);
    expect((j.baseline as { mbPerSecond: number }).mbPerSecond).toBeGreaterThan(0);
    expect(j.cpupwn as number).toBeCloseTo((j.mbPerSecond as number) / (j.baseline as { mbPerSecond: number }).mbPerSecond, 6);
  }, SLOW);

  it('--help shows examples and the ops', () => {
    const r = run(['exec', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--pcores');
    expect(r.stdout).toMatch(/crc32c +CRC-32C/);
  });

  it('a bad program: PFSC_PROGRAM_INVALID with line and column, exit 2, no stack', () => {
    const r = run(['exec', 'new.txt.pbb', '--ref', 'old.txt', '--prog', 'crc32c,\n  xor:300']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('PFSC_PROGRAM_INVALID: program line 2, column 7: expected an immediate 0..255 after "xor:", got "300"');
    expect(hasNoStack(r.stderr)).toBe(true);
    expect(r.stdout).toBe('');
  });

  it('no --prog: PFSC_USAGE, exit 2', () => {
    const r = run(['exec', 'new.txt.pbb']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^PFSC_USAGE: .*--prog/);
  });

  it('without the ref: PFSC_BLOB_MISMATCH naming what differs, exit 1, no stack', () => {
    const r = run(['exec', 'new.txt.pbb', '--prog', 'crc32c', '--pcores', '2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^PFSC_BLOB_MISMATCH: blueprint needs blob [0-9a-f]{32}, the local blob is [0-9a-f]{32}: 1 ref expected, 0 given/);
    expect(hasNoStack(r.stderr)).toBe(true);
  });

  it('a damaged blueprint: a PFSC_PBB_ code, exit 1, no stack', () => {
    const bytes = readFileSync(join(work, 'new.txt.pbb'));
    writeFileSync(join(work, 'cut.pbb'), bytes.subarray(0, bytes.length - 4));
    const bad = Buffer.from(bytes);
    bad[4] = 9; // the version byte
    writeFileSync(join(work, 'version.pbb'), bad);
    for (const [file, code] of [['cut.pbb', /^PFSC_PBB_(TRUNCATED|CORRUPT): /], ['version.pbb', /^PFSC_PBB_VERSION: /]] as const) {
      for (const pcores of ['1', '2']) {
        const r = run(['exec', file, '--ref', 'old.txt', '--prog', 'crc32c', '--pcores', pcores]);
        expect(r.status, r.stderr).toBe(1);
        expect(r.stderr).toMatch(code);
        expect(hasNoStack(r.stderr)).toBe(true);
      }
    }
  }, SLOW);

  it('a missing blueprint or ref, and a bad --pcores, fail at once', () => {
    expect(run(['exec', 'nope.pbb', '--prog', 'crc32c']).stderr).toMatch(/^PFSC_INPUT_NOT_FOUND: /);
    expect(run(['exec', 'new.txt.pbb', '--ref', 'nope', '--prog', 'crc32c']).stderr).toMatch(/^PFSC_REF_UNREADABLE: /);
    const r = run(['exec', 'new.txt.pbb', '--ref', 'old.txt', '--prog', 'crc32c', '--pcores', 'two']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^PFSC_USAGE: --pcores must be a whole number from 1 to 256, got NaN/);
  });
});

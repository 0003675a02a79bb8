/**
 * `pfsc bank train` as a user runs it (docs/CLI.md): the bank file it writes, the same text
 * from two processes and from the library, its summary, and its errors (codes, exit codes,
 * no stack, no file left behind).
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBank, parseBank } from '../../src/banks/index.js';
import { trainBank } from '../../src/banks/train.js';
import { assertBuilt, hasNoStack, makeTemp, pseudoRandom, runCli } from './harness.js';

let home: string;
let work: string;
const names = ['a.js', 'b.js', 'c.bin', 'empty.txt'];
const bytesOf = (name: string): Buffer => readFileSync(join(work, name));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

beforeAll(() => {
  assertBuilt();
  home = makeTemp('bank-train-home');
  work = makeTemp('bank-train-work');
  const common = Array.from({ length: 200 }, (_, i) => `export const item${i} = { id: ${i}, name: "item ${i}", tags: ["a", "b"] };`).join('\n');
  writeFileSync(join(work, 'a.js'), `${common}\n// a\n${pseudoRandom(3000, 1).toString('base64')}\n`);
  writeFileSync(join(work, 'b.js'), `// b\n${common}\n${pseudoRandom(3000, 2).toString('base64')}\n`);
  writeFileSync(join(work, 'c.bin'), pseudoRandom(5000, 3));
  writeFileSync(join(work, 'empty.txt'), '');
  mkdirSync(join(work, 'folder'));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function train(args: string[]): ReturnType<typeof runCli> {
  return runCli(['bank', 'train', ...args], { home, cwd: work });
}

/** Files in the work folder that look like temporary files. */
const temps = (): string[] => readdirSync(work).filter((f) => f.includes('pfsc-tmp'));

/** `CODE: message`, `hint: ...`, the exit code, no stack, nothing on standard output. */
function expectError(args: string[], status: number, code: string, part?: string): void {
  const r = train(args);
  expect(r.status, r.stderr).toBe(status);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^${code}: `));
  if (part !== undefined) expect(lines[0]).toContain(part);
  expect(lines[1]).toMatch(/^hint: .+/);
  expect(hasNoStack(r.stderr)).toBe(true);
  expect(r.stdout).toBe('');
  expect(temps()).toEqual([]);
}

describe('pfsc bank train', () => {
  it('writes a bank file that compiles, lists the samples and prints a summary', () => {
    const r = train(['-o', 'x.bank', ...names]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^x\.bank: [\d,]+ bytes \(.+\) in \d+ pieces from 4 samples of [\d,]+ bytes; [\d,]+ bytes of text, in .+\n$/);
    const text = readFileSync(join(work, 'x.bank'), 'utf8');
    expect(parseBank(text).header.samples).toEqual(names.map((n) => sha(bytesOf(n))));
    const bytes = Buffer.from(compileBank(text));
    // The library makes the same text from the same samples.
    const lib = trainBank(names.map(bytesOf));
    expect(lib.text).toBe(text);
    expect(bytes.equals(Buffer.from(lib.bytes))).toBe(true);
    // What the samples share is in once; what is their own is in whole.
    expect(bytes.length).toBeLessThan(names.reduce((n, f) => n + bytesOf(f).length, 0) - 10_000);
    for (const own of ['a.js', 'b.js']) expect(bytes.includes(bytesOf(own).subarray(-4000))).toBe(true);
    expect(bytes.includes(bytesOf('c.bin'))).toBe(true);
    expect(temps()).toEqual([]);
  });

  it('makes the same file in two processes, and another for another order', () => {
    expect(train(['-o', 'p1.bank', ...names]).status).toBe(0);
    expect(train(['-o', 'p2.bank', ...names]).status).toBe(0);
    expect(readFileSync(join(work, 'p2.bank'), 'utf8')).toBe(readFileSync(join(work, 'p1.bank'), 'utf8'));
    expect(train(['-o', 'p3.bank', ...[...names].reverse()]).status).toBe(0);
    const reversed = readFileSync(join(work, 'p3.bank'), 'utf8');
    expect(reversed).not.toBe(readFileSync(join(work, 'p1.bank'), 'utf8'));
    expect(parseBank(reversed).header.samples).toEqual([...names].reverse().map((n) => sha(bytesOf(n))));
  });

  it('keeps to --max-size, with k, M and G', () => {
    const r = train(['-o', 'small.bank', '--max-size', '4k', '--json', ...names]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ output: 'small.bank', samples: 4, distinctSamples: 4, selected: true, maxSize: 4096 });
    expect(Object.keys(summary).sort()).toEqual(
      ['bankBytes', 'bytesDistinct', 'bytesIn', 'distinctSamples', 'maxSize', 'ms', 'output', 'pieces', 'samples', 'selected', 'textBytes'].sort(),
    );
    const text = readFileSync(join(work, 'small.bank'), 'utf8');
    expect(summary.textBytes).toBe(Buffer.byteLength(text));
    expect(compileBank(text).length).toBe(summary.bankBytes);
    expect(summary.bankBytes as number).toBeLessThanOrEqual(4096);
    for (const [size, bytes] of [['100', 100], ['1M', 2 ** 20], ['1G', 2 ** 30], ['2k', 2048]] as const) {
      const j = JSON.parse(train(['-o', 'sized.bank', '-f', '--json', '--max-size', size, 'a.js']).stdout) as { maxSize: number; bankBytes: number };
      expect(j.maxSize).toBe(bytes);
      expect(j.bankBytes).toBeLessThanOrEqual(bytes);
    }
  });

  it('prints nothing with -q, and more with -v', () => {
    const q = train(['-o', 'q.bank', '-q', 'a.js']);
    expect(q.status).toBe(0);
    expect(q.stdout + q.stderr).toBe('');
    const v = train(['-o', 'v.bank', '-v', 'a.js', 'a.js']);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/distinct samples +1 /);
    expect(v.stdout).toMatch(/without repeats/);
    expect(v.stdout).toMatch(/budget +67,108,864 bytes of output/);
  });

  it('refuses to replace an existing bank without -f, and replaces it with -f', () => {
    writeFileSync(join(work, 'old.bank'), 'keep me');
    expectError(['-o', 'old.bank', 'a.js'], 1, 'PFSC_OUTPUT_EXISTS', 'old.bank');
    expect(readFileSync(join(work, 'old.bank'), 'utf8')).toBe('keep me');
    const r = train(['-o', 'old.bank', '-f', 'a.js']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(work, 'old.bank'), 'utf8')).toMatch(/^bank 1\n/);
  });

  it('reports missing and unreadable samples and unwritable outputs, writing nothing', () => {
    expectError(['-o', 'm.bank', 'a.js', 'missing.js'], 1, 'PFSC_INPUT_NOT_FOUND', 'missing.js');
    expectError(['-o', 'm.bank', 'folder'], 1, 'PFSC_INPUT_UNREADABLE', 'not a regular file');
    if (process.getuid?.() !== 0) {
      writeFileSync(join(work, 'locked.js'), 'x');
      chmodSync(join(work, 'locked.js'), 0o000);
      expectError(['-o', 'm.bank', 'locked.js'], 1, 'PFSC_INPUT_UNREADABLE', 'locked.js');
    }
    expectError(['-o', 'no/such/dir/m.bank', 'a.js'], 1, 'PFSC_OUTPUT_UNWRITABLE', 'does not exist');
    expectError(['-o', 'folder', 'a.js'], 1, 'PFSC_OUTPUT_UNWRITABLE', 'folder');
    expect(existsSync(join(work, 'm.bank'))).toBe(false);
  });

  it('refuses wrong command lines with PFSC_USAGE, exit code 2', () => {
    expectError(['a.js'], 2, 'PFSC_USAGE', "required option '-o, --out <file.bank>'");
    expectError(['-o', 'u.bank'], 2, 'PFSC_USAGE', "missing required argument 'files'");
    for (const size of ['0', '2G', 'abc', '1.5k', '-1', '64MiB']) {
      expectError(['-o', 'u.bank', '--max-size', size, 'a.js'], 2, 'PFSC_USAGE', '--max-size');
    }
    expectError(['-o', 'u.bank', '--nope', 'a.js'], 2, 'PFSC_USAGE', "unknown option '--nope'");
    expectError(['-o', 'u.bank', '-q', '-v', 'a.js'], 2, 'PFSC_USAGE');
    expectError(['-o', '-', 'a.js'], 2, 'PFSC_USAGE', 'standard output');
    expectError(['-o', 'u.bank', '-'], 2, 'PFSC_USAGE', 'standard input');
    expectError(['-o', 'a.js', '-f', 'a.js', 'b.js'], 2, 'PFSC_USAGE', 'overwrite a sample');
    expectError(['-o', 'u.bank', 'empty.txt'], 2, 'PFSC_USAGE', 'no bytes');
    expect(existsSync(join(work, 'u.bank'))).toBe(false);
    expect(readFileSync(join(work, 'a.js'), 'utf8')).toMatch(/^export const item0/);
  });

  it('has help with examples, and a bank group', () => {
    const h = train(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('Usage: pfsc bank train [options] <files...>');
    expect(h.stdout).toContain('--max-size <bytes>');
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('in the order given');
    const g = runCli(['bank', '--help'], { home, cwd: work });
    expect(g.status).toBe(0);
    expect(g.stdout).toContain('train [options] <files...>');
    const none = runCli(['bank'], { home, cwd: work });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^PFSC_USAGE: pfsc bank needs a command/m);
  });
});

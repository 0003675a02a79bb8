import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, detectApi, hasNoStack, makeTemp, pseudoRandom, runCli } from './harness.js';

const apiReady = detectApi();
let home: string;
let work: string;
beforeAll(() => {
  assertBuilt();
  home = makeTemp('files-home');
  work = makeTemp('files-work');
  writeFileSync(join(work, 'in.bin'), 'hello, pfsc\n');
  writeFileSync(join(work, 'in.bin.pbb'), 'already here');
  writeFileSync(join(work, 'x.pbb'), 'x');
  mkdirSync(join(work, 'folder'));
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** Checks `CODE: message` then `hint: ...`, exit 1, and no stack. */
function expectUserError(args: string[], code: string, messagePart?: string): void {
  const r = runCli(args, { home, cwd: work });
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^${code}: `));
  if (messagePart) expect(lines[0]).toContain(messagePart);
  expect(lines[1]).toMatch(/^hint: .+/);
  expect(hasNoStack(r.stderr)).toBe(true);
  expect(r.stdout).toBe('');
}

describe('files on the command line', () => {
  it('a nonexistent input is PFSC_INPUT_NOT_FOUND', () => {
    expectUserError(['build', 'missing.bin'], 'PFSC_INPUT_NOT_FOUND', 'missing.bin');
    expectUserError(['replay', 'missing.pbb'], 'PFSC_INPUT_NOT_FOUND', 'missing.pbb');
    expectUserError(['inspect', 'missing.pbb'], 'PFSC_INPUT_NOT_FOUND', 'missing.pbb');
  });
  it('the exact two lines for a missing input', () => {
    const r = runCli(['build', 'missing.bin'], { home, cwd: work });
    expect(r.stderr).toBe('PFSC_INPUT_NOT_FOUND: input file not found: missing.bin\nhint: Check the path; pass - to read standard input.\n');
  });
  it('a folder as input is PFSC_INPUT_UNREADABLE', () => {
    expectUserError(['build', 'folder'], 'PFSC_INPUT_UNREADABLE', 'not a regular file');
  });
  it('an existing output without -f is PFSC_OUTPUT_EXISTS', () => {
    expectUserError(['build', 'in.bin'], 'PFSC_OUTPUT_EXISTS', 'in.bin.pbb');
    expectUserError(['build', 'in.bin', '-o', 'x.pbb'], 'PFSC_OUTPUT_EXISTS', 'x.pbb');
    expectUserError(['replay', 'in.bin.pbb'], 'PFSC_OUTPUT_EXISTS', 'in.bin');
  });
  it('an SVG path that exists without -f is PFSC_OUTPUT_EXISTS', () => {
    writeFileSync(join(work, 'pic.svg'), '<svg/>');
    expectUserError(['inspect', 'x.pbb', '--svg', 'pic.svg'], 'PFSC_OUTPUT_EXISTS', 'pic.svg');
  });
  it('an output in a missing folder is PFSC_OUTPUT_UNWRITABLE', () => {
    expectUserError(['build', 'in.bin', '-o', 'no/such/dir/out.pbb'], 'PFSC_OUTPUT_UNWRITABLE', 'does not exist');
  });
  it('a missing --ref is PFSC_REF_UNREADABLE', () => {
    expectUserError(['build', 'in.bin', '-f', '--ref', 'old.bin'], 'PFSC_REF_UNREADABLE', 'old.bin');
    expectUserError(['blob', 'info', '--ref', 'old.bin'], 'PFSC_REF_UNREADABLE', 'old.bin');
  });
  it('--verbose prints no stack for a user error; PFSC_DEBUG=1 does', () => {
    const r = runCli(['build', 'missing.bin', '-v'], { home, cwd: work });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('PFSC_INPUT_NOT_FOUND: input file not found: missing.bin');
    expect(hasNoStack(r.stderr)).toBe(true);
    const d = runCli(['build', 'missing.bin'], { home, cwd: work, env: { PFSC_DEBUG: '1' } });
    expect(d.status).toBe(1);
    expect(hasNoStack(d.stderr)).toBe(false);
  });
});

describe('damaged blueprints', () => {
  it.skipIf(!apiReady)('random bytes given to replay are a PFSC_PBB_* error', () => {
    writeFileSync(join(work, 'noise.pbb'), pseudoRandom(4096, 12345));
    const r = runCli(['replay', 'noise.pbb', '-o', 'noise.out'], { home, cwd: work });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^PFSC_PBB_[A-Z_]+: /);
    expect(r.stderr.split('\n')[1]).toMatch(/^hint: /);
    expect(hasNoStack(r.stderr)).toBe(true);
  });
  it.skipIf(!apiReady)('a truncated header given to inspect is a PFSC_PBB_* error', () => {
    writeFileSync(join(work, 'tiny.pbb'), Buffer.from([0x50]));
    const r = runCli(['inspect', 'tiny.pbb'], { home, cwd: work });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^PFSC_PBB_[A-Z_]+: /);
    expect(hasNoStack(r.stderr)).toBe(true);
  });
});

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, hasNoStack, makeTemp, ROOT, runCli, runWithClosedStdout } from './harness.js';

let home: string;
let work: string;
beforeAll(() => {
  assertBuilt();
  home = makeTemp('usage-home');
  work = makeTemp('usage-work');
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const COMMANDS: [string[], string][] = [
  [[], '$ pfsc build'],
  [['build'], '$ pfsc build'],
  [['replay'], '$ pfsc replay'],
  [['inspect'], '$ pfsc inspect'],
  [['blob'], '$ pfsc blob'],
  [['blob', 'info'], '$ pfsc blob info'],
  [['blob', 'build'], '$ pfsc blob build'],
];

describe('help', () => {
  it.each(COMMANDS)('pfsc %j --help shows examples and exits 0', (cmd, example) => {
    const r = runCli([...cmd, '--help'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: pfsc');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(example);
    expect(r.stderr).toBe('');
  });

  it('pfsc help build is the same as pfsc build --help', () => {
    const a = runCli(['help', 'build'], { home });
    const b = runCli(['build', '--help'], { home });
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--version prints the package version', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = runCli(['--version'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

/** Checks the two-line usage error and exit code 2. */
function expectUsage(args: string[], messagePart: string, hintPart = '--help'): void {
  const r = runCli(args, { home, cwd: work });
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  const at = lines.findIndex((l) => l.startsWith('PFSC_USAGE: '));
  expect(at, r.stderr).toBeGreaterThanOrEqual(0);
  expect(lines[at]).toContain(messagePart);
  expect(lines[at + 1]).toMatch(/^hint: /);
  expect(lines[at + 1]).toContain(hintPart);
  expect(hasNoStack(r.stderr)).toBe(true);
  expect(r.stderr).not.toMatch(/CommanderError|Error:/);
  expect(r.stdout).toBe('');
}

describe('usage errors exit 2 with PFSC_USAGE and no stack', () => {
  it('unknown option', () => {
    const r = runCli(['build', 'x.bin', '--bogus'], { home, cwd: work });
    expect(r.stderr).toBe("PFSC_USAGE: unknown option '--bogus'\nhint: Run `pfsc build --help` to see its options and examples.\n");
    expect(r.status).toBe(2);
  });
  it('unknown option on each command', () => {
    expectUsage(['replay', 'x.pbb', '--nope'], "unknown option '--nope'", 'pfsc replay --help');
    expectUsage(['inspect', 'x.pbb', '--nope'], "unknown option '--nope'", 'pfsc inspect --help');
    expectUsage(['blob', 'info', '--nope'], "unknown option '--nope'", 'pfsc blob info --help');
    expectUsage(['blob', 'build', '--nope'], "unknown option '--nope'", 'pfsc blob build --help');
  });
  it('missing argument', () => {
    expectUsage(['build'], "missing required argument 'file'", 'pfsc build --help');
    expectUsage(['replay'], 'missing required argument', 'pfsc replay --help');
    expectUsage(['inspect'], 'missing required argument', 'pfsc inspect --help');
  });
  it('missing option value', () => {
    expectUsage(['build', 'x.bin', '-o'], "option '-o, --output <out>' argument missing");
    expectUsage(['build', 'x.bin', '--ref'], 'argument missing');
  });
  it('too many arguments', () => {
    expectUsage(['build', 'a', 'b'], 'too many arguments');
  });
  it('unknown command', () => {
    expectUsage(['frobnicate'], "unknown command 'frobnicate'", 'pfsc --help');
  });
  it('no command at all prints the help to stderr, then the usage error', () => {
    const r = runCli([], { home });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: pfsc');
    expect(r.stderr).toContain('PFSC_USAGE: pfsc needs a command');
    const r2 = runCli(['blob'], { home });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('PFSC_USAGE: pfsc blob needs a command');
  });
  it('-q with -v', () => {
    expectUsage(['build', 'x.bin', '-q', '-v'], 'cannot be used with');
  });
  it('replay of a file not named .pbb needs -o', () => {
    writeFileSync(join(work, 'plain.bin'), 'abc');
    expectUsage(['replay', 'plain.bin'], 'does not end in .pbb', '-o');
  });
  it('--json with the blueprint on standard output', () => {
    expectUsage(['build', '-', '--json'], 'cannot share standard output', '-o');
  });
  it('output that would overwrite the input', () => {
    writeFileSync(join(work, 'same.pbb'), 'abc');
    expectUsage(['replay', 'same.pbb', '-o', 'same.pbb', '-f'], 'overwrite the input', '-o');
  });
});

describe('standard output closed early', () => {
  it('does not crash (EPIPE)', async () => {
    const r = await runWithClosedStdout(['--help'], { home });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });
});

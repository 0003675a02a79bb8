/**
 * Generated command lines: whatever the arguments, pfsc ends with 0 (success), 1 (a user
 * error) or 2 (a usage error), prints a PFSC_ code for every failure, and never an internal
 * error or a stack trace.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasNoStack, makeTemp, pseudoRandom, runCli } from './harness.js';
import { prng } from '../helpers/tmp.js';

const dir = makeTemp('argv');
const home = join(dir, 'home');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'a.txt');
writeFileSync(file, 'some text to build\n'.repeat(50));
const junk = join(dir, 'junk.pbb');
writeFileSync(junk, pseudoRandom(300, 5));

const WORDS = [
  'build', 'replay', 'inspect', 'blob', 'info', 'help', '-o', '--output', '-f', '--force', '--ref', '--profile',
  '-q', '-v', '--json', '--svg', '-', '--', '--bogus', '-x', '', ' ', 'orchard', 'nonsense-profile', '\u00e9\u0000',
  file, junk, join(dir, 'missing'), join(dir, 'out.pbb'), join(dir, 'out.svg'), dir, '/dev/null', '1e99', '-1',
];

describe('generated command lines', () => {
  const rand = prng(2718);
  for (let k = 0; k < 40; k++) {
    const n = 1 + (rand() % 5);
    const args = Array.from({ length: n }, () => WORDS[rand() % WORDS.length]).map((w) => w.replace('\u0000', ''));
    it(`pfsc ${JSON.stringify(args)}`, () => {
      const r = runCli(args, { home, cwd: dir });
      expect([0, 1, 2]).toContain(r.status);
      expect(hasNoStack(r.stderr)).toBe(true);
      expect(r.stderr).not.toMatch(/PFSC_INTERNAL/);
      if (r.status !== 0) expect(r.stderr).toMatch(/^PFSC_[A-Z_]+: /m);
    });
  }
});

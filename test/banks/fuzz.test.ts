/**
 * Generated inputs: thousands of random mutations of valid bank files each run. Every one
 * must give bytes or a one-line PFSC_BANK_INVALID naming a line and column, never another
 * error, a crash or a hang, and all of them together stay within a time bound. The same
 * goes for the `bank` generator's manifest parameters.
 */
import { describe, expect, it } from 'vitest';
import { bankParams, bankTextFromParams, compileBank, emitBank, parseBank } from '../../src/banks/index.js';
import { bankGenerator } from '../../src/blob/generators/bank.js';
import { PfscError } from '../../src/errors.js';
import { mulberry32 } from '../helpers/random.js';

const SEED = Number(process.env.PFSC_FUZZ_SEED ?? 20240611);
const CASES = Number(process.env.PFSC_FUZZ_CASES ?? 4000);
const LIMIT = 1 << 16;

const VALID = [
  'bank 1\n0x41 0x20..0x7e "hi\\n" x"00 ff"\n',
  'bank 1\nname "recs"\ncontent data\nsize 32\n("REC" 0x00..0x04 align 16 fill 0xff) * 2\n',
  'bank 1 (1 (2 3) * 4 align 8) * 3 u16le from 0xfff0 step 7 count 20 u64be from -5 count 3',
  'bank 1 uleb128 from 100 step 1000 count 40 sleb128 from -70 step 3 count 50 # runs\n',
  'bank 1 debruijn order 3 over "ACGT" debruijn order 2 over [0x30..0x39 "abc"] "00"',
  'bank 1 random count 300 seed "a" random count 200 seed "t" over 0x20..0x7e align 64',
  `bank 1\nsamples ${'ab'.repeat(32)} ${'0f'.repeat(32)}\ncontent text\n"\\u{1F600}\\t\\"q\\"" * 3 u32be count 9\n`,
  'bank 1\r\n# crlf\r\nu8 from -3 step 2 count 10\r\n(x"de ad" "\\xbe\\xef") * 0x10\r\n',
];

const SNIPPETS = [
  '(', ')', '[', ']', '*', '..', '"', 'x"', '\\', '#', '\n', '\r', '\t', ' ', '0', '-', '0x', '_', '255', '256',
  '1073741824', '1073741825', '4294967296', '18446744073709551616', '-9223372036854775809', '9'.repeat(70),
  'count', 'from', 'step', 'order', 'over', 'seed', 'align', 'fill', 'random', 'debruijn', 'u8', 'u64be', 'u16le',
  'uleb128', 'sleb128', 'samples', 'name', 'size', 'content', 'text', 'bank', 'bank 1', 'ab'.repeat(32), 'é', '😀',
  '\ud800', '\ufeff', '%', '\\x', '\\u{', '\\u{110000}', '"\\', 'x"0', '* 0', '* 1000000', '(((', ')))',
  'count 1000000', 'order 26', 'over 0x00..0xff', 'seed ""', '0..255', ' * 1073741824 * 1073741824',
];

function mutate(text: string, rnd: () => number): string {
  const pick = (n: number): number => Math.floor(rnd() * n);
  let t = text;
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(t.length + 1);
    switch (pick(6)) {
      case 0: // delete a short span
        t = t.slice(0, at) + t.slice(at + 1 + pick(6));
        break;
      case 1: // insert a snippet
        t = t.slice(0, at) + (SNIPPETS[pick(SNIPPETS.length)] as string) + t.slice(at);
        break;
      case 2: { // replace a number with another
        const nums = [...t.matchAll(/-?[0-9][0-9a-fA-Fx_]*/g)];
        const m = nums[pick(nums.length)];
        if (m?.index !== undefined) {
          const repl = ['0', '1', '-1', '255', '256', '65535', '65536', '1073741824', '4294967295', '0xffffffffffffffff', '26', '27', '64', '65'][pick(14)] as string;
          t = t.slice(0, m.index) + repl + t.slice(m.index + m[0].length);
        }
        break;
      }
      case 3: { // duplicate a span
        const len = pick(40);
        t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
        break;
      }
      case 4: // a random character, any code unit
        t = t.slice(0, at) + String.fromCharCode(rnd() < 0.7 ? 32 + pick(95) : pick(0x10000)) + t.slice(at + (rnd() < 0.5 ? 1 : 0));
        break;
      default: { // wrap a span in a repeated group
        const len = pick(30);
        t = `${t.slice(0, at)}(${t.slice(at, at + len)}) * ${pick(5) === 0 ? 100000 : pick(9)}${t.slice(at + len)}`;
      }
    }
  }
  return t;
}

/** Lines in the text, for checking that a message's line exists. */
const lineCount = (t: string): number => t.split(/\r\n|\r|\n/).length;

describe('fuzzed bank files', () => {
  it('the seed corpus is valid', () => {
    for (const t of VALID) expect(compileBank(t, { limit: LIMIT }).length, t).toBeGreaterThan(0);
  });

  it(`${CASES} mutations: bytes or PFSC_BANK_INVALID with a line and column, in bounded time`, () => {
    const rnd = mulberry32(SEED);
    const t0 = performance.now();
    let ok = 0;
    let refused = 0;
    let slowest = 0;
    const failures: string[] = [];
    for (let i = 0; i < CASES && failures.length < 5; i++) {
      const text = mutate(VALID[i % VALID.length] as string, rnd);
      const c0 = performance.now();
      try {
        const out = compileBank(text, { limit: LIMIT });
        if (!(out instanceof Uint8Array) || out.length < 1 || out.length > LIMIT) failures.push(`bad output for ${JSON.stringify(text)}`);
        // A prefix of the checked program is a prefix of its output.
        const pre = new Uint8Array(Math.min(out.length, 1 + (i % 97)));
        emitBank(parseBank(text, { limit: LIMIT }), pre);
        if (!pre.every((b, j) => b === out[j])) failures.push(`prefix differs for ${JSON.stringify(text)}`);
        ok++;
      } catch (e) {
        const m = e instanceof PfscError ? /^bank line (\d+), column (\d+): \S.*$/.exec(e.message) : null;
        if (!(e instanceof PfscError) || e.code !== 'PFSC_BANK_INVALID' || m === null || /[\r\n\u2028\u2029]/.test(e.message)) {
          failures.push(`${JSON.stringify(text)} threw ${e instanceof PfscError ? `${e.code} ${JSON.stringify(e.message)}` : String((e as Error)?.stack ?? e)}`);
        } else if (Number(m[1]) > lineCount(text) || Number(m[2]) < 1) {
          failures.push(`${JSON.stringify(text)}: position out of the text in ${e.message}`);
        }
        refused++;
      }
      slowest = Math.max(slowest, performance.now() - c0);
    }
    const total = performance.now() - t0;
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(ok + refused).toBe(CASES);
    // Both outcomes occur, so the mutations reach past the lexer.
    expect(ok).toBeGreaterThan(CASES / 50);
    expect(refused).toBeGreaterThan(CASES / 20);
    expect(slowest, 'slowest single case (ms)').toBeLessThan(5000);
    expect(total, 'all cases (ms)').toBeLessThan(60000);
  });

  it('mutated manifest parameters: bytes, PFSC_MANIFEST_INVALID or PFSC_BANK_INVALID', async () => {
    await bankGenerator.prepare!();
    const rnd = mulberry32(SEED + 1);
    const pick = (n: number): number => Math.floor(rnd() * n);
    const failures: string[] = [];
    let generated = 0;
    for (let i = 0; i < CASES / 4 && failures.length < 5; i++) {
      const text = VALID[i % VALID.length] as string;
      const params = { ...bankParams(text) };
      expect(bankTextFromParams(params)).toBe(text);
      const keys = Object.keys(params);
      const key = keys[pick(keys.length)] as string;
      const v = String(params[key]);
      const at = pick(v.length + 1);
      const mutated = [
        () => v.slice(0, at) + v.slice(at + 1),
        () => v.slice(0, at) + (['%', '%0', '%0A', '%41', '%zz', 'x', '%ff', '%c3', '%25'][pick(9)] as string) + v.slice(at),
        () => v.slice(0, at) + String.fromCharCode(32 + pick(95)) + v.slice(at + 1),
      ][pick(3)] as () => string;
      const p: Record<string, string | number | boolean> = { ...params, [key]: mutated() };
      if (pick(8) === 0) p[`text${String(pick(40)).padStart(2, '0')}`] = 'x';
      if (pick(16) === 0) delete p[key];
      const size = 1 + pick(5000);
      try {
        bankGenerator.validate(p, size);
        const out = new Uint8Array(size);
        bankGenerator.generate(out, p, 'seed', { name: 'b' });
        generated++;
      } catch (e) {
        const ok = e instanceof PfscError && (e.code === 'PFSC_MANIFEST_INVALID' || e.code === 'PFSC_BANK_INVALID') && !/[\r\n]/.test(e.message);
        if (!ok) failures.push(`${JSON.stringify(p)} threw ${e instanceof PfscError ? `${e.code} ${e.message}` : String(e)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(generated).toBeGreaterThan(0);
  });
});

/**
 * Counted constructs against independent references: words written with DataView, LEB128
 * with the encoders in support.ts, de Bruijn sequences by counting their n-grams, random runs
 * with AES-CTR straight from node:crypto.
 */
import { describe, expect, it } from 'vitest';
import { compileBank, emitBank, parseBank } from '../../src/banks/index.js';
import { mulberry32 } from '../helpers/random.js';
import { ascii, bankErrorOf, fromHex, hex, keystreamRef, slebRef, ulebRef } from './support.js';

const run = (body: string, limit?: number): Uint8Array => compileBank(`bank 1\n${body}\n`, limit === undefined ? {} : { limit });

type Width = 1 | 2 | 4 | 8;

/** The words of a counted sequence, written with DataView. */
function wordsRef(width: Width, bigEndian: boolean, from: bigint, step: bigint, count: number): Uint8Array {
  const out = new Uint8Array(width * count);
  const dv = new DataView(out.buffer);
  const m = 1n << BigInt(8 * width);
  for (let i = 0; i < count; i++) {
    const v = (((from + BigInt(i) * step) % m) + m) % m;
    const at = i * width;
    if (width === 1) dv.setUint8(at, Number(v));
    else if (width === 2) dv.setUint16(at, Number(v), !bigEndian);
    else if (width === 4) dv.setUint32(at, Number(v), !bigEndian);
    else dv.setBigUint64(at, v, !bigEndian);
  }
  return out;
}

describe('u8 ... u64be', () => {
  const cases: [string, Width, boolean][] = [
    ['u8', 1, false], ['u16le', 2, false], ['u16be', 2, true], ['u32le', 4, false],
    ['u32be', 4, true], ['u64le', 8, false], ['u64be', 8, true],
  ];
  for (const [name, width, be] of cases) {
    it(`${name}: from, step and count, wrapping modulo 2^${8 * width}`, () => {
      const m = 1n << BigInt(8 * width);
      const probes: [bigint, bigint, number][] = [
        [0n, 1n, 300],
        [m - 3n, 1n, 7],
        [5n, -1n, 9],
        [-(m / 2n), m - 1n, 5],
        [0x1234n % m, (m / 3n) | 1n, 50],
        [m - 1n, m - 1n, 4],
        [7n, 0n, 3],
      ];
      for (const [from, step, count] of probes) {
        const text = `${name} from ${from} step ${step} count ${count}`;
        expect(hex(run(text)), text).toBe(hex(wordsRef(width, be, from, step, count)));
      }
      expect(hex(run(`${name} count 3`))).toBe(hex(wordsRef(width, be, 0n, 1n, 3)));
      expect(run(`${name} count 0 1`)).toEqual(Uint8Array.of(1));
    });
  }
  it('the examples of docs/BANKS.md 6.1', () => {
    expect(hex(run('u16le from 0xfffe count 3'))).toBe('feffffff0000');
    expect(hex(run('u32be from 1 step -1 count 2'))).toBe('0000000100000000');
    expect(hex(run('u8 from -2 count 4'))).toBe('feff0001');
    expect(hex(run('u64le from -1 count 1'))).toBe('ff'.repeat(8));
  });
  it('clauses in any order, hex and separators', () => {
    expect(hex(run('u16be count 2 step 0x100 from 0x0102'))).toBe(hex(wordsRef(2, true, 0x102n, 0x100n, 2)));
    expect(hex(run('u32le from 0xdead_beef count 1'))).toBe('efbeadde');
  });
  it('a long run of 64-bit words keeps its carries', () => {
    const from = (1n << 64n) - 1000n;
    const step = 0x1_0000_0001n;
    expect(hex(run(`u64be from ${from} step ${step} count 20000`))).toBe(hex(wordsRef(8, true, from, step, 20000)));
    expect(hex(run(`u64le from ${from} step ${step} count 20000`))).toBe(hex(wordsRef(8, false, from, step, 20000)));
  });
  it('ranges and required clauses', () => {
    expect(bankErrorOf(() => run('u16le from 65536 count 1')).message).toBe('bank line 2, column 12: from of u16le must be from -32768 to 65535, got "65536"');
    expect(bankErrorOf(() => run('u16le from -32769 count 1')).message).toMatch(/from of u16le must be from -32768 to 65535/);
    expect(bankErrorOf(() => run('u8 step 256 count 1')).message).toMatch(/step of u8 must be from -255 to 255/);
    expect(bankErrorOf(() => run('u64be from 0x1_0000_0000_0000_0000 count 1')).message).toMatch(/from of u64be must be from -2\^63 to \(2\^64 - 1\)/);
    expect(bankErrorOf(() => run('u16le from 0')).message).toBe('bank line 2, column 1: "u16le" needs a count clause, e.g. "u16le count 256"');
    expect(bankErrorOf(() => run('u8 count -1')).message).toMatch(/count must be from 0 to 2\^30/);
    expect(bankErrorOf(() => run('u8 count 1 seed "x"')).message).toMatch(/"u8" takes from, step and count; "seed" is not one of its clauses/);
    expect(bankErrorOf(() => run('u64le count 134217729')).message).toBe('bank line 2, column 13: "u64le" with this count makes 1073741832 bytes; an item may make at most 2^30');
  });
});

describe('uleb128 and sleb128', () => {
  const refRun = (signed: boolean, from: bigint, step: bigint, count: number): string => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(...(signed ? slebRef : ulebRef)(from + BigInt(i) * step));
    return hex(out);
  };
  it('the examples of docs/BANKS.md 6.2', () => {
    expect(hex(run('uleb128 from 127 count 2'))).toBe('7f8001');
    expect(hex(run('uleb128 from 624485 count 1'))).toBe('e58e26');
    expect(hex(run('sleb128 from 63 count 3'))).toBe('3fc000c100');
    expect(hex(run('sleb128 from -64 step -1 count 2'))).toBe('40bf7f');
    expect(hex(run('sleb128 from -123456 count 1'))).toBe('c0bb78');
  });
  it('runs across every length class, against the hand-written encoders', () => {
    const probes: [bigint, bigint, number][] = [
      [0n, 1n, 20000],
      [0n, 127n, 3000],
      [0n, 1n << 50n, 8000],
      [(1n << 64n) - 1n, -(1n << 56n), 255],
      [(1n << 64n) - 1n, -((1n << 64n) - 1n), 2],
      [(1n << 53n) - 5n, 1n, 10],
      [12345n, 0n, 5],
      [1n << 63n, -(1n << 57n) - 3n, 64],
    ];
    for (const [from, step, count] of probes) {
      const text = `uleb128 from ${from} step ${step} count ${count}`;
      expect(hex(run(text)), text).toBe(refRun(false, from, step, count));
    }
    const sprobes: [bigint, bigint, number][] = [
      [-10000n, 1n, 20000],
      [-(1n << 63n), 1n << 55n, 256],
      [(1n << 63n) - 1n, -((1n << 64n) - 1n), 2],
      [-(1n << 63n), (1n << 64n) - 1n, 2],
      [64n, -1n, 130],
      [-(1n << 53n), 3n, 10],
      [(1n << 62n), -(1n << 52n) - 7n, 3000],
    ];
    for (const [from, step, count] of sprobes) {
      const text = `sleb128 from ${from} step ${step} count ${count}`;
      expect(hex(run(text)), text).toBe(refRun(true, from, step, count));
    }
  });
  it('the length of a run is known before it is made, and matches', () => {
    for (const text of ['uleb128 from 0 step 3 count 100000', 'sleb128 from -50000 step 7 count 20000', `uleb128 from ${(1n << 64n) - 1n} step -${1n << 44n} count 9000`]) {
      const p = parseBank(`bank 1 ${text}`);
      expect(p.length, text).toBe(run(text).length);
    }
  });
  it('run lengths over random runs equal the sum of the encodings', () => {
    const rnd = mulberry32(77);
    const big = (bits: number): bigint => {
      let v = 0n;
      for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(rnd() * 65536));
      return v & ((1n << BigInt(bits)) - 1n);
    };
    for (let t = 0; t < 400; t++) {
      const signed = rnd() < 0.5;
      const count = 1 + Math.floor(rnd() * 40);
      const from = signed ? big(1 + Math.floor(rnd() * 63)) * (rnd() < 0.5 ? -1n : 1n) : big(1 + Math.floor(rnd() * 64));
      // A step that keeps the last value in range.
      const lo = signed ? -(1n << 63n) : 0n;
      const hi = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
      const room = (rnd() < 0.5 ? hi - from : from - lo) / BigInt(Math.max(1, count - 1));
      const mag = room > 0n ? big(1 + Math.floor(rnd() * 64)) % (room + 1n) : 0n;
      const step = hi - from >= from - lo ? mag : -mag;
      const text = `bank 1 ${signed ? 'sleb128' : 'uleb128'} from ${from} step ${step} count ${count}`;
      let want = 0;
      for (let i = 0; i < count; i++) want += (signed ? slebRef : ulebRef)(from + BigInt(i) * step).length;
      const out = compileBank(text);
      expect(out.length, text).toBe(want);
      expect(parseBank(text).length, text).toBe(want);
    }
  });
  it('every value must be in range', () => {
    expect(bankErrorOf(() => run('uleb128 from -1 count 1')).message).toMatch(/column 14: from of uleb128 must be from 0 to \(2\^64 - 1\)/);
    expect(bankErrorOf(() => run('uleb128 from 0 step -1 count 2')).message).toBe('bank line 2, column 30: the last value of "uleb128", from + (count - 1) * step = -1, is outside 0 to (2^64 - 1)');
    expect(bankErrorOf(() => run(`sleb128 from ${(1n << 63n) - 1n} count 2`)).message).toMatch(/the last value of "sleb128", from \+ \(count - 1\) \* step = 9223372036854775808, is outside -2\^63 to \(2\^63 - 1\)/);
    expect(bankErrorOf(() => run('sleb128 step 0x1_0000_0000_0000_0000 count 1')).message).toMatch(/step of sleb128 must be/);
    expect(bankErrorOf(() => run(`uleb128 from ${(1n << 64n) - 1n} step 0 count 119304648`)).message).toMatch(/"uleb128" with this count makes 1193046480 bytes/);
  });
});

describe('debruijn', () => {
  /** Every n-gram over the alphabet occurs exactly once, reading the output cyclically. */
  function checkDeBruijn(out: Uint8Array, alphabet: number[], n: number): void {
    const k = alphabet.length;
    expect(out.length).toBe(k ** n);
    const index = new Map(alphabet.map((b, i) => [b, i]));
    const seen = new Uint8Array(k ** n);
    let foreign = 0;
    let twice = 0;
    for (let i = 0; i < out.length; i++) {
      let code = 0;
      for (let j = 0; j < n; j++) {
        const sym = index.get(out[(i + j) % out.length] as number);
        if (sym === undefined) foreign++;
        code = code * k + (sym ?? 0);
      }
      if (seen[code] === 1) twice++;
      seen[code] = 1;
    }
    // k^n windows, none twice, so every n-gram once.
    expect({ foreign, twice }).toEqual({ foreign: 0, twice: 0 });
    // Lexicographically least: it starts with n copies of the first symbol.
    for (let j = 0; j < n; j++) expect(out[j]).toBe(alphabet[0]);
  }
  it('the examples of docs/BANKS.md 6.3', () => {
    expect([...run('debruijn order 3 over "01"')]).toEqual(ascii('00010111'));
    expect([...run('debruijn order 2 over "ab"')]).toEqual(ascii('aabb'));
    expect(hex(run('debruijn order 2 over [0x00..0x02]'))).toBe('000001000201010202');
    expect([...run('debruijn order 4 over "01"')]).toEqual(ascii('0000100110101111'));
  });
  it('every n-gram exactly once, for alphabets as ranges, lists and strings', () => {
    const cases: [string, number[], number][] = [
      ['order 3 over "ACGT"', ascii('ACGT'), 3],
      ['order 2 over 0x00..0xff', Array.from({ length: 256 }, (_, i) => i), 2],
      ['order 1 over [0x30..0x39]', ascii('0123456789'), 1],
      ['order 5 over [0xff 0x00 "a"]', [0xff, 0x00, 0x61], 5],
      ['order 12 over x"7f80"', [0x7f, 0x80], 12],
      ['order 4 over 0x7a..0x61', Array.from({ length: 26 }, (_, i) => 0x7a - i), 4],
    ];
    for (const [clauses, alphabet, n] of cases) checkDeBruijn(run(`debruijn ${clauses}`, 1 << 20), alphabet, n);
  });
  it('order and alphabet are bounded so k^n stays at most 2^26', () => {
    expect(parseBank('bank 1 debruijn order 13 over "01" debruijn order 26 over "01"').length).toBe(2 ** 13 + 2 ** 26);
    expect(bankErrorOf(() => run('debruijn order 27 over "01"')).message).toMatch(/the order of a de Bruijn sequence must be from 1 to 26/);
    expect(bankErrorOf(() => run('debruijn order 4 over 0x00..0xff')).message).toBe('bank line 2, column 16: a de Bruijn sequence of order 4 over 256 bytes has 4294967296 bytes; at most 2^26 are allowed');
    expect(bankErrorOf(() => run('debruijn order 0 over "01"')).message).toMatch(/order of a de Bruijn sequence must be from 1 to 26, got "0"/);
    expect(bankErrorOf(() => run('debruijn order 2 over "a"')).message).toBe('bank line 2, column 23: the alphabet of a de Bruijn sequence has 1 byte; it needs at least 2');
    expect(bankErrorOf(() => run('debruijn order 2 over []')).message).toMatch(/has 0 bytes; it needs at least 2/);
    expect(bankErrorOf(() => run('debruijn order 2 over "aba"')).message).toBe('bank line 2, column 23: the alphabet of a de Bruijn sequence holds byte 0x61 twice; its bytes must be distinct');
    expect(bankErrorOf(() => run('debruijn over "ab"')).message).toMatch(/"debruijn" needs an order clause/);
    expect(bankErrorOf(() => run('debruijn order 2')).message).toMatch(/"debruijn" needs an over clause/);
  });
});

describe('random', () => {
  it('is the AES-128-CTR keystream of the seed', () => {
    expect(hex(run('random count 32 seed "demo"'))).toBe('d567a2b2531805d91b4287fa5f94cdd6ea48335783b764c08eaac99e3115ffb1');
    expect(hex(run('random count 100000 seed "x\\u{e9}\\x00"'))).toBe(hex(keystreamRef(Uint8Array.from([0x78, 0xc3, 0xa9, 0x00]), 100000)));
    expect(hex(run('random count 17 seed ""'))).toBe(hex(keystreamRef('', 17)));
    expect(run('random count 0 seed "a" 1')).toEqual(Uint8Array.of(1));
  });
  it('over an alphabet: keystream bytes below 256 - 256 mod k, taken mod k', () => {
    const ref = (seed: string, alphabet: number[], count: number): string => {
      const k = alphabet.length;
      const t = 256 - (256 % k);
      const stream = keystreamRef(seed, count * 4 + 1024);
      const out: number[] = [];
      for (const s of stream) {
        if (out.length === count) break;
        if (s < t) out.push(alphabet[s % k] as number);
      }
      expect(out.length).toBe(count);
      return hex(out);
    };
    expect([...run('random count 4 seed "a" over "ab"')]).toEqual(ascii('aaab'));
    const printable = Array.from({ length: 95 }, (_, i) => 0x20 + i);
    expect(hex(run('random count 70000 seed "t" over 0x20..0x7e'))).toBe(ref('t', printable, 70000));
    expect(hex(run('random count 5000 seed "dna" over "ACGT"'))).toBe(ref('dna', ascii('ACGT'), 5000));
    expect(hex(run('random count 5000 seed "h" over [0x30..0x39 "abcdef"]'))).toBe(ref('h', ascii('0123456789abcdef'), 5000));
    expect(hex(run('random count 3000 seed "129" over 0..128'))).toBe(ref('129', Array.from({ length: 129 }, (_, i) => i), 3000));
    expect(hex(run('random count 99 seed "one" over "z"'))).toBe('7a'.repeat(99));
    const reversed = Array.from({ length: 256 }, (_, i) => 255 - i);
    expect(hex(run('random count 1000 seed "r" over 255..0'))).toBe(ref('r', reversed, 1000));
  });
  it('the same seed gives the same bytes wherever the run is', () => {
    const out = run('1 random count 8 seed "s" (random count 8 seed "s") * 2');
    expect(hex(out.subarray(1, 9))).toBe(hex(keystreamRef('s', 8)));
    expect(hex(out.subarray(9, 17))).toBe(hex(keystreamRef('s', 8)));
    expect(hex(out.subarray(17, 25))).toBe(hex(keystreamRef('s', 8)));
  });
  it('needs a count and a seed of at most 256 bytes', () => {
    expect(bankErrorOf(() => run('random count 4')).message).toMatch(/"random" needs a seed clause/);
    expect(bankErrorOf(() => run('random seed "a"')).message).toMatch(/"random" needs a count clause/);
    expect(bankErrorOf(() => run(`random count 1 seed "${'s'.repeat(257)}"`)).message).toMatch(/a seed may have at most 256 bytes, this one has 257/);
    expect(run(`random count 1 seed "${'s'.repeat(256)}"`)).toHaveLength(1);
    expect(bankErrorOf(() => run('random count 1 seed 5')).message).toMatch(/expected a string after "seed", got "5"/);
    expect(bankErrorOf(() => run('random count 1 seed "a" over "aa"')).message).toMatch(/the alphabet of a random run holds byte 0x61 twice/);
    expect(bankErrorOf(() => run('random count 1 seed "a" over ""')).message).toMatch(/the alphabet of a random run has 0 bytes; it needs at least 1/);
  });
});

describe('emitBank: a prefix costs no more than the prefix', () => {
  it('writes the first bytes of any program, the same as the whole output', () => {
    const text = `bank 1
      "head" (u16be from 7 step 3 count 5 0xee) * 3 align 64 fill 0x11
      uleb128 from 100 step 1000 count 50 sleb128 from -300 step 7 count 80
      debruijn order 3 over "xyz" random count 300 seed "p" over 0x41..0x5a random count 50 seed "q"`;
    const whole = compileBank(text);
    const p = parseBank(text);
    for (const n of [0, 1, 3, 4, 5, 17, 64, 65, 100, 200, 333, whole.length - 1, whole.length, whole.length + 10]) {
      const out = new Uint8Array(n).fill(0xab);
      const written = emitBank(p, out);
      expect(written).toBe(Math.min(n, whole.length));
      expect(hex(out.subarray(0, written)), `prefix ${n}`).toBe(hex(whole.subarray(0, written)));
      for (let i = written; i < n; i++) expect(out[i]).toBe(0xab);
    }
  });
  it('a program of about 2^30 bytes gives its first bytes at once', () => {
    const p = parseBank('bank 1 (random count 1000 seed "a" debruijn order 26 over "01") * 15 0x00 * 1000000');
    expect(p.length).toBe(15 * (1000 + 2 ** 26) + 1000000);
    const t0 = performance.now();
    const out = new Uint8Array(4096);
    expect(emitBank(p, out)).toBe(4096);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(hex(out.subarray(0, 1000))).toBe(hex(keystreamRef('a', 1000)));
    expect([...out.subarray(1000, 1026)]).toEqual(ascii('0'.repeat(26)));
    expect(out[1026]).toBe(fromHex('31')[0]);
  });
});

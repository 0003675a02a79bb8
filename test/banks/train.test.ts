/**
 * Trained banks (docs/BANKS.md, section 12): the text is the same on every run, parses and
 * compiles to the chosen bytes, lists the samples' SHA-256, keeps to its budget, and holds
 * no long repeat twice; literals are the shorter of a string and a hex string; odd samples.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileBank, MAX_BANK_TEXT, parseBank } from '../../src/banks/index.js';
import { trainBank, type TrainOptions } from '../../src/banks/train.js';
import { LINE_WIDTH, literalRuns, pieceTextLength } from '../../src/banks/train-text.js';
import { PfscError } from '../../src/errors.js';
import { pseudoRandom } from '../cli/harness.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Text like JavaScript source: lines drawn from a small vocabulary, seeded. */
function codeLike(lines: number, seed: number): Buffer {
  const words = ['const', 'value', 'return', 'function', '=>', '{', '}', '(', ')', 'if', 'else', '"name"', "'x'", '42', 'null', 'this.items', ';'];
  const r = pseudoRandom(lines * 8, seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + ((r[i * 8] as number) % 5);
    const parts: string[] = [];
    for (let j = 0; j < n; j++) parts.push(words[(r[i * 8 + j] as number) % words.length] as string);
    out.push(parts.join(' '));
  }
  return utf8(out.join('\n') + '\n');
}

/** Compiles the text and checks it against the bytes the trainer says it chose. */
function expectCompiles(bank: ReturnType<typeof trainBank>): void {
  const program = parseBank(bank.text);
  expect(program.length).toBe(bank.bytes.length);
  expect(program.header.size).toBe(bank.bytes.length);
  expect(Buffer.from(compileBank(bank.text, { limit: 2 ** 30 })).equals(Buffer.from(bank.bytes))).toBe(true);
  expect(Buffer.byteLength(bank.text)).toBeLessThanOrEqual(MAX_BANK_TEXT);
}

function expectUsage(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PfscError);
    expect((e as PfscError).code).toBe('PFSC_USAGE');
    expect((e as PfscError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected PFSC_USAGE');
}

/** True when needle occurs in hay. */
const holds = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

describe('trainBank', () => {
  const samples = [codeLike(400, 1), codeLike(300, 2), pseudoRandom(3000, 3), codeLike(500, 4)];

  it('makes the same text every time, which parses and compiles to the chosen bytes', () => {
    const a = trainBank(samples);
    const b = trainBank(samples.map((s) => Buffer.from(s)));
    expect(b.text).toBe(a.text);
    expectCompiles(a);
    const small = trainBank(samples, { maxSize: 2000 });
    expect(trainBank(samples, { maxSize: 2000 }).text).toBe(small.text);
    expectCompiles(small);
  });

  it('makes this exact text from these samples (the training rules are part of the bank)', () => {
    const text = utf8('hello, "bank"\n');
    const controls = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const bank = trainBank([text, controls, text]);
    expect(bank.text).toBe(
      [
        'bank 1',
        '# trained by pfsc bank train: samples 3, bytes in 60, bytes out 46, pieces 2',
        'content data',
        'size 46',
        'samples',
        `  ${sha(text)}`,
        `  ${sha(controls)}`,
        '',
        '"hello, \\"bank\\"\\n"',
        'x"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"',
        '',
      ].join('\n'),
    );
  });

  it('lists the SHA-256 of each distinct sample, in the order given', () => {
    const given = [samples[1] as Buffer, samples[0] as Buffer, Buffer.alloc(0), samples[1] as Buffer, samples[2] as Buffer];
    const bank = trainBank(given);
    const expected = [sha(samples[1] as Buffer), sha(samples[0] as Buffer), sha(Buffer.alloc(0)), sha(samples[2] as Buffer)];
    expect(bank.samples).toEqual(expected);
    expect(parseBank(bank.text).header.samples).toEqual(expected);
    expect(bank.samplesGiven).toBe(5);
    expect(bank.bytesIn).toBe(given.reduce((n, s) => n + s.length, 0));
  });

  it('keeps every sample whole when they share nothing, in the order given', () => {
    const parts = [pseudoRandom(5000, 11), pseudoRandom(7000, 12), pseudoRandom(100, 13)];
    const bank = trainBank(parts, { order: 'input' });
    expect(bank.selected).toBe(false);
    expect(Buffer.from(bank.bytes).equals(Buffer.concat(parts))).toBe(true);
    for (const order of ['shared-first', 'shared-last'] as const) {
      const b = trainBank(parts, { order });
      expect(b.bytes.length).toBe(12100);
      for (const p of parts) expect(holds(b.bytes, p)).toBe(true);
    }
  });

  it('adds nothing for a sample given twice, or for a repeat of what it holds', () => {
    const a = pseudoRandom(20_000, 21);
    const once = trainBank([a]);
    const twice = trainBank([a, Buffer.from(a)]);
    expect(twice.text).toBe(once.text.replace('samples 1, bytes in 20000', 'samples 2, bytes in 40000'));
    // The same bytes again inside a longer sample (the tail's first byte differs from the
    // byte after them in a, so the repeat ends where it should), and inside the same sample.
    const tail = Buffer.concat([Buffer.from([(a[9000] as number) ^ 0xff]), pseudoRandom(299, 22)]);
    const again = trainBank([a, Buffer.concat([a.subarray(1000, 9000), tail])]);
    expect(again.bytes.length).toBe(a.length + tail.length);
    expect(holds(again.bytes, tail)).toBe(true);
    const x = pseudoRandom(4096, 23);
    const inside = trainBank([Buffer.concat([x, x, x])]);
    expect(Buffer.from(inside.bytes).equals(x)).toBe(true);
    expectCompiles(inside);
  });

  it('drops repeats of minMatch bytes or more, and keeps shorter ones', () => {
    const a = pseudoRandom(10_000, 31);
    const b = Buffer.concat([pseudoRandom(100, 32), a.subarray(2000, 2000 + 600), pseudoRandom(100, 33), a.subarray(5000, 5000 + 400), pseudoRandom(100, 34)]);
    const bank = trainBank([a, b]);
    // The 600-byte repeat goes, the 400-byte one stays (with the 100-byte runs around it).
    expect(bank.bytes.length).toBe(10_000 + 100 + 100 + 400 + 100);
    const strict = trainBank([a, b], { minMatch: 64 });
    expect(strict.bytes.length).toBe(10_000 + 300);
    expectCompiles(strict);
  });

  it('puts the most shared pieces first by default, last with shared-last', () => {
    const common = pseudoRandom(3000, 41);
    const own = [pseudoRandom(800, 42), pseudoRandom(800, 43), pseudoRandom(800, 44)];
    const parts = [Buffer.concat([own[0] as Buffer, common]), Buffer.concat([common, own[1] as Buffer]), Buffer.concat([own[2] as Buffer, common])];
    // The first sample is one piece that all three use; the others keep their own bytes only.
    const first = trainBank(parts);
    expect(first.bytes.length).toBe(3800 + 800 + 800);
    expect(Buffer.from(first.bytes.subarray(0, 3800)).equals(parts[0] as Buffer)).toBe(true);
    const last = trainBank(parts, { order: 'shared-last' });
    expect(Buffer.from(last.bytes.subarray(last.bytes.length - 3800)).equals(parts[0] as Buffer)).toBe(true);
    const input = trainBank(parts, { order: 'input' });
    expect(Buffer.from(input.bytes).equals(Buffer.concat(parts.map((p, i) => (i === 0 ? p : (own[i] as Buffer)))))).toBe(true);
  });

  it('keeps to the byte budget, choosing what most samples share', () => {
    const shared = codeLike(60, 51);
    const parts = Array.from({ length: 8 }, (_, i) => Buffer.concat([pseudoRandom(6000, 60 + i), shared, pseudoRandom(2000, 70 + i)]));
    for (const maxSize of [1, 100, 4096, 20_000]) {
      const bank = trainBank(parts, { maxSize });
      expect(bank.selected).toBe(true);
      expect(bank.bytes.length).toBeGreaterThan(0);
      expect(bank.bytes.length).toBeLessThanOrEqual(maxSize);
      expectCompiles(bank);
      if (maxSize >= shared.length + 2048) expect(holds(bank.bytes, shared)).toBe(true);
    }
    const all = trainBank(parts, { maxSize: 1_000_000 });
    expect(all.selected).toBe(false);
  });

  it('keeps to the text limit: a large binary sample is chosen from, as hex', () => {
    const big = pseudoRandom(1_500_000, 81);
    const bank = trainBank([big]);
    expect(bank.selected).toBe(true);
    expect(Buffer.byteLength(bank.text)).toBeLessThanOrEqual(MAX_BANK_TEXT);
    expect(bank.bytes.length).toBeGreaterThan(400_000);
    expect(bank.bytes.length).toBeLessThanOrEqual(512 * 1024);
    expect(bank.budget.text).toBeLessThan(MAX_BANK_TEXT);
    expectCompiles(bank);
  }, 60_000);

  it('trains on an empty, a 1-byte and a binary sample', () => {
    const one = trainBank([Buffer.alloc(0), utf8('x')]);
    expect(Buffer.from(one.bytes).toString()).toBe('x');
    expect(one.samples).toEqual([sha(Buffer.alloc(0)), sha(utf8('x'))]);
    expectCompiles(one);
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bin = trainBank([Buffer.concat([bytes, pseudoRandom(2000, 91), bytes.reverse()])]);
    expect(bin.text).toContain('content data');
    expectCompiles(bin);
  });

  it('trains on a sample of one huge line, in lines of at most LINE_WIDTH bytes', () => {
    const line = Buffer.from(codeLike(30_000, 101).toString('latin1').replace(/\n/g, ' '), 'latin1');
    const bank = trainBank([line]);
    expectCompiles(bank);
    const body = bank.text.split('\n\n')[1] as string;
    for (const l of body.split('\n')) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(LINE_WIDTH);
    expect(bank.text).toContain('content text');
  });

  it('refuses what it cannot train on, and bad options, as PFSC_USAGE', () => {
    expectUsage(() => trainBank([]), /no samples/);
    expectUsage(() => trainBank([Buffer.alloc(0), Buffer.alloc(0)]), /no bytes/);
    const many = Array.from({ length: 4097 }, (_, i) => utf8(`sample ${i}`));
    expectUsage(() => trainBank(many), /4097 distinct samples given; a bank lists at most 4096/);
    for (const o of [{ maxSize: 0 }, { maxSize: 2 ** 30 + 1 }, { maxSize: 1.5 }, { minMatch: 8 }, { order: 'random' }] as TrainOptions[]) {
      expectUsage(() => trainBank([utf8('abc')], o), /must be/);
    }
  });

  it('lists 4,096 samples, the most a header holds', () => {
    const many = Array.from({ length: 4096 }, (_, i) => utf8(`sample ${i}\n`));
    const bank = trainBank(many);
    expect(parseBank(bank.text).header.samples.length).toBe(4096);
    expectCompiles(bank);
  }, 60_000);
});

describe('literals', () => {
  const cases: [string, Uint8Array][] = [
    ['ASCII', utf8('plain text, "quoted" and a \\ backslash\n\ttab')],
    ['UTF-8', utf8('é € 😀 ü\u00a0\u2028\u2029 end')],
    ['not UTF-8', Buffer.from([0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc2, 0x85, 0x80, 0xff, 0xe2, 0x82])],
    ['binary', pseudoRandom(500, 111)],
    ['mixed', Buffer.concat([utf8('header: '), pseudoRandom(64, 112), utf8(' and text again, long enough to pay for a string'), Buffer.alloc(40)])],
  ];

  it.each(cases)('%s compiles to its bytes, in no more text than one string or one hex string', (_name, bytes) => {
    const bank = trainBank([bytes]);
    expectCompiles(bank);
    expect(Buffer.from(bank.bytes).equals(Buffer.from(bytes))).toBe(true);
    const runs = literalRuns(bytes, 0, bytes.length);
    expect(runs[0]?.start).toBe(0);
    expect(runs[runs.length - 1]?.end).toBe(bytes.length);
    // One hex string takes 2 bytes a byte plus its quotes and line breaks.
    const hexOnly = 3 + 2 * bytes.length + Math.ceil((2 * bytes.length) / LINE_WIDTH);
    expect(pieceTextLength(bytes, 0, bytes.length)).toBeLessThanOrEqual(hexOnly + 1);
  });

  it('writes UTF-8 characters as themselves, other bytes as escapes', () => {
    const t = trainBank([utf8('é€😀')]).text;
    expect(t).toContain('"é€😀"');
    // Line separators, bidirectional controls, C1 controls and soft hyphens are escaped.
    expect(trainBank([utf8('a line of text\u2028and the next')]).text).toContain('"a line of text\\xe2\\x80\\xa8and the next"');
    expect(trainBank([utf8('left to right \u202e right to left')]).text).toContain('"left to right \\xe2\\x80\\xae right to left"');
    expect(trainBank([Buffer.concat([utf8('some text'), Buffer.from([0xc2, 0x85]), utf8('some more')])]).text).toContain('"some text\\xc2\\x85some more"');
    expect(trainBank([Buffer.concat([utf8('some text'), Buffer.from([0xc2, 0xad]), utf8('some more')])]).text).toContain('"some text\\xc2\\xadsome more"');
  });

  it('uses a hex string for binary runs and a string for text', () => {
    expect(trainBank([pseudoRandom(100, 121)]).text).toMatch(/\n\nx"[0-9a-f\n]+"\n$/);
    expect(trainBank([utf8('just some words')]).text).toMatch(/\n"just some words"\n$/);
  });
});

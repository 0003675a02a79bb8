/**
 * The `bank` generator kind: a bank file carried in a manifest's parameters, its canonical
 * form, its bytes (the output repeated to fill the bank), the Blob_ID, and two processes
 * that agree byte for byte.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankParams, bankTextFromParams, MAX_ESCAPED_BANK_TEXT } from '../../src/banks/index.js';
import { canonicalManifest, defaultRegistry, generateBank, generateBase, prepareGenerators, manifestBlobId, toHex, validateManifest, type BankParams } from '../../src/blob/index.js';
import { compileBlobModule, removeTempDirs, runNodeScript } from '../blob/support.js';
import { ascii, bankErrorOf, hex, keystreamRef } from './support.js';

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

function manifest(banks: { name: string; size: number; params: BankParams; kind?: string }[]): unknown {
  return {
    format: 1,
    profile: 'bank-test',
    seed: 'seed-1',
    banks: banks.map((b) => ({ name: b.name, kind: b.kind ?? 'bank', version: 1, size: b.size, params: b.params })),
    refs: [],
  };
}

/** The first `size` bytes of cycle || cycle || ... */
function cycled(cycle: number[] | Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = cycle[i % cycle.length] as number;
  return out;
}

describe('parameters', () => {
  it('escape every byte outside 0x20..0x7e and %, and cut at 256 characters', () => {
    const text = 'bank 1\n"ab" 0x00\n';
    expect(bankParams(text)).toEqual({ sha256: 'e1d72e4a4b258c7ae92cdd917daf7c83a220bb24287e8f93d57e9ff69863bdb4', text00: 'bank 1%0a"ab" 0x00%0a' });
    expect(sha(text)).toBe('e1d72e4a4b258c7ae92cdd917daf7c83a220bb24287e8f93d57e9ff69863bdb4');
    expect(bankParams('bank 1 "100%\té" # ü\r\n').text00).toBe('bank 1 "100%25%09%c3%a9" # %c3%bc%0d%0a');
    const long = `bank 1\n${'"abcdefghij" # a line of text\n'.repeat(100)}`;
    const p = bankParams(long);
    const pieces = Object.keys(p).filter((k) => k !== 'sha256').sort();
    const escaped = long.replace(/\n/g, '%0a');
    expect(pieces).toEqual(Array.from({ length: Math.ceil(escaped.length / 256) }, (_, i) => `text${String(i).padStart(2, '0')}`));
    expect(pieces.map((k) => p[k]).join('')).toBe(escaped);
    for (const k of pieces.slice(0, -1)) expect((p[k] as string).length).toBe(256);
    expect(bankTextFromParams(p)).toBe(long);
  });
  it('round-trip any valid text, and every piece fits a manifest', () => {
    for (const text of ['bank 1 0', 'bank 1\r\n"😀" # %%%\n0x00', `bank 1 ${'"é" '.repeat(600)}`, `bank 1 "${'%'.repeat(2600)}"`]) {
      const p = bankParams(text);
      expect(bankTextFromParams(p)).toBe(text);
      expect(Object.keys(p).length).toBeLessThanOrEqual(32);
      for (const v of Object.values(p)) expect(String(v)).toMatch(/^[\x20-\x7e]{1,256}$/);
      validateManifest(manifest([{ name: 'b', size: 10, params: p }]));
    }
  });
  it('refuse a text that does not compile, or too long for a manifest', () => {
    expect(bankErrorOf(() => bankParams('bank 1 256')).message).toBe('bank line 1, column 8: a byte must be from 0 to 255, got "256"');
    const fits = `bank 1 0 #${'x'.repeat(MAX_ESCAPED_BANK_TEXT - 10)}`;
    expect(bankTextFromParams(bankParams(fits))).toBe(fits);
    expect(bankErrorOf(() => bankParams(`${fits}x`)).message).toBe('bank line 1, column 7937: the text is too long for a manifest: escaped, it passes 7936 characters here');
    expect(bankErrorOf(() => bankParams(`bank 1 0 #${'é'.repeat(2000)}`)).message).toMatch(/column 1332: the text is too long for a manifest/);
  });
  it('are canonical: any other form is PFSC_MANIFEST_INVALID', () => {
    const good = bankParams('bank 1 "a%b"\n');
    expect(good.text00).toBe('bank 1 "a%25b"%0a');
    // Read once first: texts already checked are remembered, and that must not let a bad form through.
    expect(bankTextFromParams(good)).toBe('bank 1 "a%b"\n');
    const withText = (t: string): BankParams => ({ sha256: sha(Buffer.from(t.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1')), text00: t });
    const bad: [BankParams, RegExp][] = [
      [{ ...good, text00: 'bank 1 "a%25b"%0A' }, /params\.text00 holds a "%" not followed by two lowercase hex digits/],
      [withText('bank 1 "a%41b"'), /params\.text00 escapes a printable character \(%41\)/],
      [{ ...good, text00: 'bank 1 "a%2' }, /not followed by two lowercase hex digits/],
      [{ ...good, sha256: '0'.repeat(64) }, /params\.sha256 does not match the text, whose SHA-256 is /],
      [{ ...good, sha256: 'ABC' }, /params\.sha256 must be 64 lowercase hex digits/],
      [{ text00: good.text00 as string }, /params\.sha256 is missing/],
      [{ sha256: good.sha256 as string }, /params\.text00 is missing/],
      [{ ...good, text00: 'x'.repeat(256), text02: 'x' }, /params\.text01 is missing: the text parameters are text00 to text01 without gaps/],
      [{ ...good, text01: 'x' }, /params\.text00 must be a string of exactly 256 printable ASCII characters/],
      [{ ...good, text00: '' }, /params\.text00 must be a string of 1 to 256/],
      [{ ...good, text00: 5 }, /params\.text00 must be a string/],
      [{ ...good, extra: 1 }, /params\.extra is not a parameter of kind bank/],
      [{ ...good, text5: 'x' }, /params\.text5 is not a parameter of kind bank/],
      [withText('bank 1 %ff'), /params\.text00 does not hold UTF-8 text once unescaped/],
    ];
    for (const [params, re] of bad) expect(bankErrorOf(() => bankTextFromParams(params), 'PFSC_MANIFEST_INVALID').message).toMatch(re);
    const many: BankParams = { sha256: good.sha256 as string };
    for (let i = 0; i < 32; i++) many[`text${String(i).padStart(2, '0')}`] = 'x'.repeat(256);
    expect(bankErrorOf(() => bankTextFromParams(many), 'PFSC_MANIFEST_INVALID').message).toMatch(/params\.text31 is one text parameter too many; at most 31/);
  });
});

describe('in a manifest', () => {
  const registry = defaultRegistry();
  beforeAll(() => prepareGenerators({ banks: [{ kind: 'bank' }] as never }, registry));
  it('is a registered kind, version 1, content kind data', () => {
    const gen = registry.get('bank');
    expect([gen.kind, gen.version, gen.contentKind]).toEqual(['bank', 1, 'data']);
  });
  it('fills the bank with the output repeated, or a prefix of it', () => {
    const params = bankParams('bank 1\n"ab" 0x00\n');
    const m = validateManifest(manifest([{ name: 'x', size: 7, params }, { name: 'y', size: 2, params }, { name: 'z', size: 3, params }]));
    expect(hex(generateBank(m.banks[0]!, m.seed, registry))).toBe('61620061620061');
    expect(hex(generateBank(m.banks[1]!, m.seed, registry))).toBe('6162');
    expect(hex(generateBank(m.banks[2]!, m.seed, registry))).toBe('616200');
  });
  it('makes the bytes worked out independently, for a bank of every construct', () => {
    const text = 'bank 1 u32le from 7 step 3 count 1000 random count 5000 seed "g" "tail" 0x00..0x03 * 2';
    const words = new Uint8Array(4000);
    const dv = new DataView(words.buffer);
    for (let i = 0; i < 1000; i++) dv.setUint32(4 * i, 7 + 3 * i, true);
    const cycle = [...words, ...keystreamRef('g', 5000), ...ascii('tail'), 0, 1, 2, 3, 0, 1, 2, 3];
    const size = 3 * cycle.length + 1234;
    const m = validateManifest(manifest([{ name: 'all', size, params: bankParams(text) }]));
    expect(sha(generateBank(m.banks[0]!, m.seed, registry))).toBe(sha(cycled(cycle, size)));
  });
  it('a bank far smaller than its program makes only what it needs', () => {
    const m = validateManifest(manifest([{ name: 'p', size: 16, params: bankParams('bank 1 random count 1073741824 seed "big"') }]));
    const t0 = performance.now();
    expect(hex(generateBank(m.banks[0]!, m.seed, registry))).toBe(hex(keystreamRef('big', 16)));
    expect(performance.now() - t0).toBeLessThan(5000);
  });
  it('a bank file that does not compile is PFSC_BANK_INVALID when generated, naming the bank', () => {
    const p = bankParams('bank 1 0');
    const broken = { sha256: sha('bank 1 256'), text00: 'bank 1 256' };
    // The manifest checks the parameters' form and digest; the program is checked when made.
    const m = validateManifest(manifest([{ name: 'ok', size: 1, params: p }, { name: 'bad', size: 1, params: broken }]));
    const e = bankErrorOf(() => generateBank(m.banks[1]!, m.seed, registry));
    expect(e.message).toBe('bank bad: bank line 1, column 8: a byte must be from 0 to 255, got "256"');
    const e2 = bankErrorOf(() => validateManifest(manifest([{ name: 'b', size: 1, params: { ...p, sha256: '1'.repeat(64) } }])), 'PFSC_MANIFEST_INVALID');
    expect(e2.message).toMatch(/^banks\[0\]\.params\.sha256 does not match the text/);
  });
  it('the Blob_ID changes exactly when the text does', () => {
    const id = (text: string, size = 64): string => toHex(manifestBlobId(validateManifest(manifest([{ name: 'b', size, params: bankParams(text) }]))));
    const a = id('bank 1 "abc"');
    expect(id('bank 1 "abc"')).toBe(a);
    expect(id('bank 1 "abd"')).not.toBe(a);
    expect(id('bank 1 "abc" # a comment')).not.toBe(a);
    expect(id(`bank 1 samples ${'ab'.repeat(32)} "abc"`)).not.toBe(a);
    expect(id('bank 1 "abc"', 65)).not.toBe(a);
    const canon = canonicalManifest(validateManifest(manifest([{ name: 'b', size: 64, params: bankParams('bank 1\n"abc"') }])));
    expect(canon).toContain('"params":{"sha256":"');
    expect(canon).toContain('"text00":"bank 1%0a\\"abc\\""');
  });
});

describe('two processes', () => {
  let moduleUrl = '';
  beforeAll(() => {
    moduleUrl = pathToFileURL(compileBlobModule()).href;
  }, 180_000);
  afterAll(removeTempDirs);

  it('generate the same bytes and Blob_ID for a manifest with a bank bank', async () => {
    const text = [
      'bank 1',
      'name "two-processes"',
      'content data',
      '("hdr" u16be from 0xfff0 step 1 count 40 align 32 fill 0xee) * 3',
      'uleb128 from 0 count 2000',
      'debruijn order 3 over "ACGT"',
      'random count 100000 seed "p" over 0x20..0x7e',
      'random count 65536 seed "q"',
    ].join('\n');
    const m = manifest([
      { name: 'head', kind: 'const', size: 4096, params: { run: 16 } },
      { name: 'mine', size: 1 << 20, params: bankParams(text) },
    ]);
    const script = `
      import { createHash } from 'node:crypto';
      const b = await import(${JSON.stringify(moduleUrl)});
      const m = b.parseManifestJson(process.argv[1]);
      await b.prepareGenerators(m);
      const bytes = b.generateBase(m);
      console.log(JSON.stringify({ id: b.toHex(b.manifestBlobId(m)), sha: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }));
    `;
    const json = JSON.stringify(m);
    const [x, y] = await Promise.all([runNodeScript(script, [json]), runNodeScript(script, [json])]);
    for (const r of [x, y]) {
      expect(r.stderr, r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const rx = JSON.parse(x.stdout.trim()) as Record<string, unknown>;
    const ry = JSON.parse(y.stdout.trim()) as Record<string, unknown>;
    expect(rx).toEqual(ry);
    const local = validateManifest(m);
    await prepareGenerators(local);
    expect(rx.id).toBe(toHex(manifestBlobId(local)));
    expect(rx.size).toBe(4096 + (1 << 20));
    expect(rx.sha).toBe(sha(generateBase(local)));
  }, 120_000);

  it('refuse to generate before prepare() loaded the bank language, as an internal error', async () => {
    const m = manifest([{ name: 'mine', size: 16, params: bankParams('bank 1 "abc"') }]);
    const script = `
      const b = await import(${JSON.stringify(moduleUrl)});
      try { b.generateBase(b.parseManifestJson(process.argv[1])); console.log('generated'); }
      catch (e) { console.log(e.code + ' ' + e.message); }
    `;
    const r = await runNodeScript(script, [JSON.stringify(m)]);
    expect(r.stdout.trim()).toBe('PFSC_INTERNAL the bank generator ran before prepare() loaded the bank language');
  }, 120_000);
});

/**
 * The Orchard families (src/blob/orchard/*.bank, docs/ORCHARD.md): every file compiles, the
 * same bytes every time and in a fresh process, to the size its header declares, and fits a
 * manifest; the profile holds exactly the kept families, in order, each pinned by digest; a
 * missing or changed file is refused; `pfsc blob info` shows each bank's family; the dropped
 * families work as --bank files; and the built package (dist/ and the CLI bundle) finds the
 * files.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileBank, escapeBankParams, parseBank } from '../../src/banks/index.js';
import {
  bankLayout,
  generateBase,
  manifestBlobId,
  prepareGenerators,
  profileDefinition,
  profileManifest,
  toHex,
  validateManifest,
} from '../../src/blob/index.js';
import { orchardBankParams, orchardBankText, orchardFolder } from '../../src/blob/orchard/families.js';
import { bankFamily, readBankHeader } from '../../src/blob/orchard/label.js';
import { renderBlobInfo } from '../../src/cli/commands/blob-info.js';
import { PfscError } from '../../src/errors.js';
import { ROOT, removeTempDirs, runNodeScript, tempDir } from './support.js';

const DIR = join(ROOT, 'src', 'blob', 'orchard');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.bank')).sort();
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
const rows = () => profileDefinition('orchard').banks.filter((b) => b.kind === 'bank');

/** The families docs/ORCHARD.md keeps, in the profile's order, and the files it drops. */
const KEPT = ['elf-headers', 'x86-64-plt', 'elf-strings'];
const DROPPED = ['aarch64-code', 'containers', 'leb128', 'monotone', 'napi-strings', 'rust-strings', 'stripes', 'text-tokens', 'x86-64-code'];

/**
 * The Blob_ID of the orchard profile, seed orchard-3 (docs/ORCHARD.md). Computed once and
 * reviewed: its 16 MiB are orchard-1's first 1,679,616 bytes, then the outputs of
 * elf-headers.bank, x86-64-plt.bank and elf-strings.bank, then the random tail of seed
 * orchard-3.
 */
const ORCHARD_3_BLOB_ID = 'd3b6df9b040b6d17e76191b7ee854987';

afterAll(removeTempDirs);

describe('the Orchard bank files', () => {
  it('are the kept and the dropped families, and the loader finds their folder', () => {
    expect(FILES).toEqual([...KEPT, ...DROPPED].map((n) => `${n}.bank`).sort());
    expect(orchardFolder()).toBe(DIR);
  });

  it.each(FILES)('%s compiles to its declared size, names itself and fits a manifest', (file) => {
    const text = read(file);
    const { header } = parseBank(text);
    expect(header.name).toMatch(/^orchard [a-z0-9 -]+$/);
    expect(header.content).toMatch(/^(code|text|data)$/);
    expect(header.size, 'every family file declares its size').toBeTypeOf('number');
    const out = compileBank(text);
    expect(out.length).toBe(header.size);
    expect(out.length % 64, 'each family ends on a multiple of 64').toBe(0);
    expect(compileBank(text)).toEqual(out);
    expect(escapeBankParams(text).sha256).toBe(sha(Buffer.from(text, 'utf8'))); // throws when too long for a manifest
    expect(readBankHeader(text)).toEqual({ name: header.name, content: header.content, size: header.size });
  });

  it('make the same bytes in a fresh process', async () => {
    const url = pathToFileURL(join(ROOT, 'dist', 'src', 'banks', 'index.js')).href;
    if (!existsSync(join(ROOT, 'dist', 'src', 'banks', 'index.js'))) return; // npm test builds dist first
    const here = Object.fromEntries(FILES.map((f) => [f, sha(compileBank(read(f)))]));
    const script = `
      import { readFileSync } from 'node:fs';
      import { createHash } from 'node:crypto';
      const { compileBank } = await import(${JSON.stringify(url)});
      const out = {};
      for (const f of ${JSON.stringify(FILES)}) out[f] = createHash('sha256').update(compileBank(readFileSync(${JSON.stringify(DIR)} + '/' + f, 'utf8'))).digest('hex');
      console.log(JSON.stringify(out));
    `;
    const r = await runNodeScript(script);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual(here);
  }, 60_000);

  // Bytes written down from the formats' specifications, not from the code under test.
  it('hold the shapes their formats define', () => {
    const out = (f: string) => hex(compileBank(read(f)));
    // ELF64 little-endian, ET_DYN, x86-64, EV_CURRENT (gABI 4.1, psABI 3.5)
    expect(out('elf-headers.bank').startsWith('7f454c460201010000000000000000000300' + '3e0001000000')).toBe(true);
    // PT_GNU_STACK, RW, align 16
    expect(out('elf-headers.bank')).toContain('51e5746406000000' + '00'.repeat(40) + '1000000000000000');
    // PNG signature, then the IHDR chunk's length and type (ISO 15948, 5.2)
    expect(out('containers.bank')).toContain('89504e470d0a1a0a0000000d49484452');
    // IEND and its CRC (ae426082 is the CRC-32 of "IEND")
    expect(out('containers.bank')).toContain('0000000049454e44ae426082');
    // the T.81 Annex K luminance DC table as a DHT segment: length 31, class 0 id 0, the
    // code counts of Table K.3 (0 1 5 1 1 1 1 1 1 0 0 0 0 0 0 0), then the values 0 to 11
    const counts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    expect(out('containers.bank')).toContain('ffc4001f00' + hex(Uint8Array.from(counts)) + hex(Uint8Array.from({ length: 12 }, (_, i) => i)));
    // uleb128 of 127, 128 (DWARF 5, 7.6)
    expect(out('leb128.bank').startsWith(hex(Uint8Array.from({ length: 128 }, (_, i) => i)) + '8001')).toBe(true);
    // stp x29, x30, [sp, #-16]!; mov x29, sp
    expect(out('aarch64-code.bank')).toContain('fd7bbfa9fd030091');
    // .shstrtab's run of section names, as GNU ld lays the sections out
    expect(Buffer.from(compileBank(read('elf-strings.bank'))).toString('latin1')).toContain('\0.shstrtab\0.interp\0.note.gnu.property\0');
  });

  it('x86-64-plt holds the IBT PLT entries 0 to 191, computed from the psABI layout', () => {
    // entry i at PLT0 + 16 (i + 1): endbr64; push $i; bnd jmp PLT0 (from the jmp's end,
    // PLT0 + 16 i + 31); nop
    const want = Buffer.alloc(192 * 16);
    for (let i = 0; i < 192; i++) {
      const e = want.subarray(16 * i, 16 * i + 16);
      Buffer.from('f30f1efa68', 'hex').copy(e, 0);
      e.writeUInt32LE(i, 5);
      e[9] = 0xf2;
      e[10] = 0xe9;
      e.writeInt32LE(-(16 * i + 31), 11);
      e[15] = 0x90;
    }
    expect(hex(compileBank(read('x86-64-plt.bank')))).toBe(want.toString('hex'));
  });
});

describe('the orchard profile', () => {
  beforeAll(async () => {
    await prepareGenerators(profileManifest());
  });

  it('holds exactly the kept families, in order, before the random tail', () => {
    const m = validateManifest(profileManifest());
    expect(m.seed).toBe('orchard-3');
    expect(m.banks.map((b) => b.name)).toEqual([
      'const', 'ramp8', 'ramp16', 'ramp32', 'gray8', 'gray16', 'gray32', 'lfsr',
      'debruijn256', 'debruijn16', 'debruijn4', 'debruijn2', 'debruijn2-ascii', ...KEPT, 'random',
    ]);
    expect(rows().map((r) => r.name)).toEqual(KEPT);
    expect(rows().map((r) => r.bankFile?.file)).toEqual(KEPT.map((n) => `${n}.bank`));
    expect(m.banks.reduce((n, b) => n + b.size, 0)).toBe(profileDefinition('orchard').total);
    expect(m.banks.filter((b) => b.kind === 'bank').map((b) => b.size)).toEqual([1920, 3072, 2688]);
    for (const b of bankLayout(m)) expect(b.offset % 8, b.name).toBe(0); // the generated banks' index step
  });

  it('pins each row to its file: size, digest and parameters', () => {
    const m = profileManifest();
    for (const row of rows()) {
      const text = orchardBankText(row.bankFile!.file);
      expect(row.size, row.name).toBe(compileBank(text).length);
      expect(row.bankFile!.sha256, row.name).toBe(sha(Buffer.from(text, 'utf8')));
      expect(m.banks.find((b) => b.name === row.name)!.params).toEqual(escapeBankParams(text));
    }
  });

  it('has the pinned Blob_ID', () => {
    expect(toHex(manifestBlobId(validateManifest(profileManifest())))).toBe(ORCHARD_3_BLOB_ID);
  });

  it('gives each bank of kind bank the content kind its file declares', () => {
    const kinds = Object.fromEntries(bankLayout(profileManifest()).map((b) => [b.name, b.contentKind]));
    expect(kinds).toMatchObject({ 'elf-headers': 'data', 'x86-64-plt': 'code', 'elf-strings': 'data', const: 'palette', lfsr: 'tiles', random: 'random' });
  });

  it('puts each file\'s bytes at its bank\'s offset', () => {
    const m = profileManifest();
    const base = generateBase(m);
    for (const b of bankLayout(m)) {
      if (b.kind !== 'bank') continue;
      const want = compileBank(orchardBankText(`${b.name}.bank`));
      expect(sha(base.subarray(b.offset, b.offset + b.size)), b.name).toBe(sha(want));
    }
  });

  it('refuses a missing or changed file with a one-line message', () => {
    const missing = (() => { try { orchardBankParams('no-such-family.bank', '00'.repeat(32)); } catch (e) { return e; } })();
    expect(missing).toBeInstanceOf(PfscError);
    expect((missing as PfscError).code).toBe('PFSC_INTERNAL');
    expect((missing as PfscError).message).toBe(`the orchard profile's bank file ${join(DIR, 'no-such-family.bank')} is missing`);
    expect((missing as PfscError).hint).toMatch(/--bank/);
    // a changed file is one whose digest is not the pinned one
    const pin = rows()[0]!.bankFile!;
    const changed = (() => { try { orchardBankParams(pin.file, 'ab'.repeat(32)); } catch (e) { return e; } })();
    expect((changed as PfscError).code).toBe('PFSC_BANK_INVALID');
    expect((changed as PfscError).message).toBe(
      `the orchard profile's bank file ${join(DIR, pin.file)} has been changed: its SHA-256 is ${pin.sha256}, the profile pins ${'ab'.repeat(32)} (the text is part of the Blob_ID)`,
    );
    expect((changed as PfscError).message).not.toContain('\n');
    expect(orchardBankParams(pin.file, pin.sha256).sha256).toBe(pin.sha256);
  });
});

describe('blob info', () => {
  it('prints the family column: a bank file\'s name, "-" for the other rows', () => {
    const m = profileManifest();
    const text = renderBlobInfo({ manifest: m, banks: bankLayout(m), blobIdHex: ORCHARD_3_BLOB_ID, size: 16 * 1024 * 1024, home: '/nowhere', cached: false });
    expect(text).toMatch(/^\s*name\s+kind\s+content\s+offset\s+bytes\s+size\s+family\s*$/m);
    expect(text).toMatch(/^\s*elf-headers\s+bank\s+data\s+1,679,616\s+1,920\s+1\.88 KiB\s+orchard elf headers\s*$/m);
    expect(text).toMatch(/^\s*x86-64-plt\s+bank\s+code\s+1,681,536\s+3,072\s+3\.00 KiB\s+orchard x86-64 plt\s*$/m);
    expect(text).toMatch(/^\s*elf-strings\s+bank\s+data\s+1,684,608\s+2,688\s+2\.63 KiB\s+orchard elf strings\s*$/m);
    expect(text).toMatch(/^\s*const\s+const\s+palette\s.*\s-\s*$/m);
    expect(text).toMatch(/^\s*random\s+random\s+random\s.*\s-\s*$/m);
  });

  it('reads a name with escapes, and says nothing of text it cannot read', () => {
    expect(readBankHeader('bank 1 # c\nsamples ' + 'a'.repeat(64) + ' ' + 'b'.repeat(64) + '\nname "say \\"hi\\" \\x41"\n0x00')).toEqual({ name: 'say "hi" A' });
    expect(readBankHeader('bank 1\nname "tab\\there"\ncontent text 0')).toEqual({ content: 'text' });
    expect(readBankHeader('0x41 name "x"')).toEqual({});
    expect(bankFamily({ kind: 'bank', params: { sha256: 'x' } })).toBeUndefined();
    expect(bankFamily({ kind: 'const', params: { run: 1 } })).toBeUndefined();
  });
});

describe('from the built package', () => {
  const cli = join(ROOT, 'bin', 'pfsc.js');
  const built = existsSync(join(ROOT, 'dist', 'cli', 'main.cjs')) && existsSync(join(ROOT, 'dist', 'src', 'blob', 'orchard', 'families.js'));
  const run = (args: string[], home: string) => spawnSync(process.execPath, [cli, ...args], { cwd: tempDir(), env: { ...process.env, PFSC_HOME: home }, encoding: 'utf8' });

  it.skipIf(!built)('dist/src finds the files in src/blob/orchard', async () => {
    const url = pathToFileURL(join(ROOT, 'dist', 'src', 'blob', 'orchard', 'families.js')).href;
    const r = await runNodeScript(`const f = await import(${JSON.stringify(url)}); console.log(f.orchardFolder());`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(DIR);
  });

  it.skipIf(!built)('the CLI bundle shows the pinned Blob_ID and every family in `pfsc blob info`', () => {
    const home = tempDir();
    const r = run(['blob', 'info'], home);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Blob_ID\\s+${ORCHARD_3_BLOB_ID}$`, 'm'));
    for (const name of KEPT) {
      expect(r.stdout).toMatch(new RegExp(`^\\s*${name}\\s+bank\\s.*${parseBank(read(`${name}.bank`)).header.name!}\\s*$`, 'm'));
    }
    const json = run(['blob', 'info', '--json'], home);
    expect(json.status).toBe(0);
    const info = JSON.parse(json.stdout) as { blobIdHex: string; manifest: unknown };
    expect(info.blobIdHex).toBe(ORCHARD_3_BLOB_ID);
    expect(validateManifest(info.manifest).banks.map((b) => b.name)).toEqual(profileManifest().banks.map((b) => b.name));
  }, 60_000);

  it.skipIf(!built)('the dropped families build and replay as --bank files', () => {
    const home = tempDir();
    const dir = tempDir();
    // An input that holds a stretch of each dropped family's output between noise.
    const noise = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => ((i + 1) * 2654435761 * (seed + 7)) >>> 24));
    const parts: Buffer[] = [];
    DROPPED.forEach((name, k) => {
      const out = compileBank(read(`${name}.bank`));
      parts.push(noise(97, k), Buffer.from(out.subarray(0, Math.min(out.length, 640))));
    });
    const input = Buffer.concat(parts);
    writeFileSync(join(dir, 'in.bin'), input);
    const banks = DROPPED.flatMap((name) => ['--bank', join(DIR, `${name}.bank`)]);
    const b = run(['build', join(dir, 'in.bin'), '-o', join(dir, 'in.pbb'), '--json', ...banks], home);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    const result = JSON.parse(b.stdout) as { pbbBytes: number; bytesFrom: { refs: number } };
    expect(result.bytesFrom.refs).toBeGreaterThan(input.length / 2);
    const r = run(['replay', join(dir, 'in.pbb'), '-o', join(dir, 'out.bin'), ...banks], home);
    expect(r.stderr).toMatch(/^$|digest verified/);
    expect(r.status).toBe(0);
    expect(sha(readFileSync(join(dir, 'out.bin')))).toBe(sha(input));
    const without = run(['replay', join(dir, 'in.pbb'), '-o', join(dir, 'no.bin')], home);
    expect(without.status).toBe(1);
    expect(without.stderr).toMatch(/^PFSC_BLOB_MISMATCH: /);
  }, 120_000);
});

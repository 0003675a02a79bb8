/**
 * The plugin's analysis on real files found on the machine, checked against independent
 * tools (readelf, llvm-readobj, llvm-objdump, llvm-lipo, llvm-mc, zip, gzip, xz, zstd,
 * bzip2) or against the bytes themselves (a deflated entry's region inflates to the file).
 * Each check is skipped, with the reason printed, when its file or tool is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { hintsFor, type ByteSource, type HintResult } from '../../../plugins/llvm-hints/index.js';
// @ts-expect-error: a JavaScript module without declarations
import * as fx from '../../../fixtures/llvm-hints/binaries.mjs';
import { tempDir } from '../../helpers/tmp.js';
import { expectWellFormed } from './support.js';

const tmp = tempDir('llvm-hints-real');
afterAll(() => tmp.cleanup());

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, tool);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** A ByteSource over a file that counts what was read, and fails a read past the end. */
function fileSource(path: string): ByteSource & { maxEnd: number } {
  const size = statSync(path).size;
  const src = {
    size,
    maxEnd: 0,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (position < 0 || position + length > size) throw new Error(`read past the end: ${position}+${length} > ${size}`);
      src.maxEnd = Math.max(src.maxEnd, position + length);
      const fh = await open(path, 'r');
      try {
        const b = Buffer.alloc(length);
        await fh.read(b, 0, length, position);
        return b;
      } finally {
        await fh.close();
      }
    },
  };
  return src;
}

async function analyse(path: string): Promise<HintResult> {
  const src = fileSource(path);
  const r = await hintsFor(src);
  expectWellFormed(r.regions, src.size);
  // Headers only: a bounded number of bytes, never the whole of a large file.
  expect(r.bytesRead).toBeLessThanOrEqual(16 << 20);
  return r;
}

function skip(reason: string): void {
  console.log(`skipped: ${reason}`);
}

/** Files under `root` (a few levels deep) whose first bytes satisfy `test`. */
function findFiles(root: string, name: RegExp, test: (head: Buffer) => boolean, depth = 8, out: string[] = []): string[] {
  if (depth < 0 || !existsSync(root) || out.length >= 8) return out;
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(root, e.name);
    if (e.isDirectory()) findFiles(p, name, test, depth - 1, out);
    else if (e.isFile() && name.test(e.name)) {
      const head = Buffer.alloc(64);
      const fd = readFileSync(p).subarray(0, 64);
      fd.copy(head);
      if (test(head)) out.push(p);
    }
    if (out.length >= 8) break;
  }
  return out;
}

const ROOT = new URL('../../../', import.meta.url).pathname;
const isElf = (h: Buffer) => h.readUInt32BE(0) === 0x7f454c46;
const isPe = (h: Buffer) => h[0] === 0x4d && h[1] === 0x5a;
const isMacho = (h: Buffer) => [0xcffaedfe, 0xcefaedfe, 0xfeedfacf, 0xfeedface].includes(h.readUInt32BE(0));

// ---------------------------------------------------------------------------------------
// ELF against readelf

interface ReadelfSection {
  name: string;
  type: string;
  offset: number;
  size: number;
  flags: string;
}

function readelfSections(path: string): ReadelfSection[] {
  const out: ReadelfSection[] = [];
  for (const line of run('readelf', ['-S', '-W', path]).split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s/.exec(line);
    if (m && m[1] !== '0') out.push({ name: m[2]!, type: m[3]!, offset: parseInt(m[4]!, 16), size: parseInt(m[5]!, 16), flags: m[6]! });
  }
  return out;
}

/** readelf -h's Machine line, and the arch docs/HINTS.md gives it. */
const READELF_MACHINES: [RegExp, string][] = [
  [/X86-64/, 'x86-64'],
  [/80386/, 'x86'],
  [/AArch64/, 'arm64'],
  [/^ARM$/, 'arm'],
  [/PowerPC/, 'powerpc'],
  [/Sparc|SPARC/, 'sparc'],
  [/RISC-V/, 'riscv'],
  [/MIPS/, 'mips'],
  [/S\/390/, 's390'],
];

function readelfHeader(path: string): { arch: string; endian: string } {
  const h = run('readelf', ['-h', path]);
  const machine = /Machine:\s+(.*)/.exec(h)![1]!.trim();
  const arch = READELF_MACHINES.find(([re]) => re.test(machine))?.[1] ?? 'unknown';
  return { arch, endian: /little endian/.test(h) ? 'little' : 'big' };
}

function compareWithReadelf(path: string, r: HintResult): void {
  const sections = readelfSections(path);
  expect(sections.length).toBeGreaterThan(0);
  const byName = new Map(sections.map((s) => [s.name, s]));
  // Every piece is a section readelf lists, at the same place and size.
  for (const p of r.pieces) {
    const s = byName.get(p.name);
    expect(s, `${p.name} in readelf`).toBeDefined();
    expect([p.start, p.length], p.name).toEqual([s!.offset, s!.size]);
    expect(s!.type).not.toBe('NOBITS');
  }
  // Every executable section with bytes is code, with the machine's arch.
  const { arch, endian } = readelfHeader(path);
  for (const s of sections.filter((x) => x.flags.includes('X') && x.type !== 'NOBITS' && x.size > 0)) {
    const p = r.pieces.find((x) => x.name === s.name);
    expect(p, `${s.name} found`).toMatchObject({ kind: 'code', start: s.offset, length: s.size, arch, endian });
  }
  const text = sections.find((s) => s.name === '.text');
  if (text) expect(r.pieces.find((p) => p.name === '.text')).toMatchObject({ start: text.offset, length: text.size, kind: 'code' });
}

describe('real ELF files against readelf -S', () => {
  const haveReadelf = which('readelf') !== undefined;
  if (!haveReadelf) skip('readelf is not on PATH');
  const nodeAddons = findFiles(join(ROOT, 'node_modules'), /\.node$/, isElf).concat(findFiles(join(ROOT, 'native'), /\.node$/, isElf));
  const files: [string, string | undefined][] = [
    ['/usr/bin/perl', existsSync('/usr/bin/perl') ? '/usr/bin/perl' : undefined],
    ["node's own binary", isElf(readFileSync(process.execPath).subarray(0, 4)) ? process.execPath : undefined],
    ['a .node addon in node_modules', nodeAddons[0]],
    ['another .node addon', nodeAddons[1]],
  ];
  for (const [what, path] of files) {
    if (path === undefined) skip(`${what}: not found`);
    it.skipIf(!haveReadelf || path === undefined)(`${what} (${path})`, async () => {
      const r = await analyse(path!);
      expect(r.format).toBe('elf');
      compareWithReadelf(path!, r);
      // The section table and the name table, in a few reads.
      expect(r.reads).toBeLessThanOrEqual(8);
      expect(r.bytesRead).toBeLessThan(1 << 20);
    });
  }

  const haveMc = which('llvm-mc') !== undefined;
  if (!haveMc) skip('llvm-mc is not on PATH: no cross-architecture objects');
  it.skipIf(!haveReadelf || !haveMc)('objects assembled by llvm-mc for other machines: arch and byte order as readelf -h says', async () => {
    const triples = ['aarch64', 'aarch64_be', 'armv7', 'powerpc', 'powerpc64', 'powerpc64le', 'sparc', 'sparcv9', 'riscv64', 'riscv32', 'mips', 'mipsel', 's390x', 'i386', 'x86_64'];
    const src = join(tmp.dir, 'nop.s');
    writeFileSync(src, '.text\nnop\nnop\n.data\n.long 1\n.section .rodata\n.long 2\n');
    let n = 0;
    for (const t of triples) {
      const obj = join(tmp.dir, `nop-${t}.o`);
      try {
        run('llvm-mc', [`-triple=${t}`, '-filetype=obj', src, '-o', obj]);
      } catch {
        skip(`llvm-mc cannot assemble for ${t}`);
        continue;
      }
      const r = await analyse(obj);
      compareWithReadelf(obj, r);
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------
// PE against llvm-readobj

interface ReadobjSection {
  name: string;
  fields: Record<string, string>;
}

function readobjSections(path: string): { arch: string; sections: ReadobjSection[] } {
  const out = run('llvm-readobj', ['--sections', path]);
  const arch = /Arch: (\S+)/.exec(out)?.[1] ?? '';
  const sections: ReadobjSection[] = [];
  for (const block of out.split(/\n\s*Section \{\n/).slice(1)) {
    const fields: Record<string, string> = {};
    let list: string | undefined; // inside "Key [ (0x...)" ... "]": the flags' names and values
    for (const line of block.split('\n')) {
      if (list !== undefined) {
        if (/^\s*\]/.test(line)) list = undefined;
        else fields[list] += ' ' + line.trim();
        continue;
      }
      const l = /^\s*(\w+) \[ (.*)$/.exec(line);
      if (l && fields[l[1]!] === undefined) {
        fields[l[1]!] = l[2]!;
        list = l[1]!;
        continue;
      }
      const m = /^\s*(\w+): (.*)$/.exec(line);
      if (m && fields[m[1]!] === undefined) fields[m[1]!] = m[2]!;
    }
    sections.push({ name: (fields.Name ?? '').split(' ')[0]!, fields });
  }
  return { arch, sections };
}

const READOBJ_ARCH: Record<string, string> = { x86_64: 'x86-64', i386: 'x86', aarch64: 'arm64', arm: 'arm', thumb: 'armthumb', powerpc: 'powerpc' };

describe('real PE files against llvm-readobj --sections', () => {
  const have = which('llvm-readobj') !== undefined;
  if (!have) skip('llvm-readobj is not on PATH');
  // Prebuilt Windows addons in node_modules, and the launchers pip ships (x86, x86-64, ARM64).
  const launchers = [process.env.PYENV_ROOT ?? '/root/.pyenv', '/usr/lib/python3', '/usr/local/lib'].flatMap((d) =>
    findFiles(d, /^[tw](32|64|64-arm)\.exe$/, isPe, 9),
  );
  launchers.sort((a, b) => Number(b.includes('-arm')) - Number(a.includes('-arm')));
  const found = [...findFiles(join(ROOT, 'node_modules'), /\.(node|dll|exe)$/, isPe).slice(0, 4), ...launchers.slice(0, 4)];
  if (found.length === 0) skip('no PE files found (node_modules prebuilds, Python launchers)');
  for (const path of found) {
    it.skipIf(!have)(`${path}`, async () => {
      const r = await analyse(path);
      expect(r.format).toMatch(/^pe/);
      const { arch, sections } = readobjSections(path);
      expect(sections.length).toBeGreaterThan(0);
      let code = 0;
      for (const s of sections) {
        const raw = Number(s.fields.RawDataSize);
        const at = Number(s.fields.PointerToRawData);
        const chars = Number(/^\((0x[0-9A-Fa-f]+)\)/.exec(s.fields.Characteristics ?? '')?.[1] ?? NaN);
        expect(Number.isNaN(chars), `${s.name} characteristics`).toBe(false);
        const p = r.pieces.find((x) => x.name === s.name && x.start === at);
        if ((chars & 0x20) !== 0 && raw > 0) {
          expect(p, s.name).toMatchObject({ kind: 'code', length: raw, arch: READOBJ_ARCH[arch] });
          code++;
        }
        if (s.name === '.rdata' && raw > 0) expect(p?.kind).toBe('rodata');
        if (s.name === '.reloc' && raw > 0) expect(p?.kind).toBe('relocations');
        if (p) expect(p.length).toBe(raw);
      }
      expect(code).toBeGreaterThan(0);
      // Every section piece matches a section llvm-readobj lists.
      for (const p of r.pieces.filter((x) => !/relocations$|^COFF /.test(x.name))) {
        expect(sections.some((s) => s.name === p.name && Number(s.fields.PointerToRawData) === p.start), p.name).toBe(true);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------
// Mach-O against llvm-readobj, fat files made by llvm-lipo

function checkMachoSlice(thin: string, r: HintResult, base: number, prefix: string): void {
  const { arch, sections } = readobjSections(thin);
  expect(sections.length).toBeGreaterThan(0);
  let code = 0;
  for (const s of sections) {
    const seg = (s.fields.Segment ?? '').split(' ')[0];
    const name = `${prefix}${seg},${s.name}`;
    const p = r.pieces.find((x) => x.name === name);
    const size = Number(s.fields.Size);
    const offset = Number(s.fields.Offset);
    const zerofill = /ZeroFill/i.test(s.fields.Type ?? '');
    if (zerofill || size === 0) {
      expect(p, name).toBeUndefined();
      continue;
    }
    if (/PureInstructions|SomeInstructions/.test(s.fields.Attributes ?? '')) {
      expect(p, name).toMatchObject({ kind: 'code', arch: READOBJ_ARCH[arch] });
      code++;
    }
    if (s.name === '__cstring') expect(p?.kind, name).toBe('strings');
    if (p) expect([p.start, p.length], name).toEqual([base + offset, size]);
  }
  expect(code).toBeGreaterThan(0);
}

describe('real Mach-O files against llvm-readobj --sections', () => {
  const have = which('llvm-readobj') !== undefined;
  if (!have) skip('llvm-readobj is not on PATH');
  const found = findFiles(join(ROOT, 'node_modules'), /\.(node|dylib)$/, isMacho).slice(0, 4);
  if (found.length === 0) skip('no Mach-O files found in node_modules');
  for (const path of found) {
    it.skipIf(!have)(path, async () => {
      const r = await analyse(path);
      expect(r.format).toBe('macho');
      checkMachoSlice(path, r, 0, '');
    });
  }

  const lipo = which('llvm-lipo') ?? which('llvm-lipo-14');
  if (!lipo) skip('llvm-lipo is not on PATH: no real fat file');
  const archs = new Map<string, string>();
  for (const p of found) {
    const a = readobjSections(p).arch;
    if (!archs.has(a)) archs.set(a, p);
  }
  it.skipIf(!have || !lipo || archs.size < 2)('a fat file llvm-lipo made of two of them: each slice where llvm-objdump says', async () => {
    const slices = [...archs.values()].slice(0, 2);
    const fatPath = join(tmp.dir, 'universal.node');
    run(lipo!, ['-create', ...slices, '-output', fatPath]);
    const r = await analyse(fatPath);
    expect(r.format).toBe('fat');
    const headers = run('llvm-objdump', ['--macho', '--universal-headers', fatPath]);
    const offsets = [...headers.matchAll(/^\s*offset (\d+)/gm)].map((m) => Number(m[1]));
    const cputypes = [...headers.matchAll(/^\s*cputype (\S+)/gm)].map((m) => m[1]!);
    expect(offsets.length).toBe(2);
    for (let i = 0; i < 2; i++) {
      const thin = slices.find((s) => {
        const a = readobjSections(s).arch;
        return (a === 'x86_64' && cputypes[i] === 'CPU_TYPE_X86_64') || (a === 'aarch64' && cputypes[i] === 'CPU_TYPE_ARM64');
      })!;
      checkMachoSlice(thin, r, offsets[i]!, `slice ${i}: `);
    }
  });
});

// ---------------------------------------------------------------------------------------
// ZIP, PNG and whole-file compressors

describe('containers made by real tools', () => {
  const zipTool = which('zip');
  if (!zipTool) skip('zip is not on PATH');
  it.skipIf(!zipTool)('zip: each deflated entry is its local record, whose data inflates to the file; each stored one is its file', async () => {
    const dir = join(tmp.dir, 'zipsrc');
    execFileSync('mkdir', ['-p', dir]);
    const files: Record<string, Buffer> = {
      'a.txt': Buffer.from('hello zip\n'.repeat(500)),
      'b.js': Buffer.from('export const x = 1;\n'.repeat(300)),
      'c.bin': Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255)),
    };
    for (const [n, b] of Object.entries(files)) writeFileSync(join(dir, n), b);
    const deflated = join(tmp.dir, 'deflated.zip');
    const stored = join(tmp.dir, 'stored.zip');
    execFileSync(zipTool!, ['-q', '-X', deflated, 'a.txt', 'b.js'], { cwd: dir });
    execFileSync(zipTool!, ['-q', '-X', '-0', stored, 'a.txt', 'c.bin'], { cwd: dir });
    const d = await analyse(deflated);
    const bytes = readFileSync(deflated);
    expect(d.pieces.map((p) => p.name).sort()).toEqual(['a.txt', 'b.js']);
    for (const p of d.pieces) {
      // A local record: it starts with a local header, ends where the next record (or the
      // central directory) starts, and the data after the header inflates to the file.
      expect(p.kind).toBe('compressed');
      expect(bytes.readUInt32LE(p.start)).toBe(0x04034b50);
      expect([0x04034b50, 0x02014b50]).toContain(bytes.readUInt32LE(p.start + p.length));
      const dataAt = p.start + 30 + bytes.readUInt16LE(p.start + 26) + bytes.readUInt16LE(p.start + 28);
      expect(inflateRawSync(bytes.subarray(dataAt, p.start + p.length)).equals(files[p.name]!)).toBe(true);
    }
    const s = await analyse(stored);
    const sb = readFileSync(stored);
    const kinds = Object.fromEntries(s.pieces.map((p) => [p.name, p.kind]));
    expect(kinds).toEqual({ 'a.txt: text': 'text', 'c.bin': 'data' });
    for (const p of s.pieces) {
      const name = p.name.replace(/: text$/, '');
      expect(sb.subarray(p.start, p.start + p.length).equals(files[name]!)).toBe(true);
    }
  });

  const pngs = findFiles('/usr/share', /\.png$/, (h) => h.readUInt32BE(0) === 0x89504e47, 6).slice(0, 2);
  if (pngs.length === 0) skip('no PNG files under /usr/share');
  for (const path of pngs) {
    it(`PNG ${path}: the IDAT pieces, concatenated, are one zlib stream`, async () => {
      const r = await analyse(path);
      const b = readFileSync(path);
      const idat = Buffer.concat(r.pieces.filter((p) => p.name === 'IDAT').map((p) => b.subarray(p.start, p.start + p.length)));
      expect(idat.length).toBeGreaterThan(0);
      expect(() => inflateSync(idat)).not.toThrow();
    });
  }

  const tools: [string, string[]][] = [
    ['gzip', ['-k', '-f']],
    ['xz', ['-k', '-f']],
    ['zstd', ['-q', '-f']],
    ['bzip2', ['-k', '-f']],
  ];
  for (const [tool, args] of tools) {
    const have = which(tool);
    if (!have) skip(`${tool} is not on PATH`);
    it.skipIf(!have)(`${tool}: the whole file is compressed`, async () => {
      const input = join(tmp.dir, `data-${tool}.txt`);
      writeFileSync(input, 'compress me '.repeat(2000));
      run(tool, [...args, input]);
      const ext = { gzip: 'gz', xz: 'xz', zstd: 'zst', bzip2: 'bz2' }[tool];
      const out = `${input}.${ext}`;
      const r = await analyse(out);
      expect(r.regions).toEqual([{ start: 0, length: statSync(out).size, kind: 'compressed' }]);
    });
  }
});

// ---------------------------------------------------------------------------------------
// Time

describe('time taken', () => {
  /** The median of 15 analyses through a source that opens the file for each read, as the compiler's input does. */
  async function median(path: string): Promise<{ ms: number; first: number; r: HintResult }> {
    const times: number[] = [];
    let r: HintResult | undefined;
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      r = await hintsFor(fileSource(path));
      times.push(performance.now() - t0);
    }
    const first = times[0]!;
    times.sort((a, b) => a - b);
    return { ms: times[7]!, first, r: r! };
  }

  const big = join(tmp.dir, 'big.elf');
  const bigElf = () => {
    const f = fx.elf({
      bits: 64,
      little: true,
      machine: 62,
      sections: [
        { name: '.text', type: fx.SHT.PROGBITS, flags: fx.SHF.ALLOC | fx.SHF.EXECINSTR, data: fx.filler(8 << 20, 1) },
        { name: '.rodata', type: fx.SHT.PROGBITS, flags: fx.SHF.ALLOC, data: fx.filler(2 << 20, 2) },
      ],
    });
    writeFileSync(big, f.bytes);
    return big;
  };
  const real10 = ['/usr/bin/gdb', '/usr/bin/ctest', '/usr/bin/cpack'].find((p) => existsSync(p) && statSync(p).size >= 10e6 && isElf(readFileSync(p).subarray(0, 4)));
  const cases: [string, () => string | undefined][] = [
    ['/usr/bin/perl', () => (existsSync('/usr/bin/perl') ? '/usr/bin/perl' : undefined)],
    ['a generated 10 MB ELF', bigElf],
    [`a real ELF of 10 MB or more (${real10 ?? 'none found'})`, () => real10],
    ["node's own binary", () => process.execPath],
  ];
  for (const [what, make] of cases) {
    it(`${what}: a few reads of headers, well under 2 s`, async (ctx) => {
      const path = make();
      if (path === undefined) {
        skip(`${what}: not found`);
        ctx.skip();
        return;
      }
      const { ms, first, r } = await median(path);
      console.log(`${what}: ${statSync(path).size} bytes, median ${ms.toFixed(2)} ms (first ${first.toFixed(2)} ms), ${r.reads} reads, ${r.bytesRead} bytes read, ${r.regions.length} regions`);
      expect(ms).toBeLessThan(2000);
      expect(r.reads).toBeLessThanOrEqual(8);
      expect(r.bytesRead).toBeLessThan(256 << 10);
    });
  }
});

/**
 * Each format on fixtures built by fixtures/llvm-hints/binaries.mjs: the pieces found are
 * exactly the sections, entries and chunks the fixture placed, with the kind docs/HINTS.md
 * gives them, and the regions cover them and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { hintsForBytes, type HintResult } from '../../../plugins/llvm-hints/index.js';
// @ts-expect-error: a JavaScript module without declarations
import * as fx from '../../../fixtures/llvm-hints/binaries.mjs';
import { asPlaced, byOffset, expectCoverage, expectWellFormed, kindAt, type Placed } from './support.js';

interface Fixture {
  bytes: Uint8Array;
  placed: Placed[];
}

async function check(f: Fixture, format: string): Promise<HintResult> {
  const r = await hintsForBytes(f.bytes);
  expect(r.format).toBe(format);
  expect(r.notes).toEqual([]);
  expect(asPlaced(r.pieces)).toEqual([...f.placed].sort(byOffset));
  expectWellFormed(r.regions, f.bytes.length);
  expectCoverage(r.regions, f.placed, f.bytes.length);
  return r;
}

const codeArch = (r: HintResult) => [...new Set(r.regions.filter((x) => x.kind === 'code').map((x) => `${x.arch}/${x.endian}`))];

describe('ELF', () => {
  it('ELF32 big-endian PowerPC: every section kind, .bss takes no bytes', async () => {
    const r = await check(fx.elf32be(), 'elf');
    expect(codeArch(r)).toEqual(['powerpc/big']);
    expect(r.regions.filter((x) => x.kind !== 'code').every((x) => x.arch === undefined && x.endian === undefined)).toBe(true);
  });

  it('ELF64 little-endian x86-64: names, SHF_EXECINSTR, SHF_COMPRESSED, NOBITS', async () => {
    const f = fx.elf64le();
    const r = await check(f, 'elf');
    expect(codeArch(r)).toEqual(['x86-64/little']);
    // .init, .plt, .text, my_code and .fini are adjacent but for alignment padding: one region each or merged, all code.
    const my = f.placed.find((p: Placed) => p.name === 'my_code')!;
    expect(kindAt(r.regions, my.offset)).toBe('code');
  });

  it('without section headers, PT_LOAD segments: R+X code, R+W data, R rodata; PT_NOTE ignored', async () => {
    const r = await check(fx.elf64Segments(), 'elf');
    expect(codeArch(r)).toEqual(['arm64/little']);
  });

  it('e_machine to arch, for each machine the brief names', async () => {
    // ELF machine numbers from the System V ABI, and the arch docs/HINTS.md gives them.
    const table: [number, string, number?][] = [
      [62, 'x86-64'],
      [3, 'x86'],
      [183, 'arm64'],
      [40, 'arm', 0x8000],
      [40, 'armthumb', 0x8001],
      [20, 'powerpc'],
      [21, 'powerpc'],
      [2, 'sparc'],
      [43, 'sparc'],
      [50, 'ia64'],
      [243, 'riscv'],
      [8, 'mips'],
      [258, 'loongarch'],
      [22, 's390'],
      [4242, 'unknown'],
    ];
    for (const [machine, arch, entry] of table) {
      for (const little of [true, false]) {
        const f = fx.elf({
          bits: 64,
          little,
          machine,
          entry,
          sections: [{ name: '.text', type: fx.SHT.PROGBITS, flags: fx.SHF.ALLOC | fx.SHF.EXECINSTR, data: fx.filler(64, machine), kind: 'code' }],
        });
        const r = await hintsForBytes(f.bytes);
        expect(r.regions.find((x) => x.kind === 'code'), `machine ${machine}`).toMatchObject({ arch, endian: little ? 'little' : 'big' });
      }
    }
  });

  it('extended numbering: e_shnum 0 and e_shstrndx SHN_XINDEX, the real values in section 0', async () => {
    const f = fx.elf32be();
    const b = new Uint8Array(f.bytes);
    const dv = new DataView(b.buffer);
    const shnum = dv.getUint16(48, false);
    const shstrndx = dv.getUint16(50, false);
    dv.setUint16(48, 0, false);
    dv.setUint16(50, 0xffff, false);
    dv.setUint32(f.shoff + 20, shnum, false); // section 0 sh_size
    dv.setUint32(f.shoff + 24, shstrndx, false); // section 0 sh_link
    const r = await hintsForBytes(b);
    expect(asPlaced(r.pieces)).toEqual([...f.placed].sort(byOffset));
  });
});

describe('PE/COFF', () => {
  it('PE32+ x86-64: code, .rdata and .pdata rodata, data, .reloc, no bytes for .bss', async () => {
    const r = await check(fx.pe32plus(), 'pe32+');
    expect(codeArch(r)).toEqual(['x86-64/little']);
  });

  it('PE32 i386', async () => {
    const r = await check(fx.pe32(), 'pe32');
    expect(codeArch(r)).toEqual(['x86/little']);
  });

  it('machine type to arch', async () => {
    // IMAGE_FILE_MACHINE_* values from the PE format specification.
    const table: [number, string][] = [
      [0x8664, 'x86-64'],
      [0x14c, 'x86'],
      [0xaa64, 'arm64'],
      [0x1c0, 'arm'],
      [0x1c4, 'armthumb'],
      [0x200, 'ia64'],
      [0x1f0, 'powerpc'],
      [0x5064, 'riscv'],
      [0x9999, 'unknown'],
    ];
    for (const [machine, arch] of table) {
      const f = fx.pe({ plus: true, machine, sections: [{ name: '.text', characteristics: fx.SCN.CODE | fx.SCN.EXEC, size: 100, kind: 'code' }] });
      const r = await hintsForBytes(f.bytes);
      expect(r.regions.find((x) => x.kind === 'code'), machine.toString(16)).toMatchObject({ arch, endian: 'little' });
    }
  });

  it('an MZ file without a PE header is not PE', async () => {
    const b = new Uint8Array(256);
    b[0] = 0x4d;
    b[1] = 0x5a;
    b[0x3c] = 0x80;
    const r = await hintsForBytes(b);
    expect(r.regions).toEqual([]);
  });
});

describe('Mach-O', () => {
  it('64-bit little-endian arm64: __text and __stubs code, __cstring, __const, __DATA, LC_SYMTAB; zero-fill skipped', async () => {
    const r = await check(fx.macho64(), 'macho');
    expect(codeArch(r)).toEqual(['arm64/little']);
  });

  it('32-bit big-endian PowerPC', async () => {
    const r = await check(fx.macho32be(), 'macho');
    expect(codeArch(r)).toEqual(['powerpc/big']);
  });

  it('fat: each slice, at its place in the file', async () => {
    const r = await check(fx.fatMacho(), 'fat');
    expect(codeArch(r).sort()).toEqual(['powerpc/big', 'x86-64/little']);
  });

  it('fat64 headers', async () => {
    const a = fx.macho64(fx.CPU.ARM64);
    const f = fx.fat([{ cputype: fx.CPU.ARM64, ...a }], true);
    await check(f, 'fat');
  });

  it('a Java class file (same magic as fat, a version where the slice count would be) is not fat', async () => {
    const b = new Uint8Array(64);
    b.set([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]);
    const r = await hintsForBytes(b);
    expect(r.format).not.toBe('fat');
    expect(r.regions).toEqual([]);
  });

  it('cputype to arch', async () => {
    // CPU_TYPE_* from mach/machine.h.
    const table: [number, number, string][] = [
      [0x01000007, 3, 'x86-64'],
      [7, 3, 'x86'],
      [0x0100000c, 0, 'arm64'],
      [12, 6, 'arm'],
      [12, 9, 'armthumb'],
      [18, 0, 'powerpc'],
    ];
    for (const [cputype, cpusubtype, arch] of table) {
      const f = fx.macho({
        bits: 64,
        little: true,
        cputype,
        cpusubtype,
        segments: [{ segname: '__TEXT', sections: [{ sectname: '__text', flags: 0x80000400, size: 64, kind: 'code' }] }],
      });
      const r = await hintsForBytes(f.bytes);
      expect(r.regions.find((x) => x.kind === 'code')?.arch, cputype.toString(16)).toBe(arch);
    }
  });
});

describe('containers and compressed files', () => {
  it('ZIP: deflated data compressed, stored text text, stored binary data, a stored PNG its IDAT chunks', async () => {
    await check(fx.zipMixed(true), 'zip');
  });

  it('ZIP without a central directory: the local headers, walked while sizes are known', async () => {
    const f = fx.zipMixed(false);
    const r = await hintsForBytes(f.bytes);
    expect(r.format).toBe('zip');
    // The walk stops at the entry whose size only its data descriptor gives.
    const streamed = f.placed.findIndex((p: Placed) => p.name === 'streamed.txt');
    const before = f.placed.slice(0, streamed);
    expect(asPlaced(r.pieces)).toEqual(before.sort(byOffset));
    expect(r.notes.join()).toMatch(/size given only after its data/);
  });

  it('PNG: IDAT chunk data', async () => {
    await check(fx.png(), 'png');
  });

  it('JPEG: the entropy-coded scan up to EOI', async () => {
    await check(fx.jpeg(), 'jpeg');
  });

  it('gzip (node:zlib): the whole file', async () => {
    await check(fx.gzip(), 'gzip');
  });

  it('xz, zstd, bzip2, 7z by their magic bytes: the whole file', async () => {
    const magics: [string, number[]][] = [
      ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
      ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
      ['bzip2', [0x42, 0x5a, 0x68, 0x39]],
      ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
    ];
    for (const [format, m] of magics) {
      const b = fx.filler(1000, 7);
      b.set(m);
      const r = await hintsForBytes(b);
      expect(r.format).toBe(format);
      expect(r.regions).toEqual([{ start: 0, length: 1000, kind: 'compressed' }]);
    }
  });

  it('text: UTF-8 prose and code; not binary, not Latin-1 with controls', async () => {
    await check(fx.textFile(), 'text');
    const binary = fx.filler(5000, 9);
    expect((await hintsForBytes(binary)).regions).toEqual([]);
    const withNul = new TextEncoder().encode('hello world\0'.repeat(100));
    expect((await hintsForBytes(withNul)).regions).toEqual([]);
    const latin1 = Uint8Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 0xe9 : 0x61));
    expect((await hintsForBytes(latin1)).regions).toEqual([]);
    expect((await hintsForBytes(new TextEncoder().encode('plain text'), { text: false })).regions).toEqual([]);
  });

  it('empty and tiny inputs give no regions', async () => {
    for (const n of [0, 1, 3, 15]) expect((await hintsForBytes(new Uint8Array(n).fill(0x7f))).regions).toEqual([]);
  });
});

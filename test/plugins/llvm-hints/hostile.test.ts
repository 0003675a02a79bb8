/**
 * Hostile headers: offsets past the end, sizes that overflow, overlapping sections, absurd
 * counts, load-command loops, zero-length commands. Never an exception, a hang, a read
 * past the input's end or over the budget; always sane regions. Then thousands of random
 * mutations of the fixtures' headers per run, within a time bound.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, hintsFor, type ByteSource, type HintResult, type Limits } from '../../../plugins/llvm-hints/index.js';
// @ts-expect-error: a JavaScript module without declarations
import * as fx from '../../../fixtures/llvm-hints/binaries.mjs';
import { prng } from '../../helpers/tmp.js';
import { expectWellFormed } from './support.js';

/** A source over bytes that fails any read outside them and records what was read. */
function strictSource(bytes: Uint8Array): ByteSource & { bytesRead: number; reads: number } {
  const s = {
    size: bytes.length,
    bytesRead: 0,
    reads: 0,
    async read(position: number, length: number): Promise<Uint8Array> {
      if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || position + length > bytes.length) {
        throw new Error(`read outside the input: ${position}+${length} of ${bytes.length}`);
      }
      s.bytesRead += length;
      s.reads++;
      return bytes.slice(position, position + length);
    },
  };
  return s;
}

/** Analyses `bytes` and checks every invariant the plugin promises. */
async function sane(bytes: Uint8Array, limits: Partial<Limits> = {}): Promise<HintResult> {
  const src = strictSource(bytes);
  const r = await hintsFor(src, limits);
  expectWellFormed(r.regions, bytes.length);
  const l = { ...DEFAULT_LIMITS, ...limits };
  expect(src.bytesRead).toBeLessThanOrEqual(l.maxBytes);
  expect(src.reads).toBeLessThanOrEqual(l.maxReads);
  expect(r.bytesRead).toBe(src.bytesRead);
  expect(r.regions.length).toBeLessThanOrEqual(l.maxRegions);
  for (const x of r.regions) if (x.kind !== 'code') expect(x.arch).toBeUndefined();
  return r;
}

const copy = (b: Uint8Array) => new Uint8Array(b);
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('hostile ELF headers', () => {
  it('e_shnum = 65535 in a tiny file: the entries that fit, no reads past the end', async () => {
    for (const [size, note] of [
      [64, /unusable/],
      [128, /claims 65535 entries, the file holds 1/],
    ] as const) {
      const b = new Uint8Array(size);
      b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
      const dv = view(b);
      dv.setBigUint64(40, size === 64 ? 48n : 64n, true); // e_shoff inside the file
      dv.setUint16(58, 64, true);
      dv.setUint16(60, 65535, true);
      dv.setUint16(62, 65534, true);
      const r = await sane(b);
      expect(r.regions).toEqual([]);
      expect(r.notes.join()).toMatch(note);
    }
  });

  it('section table past the end of the file: falls back to the program headers', async () => {
    const f = fx.elf64le();
    const b = copy(f.bytes);
    view(b).setBigUint64(40, BigInt(b.length + 4096), true);
    const r = await sane(b);
    // The two PT_LOAD segments cover .text (R+X) and .data (R+W).
    const text = f.placed.find((p: { name: string }) => p.name === '.text');
    expect(r.regions.find((x) => x.start === text.offset)).toMatchObject({ kind: 'code', length: text.size });
  });

  it('sections past the end, sizes of 2^32-1 and 2^64-1, offsets of 2^63: clipped or dropped', async () => {
    const f = fx.elf64le();
    const b = copy(f.bytes);
    const dv = view(b);
    const sh = (i: number) => f.shoff + i * 64;
    dv.setBigUint64(sh(1) + 24, BigInt(b.length + 10), true); // .interp offset past the end
    dv.setBigUint64(sh(2) + 32, 0xffffffffn, true); // .dynsym size 4 GiB
    dv.setBigUint64(sh(3) + 32, 0xffffffffffffffffn, true); // .dynstr size 2^64-1
    dv.setBigUint64(sh(4) + 24, 1n << 63n, true); // .rela.dyn offset 2^63
    const r = await sane(b);
    const dynsym = f.placed.find((p: { name: string }) => p.name === '.dynsym');
    // .dynsym runs to the end of the file, under whatever follows it.
    expect(r.regions.some((x) => x.start === dynsym.offset && x.kind === 'symbols')).toBe(true);
  });

  it('overlapping sections: the shorter one wins where they overlap', async () => {
    const f = fx.elf32be();
    const b = copy(f.bytes);
    const dv = view(b);
    // .text (section 1) made to run over .rodata and .data.
    const text = f.placed.find((p: { name: string }) => p.name === '.text');
    const data = f.placed.find((p: { name: string }) => p.name === '.data');
    dv.setUint32(f.shoff + 40 + 20, data.offset + data.size - text.offset, false);
    const r = await sane(b);
    const rodata = f.placed.find((p: { name: string }) => p.name === '.rodata');
    const at = (pos: number) => r.regions.find((x) => pos >= x.start && pos < x.start + x.length)?.kind;
    expect(at(text.offset)).toBe('code');
    expect(at(rodata.offset)).toBe('rodata');
    expect(at(data.offset)).toBe('data');
    expect(at(rodata.offset + rodata.size + 4)).toBe('code'); // the padding between them
  });

  it('e_shstrndx out of range, an unterminated name table, e_shentsize too small, PN_XNUM', async () => {
    const f = fx.elf64le();
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => view(b).setUint16(62, 60000, true),
      (b) => b.fill(0x41, f.placed.find((p: { name: string }) => p.name === '.strtab').offset, b.length),
      (b) => view(b).setUint16(58, 12, true),
      (b) => view(b).setUint16(56, 0xffff, true),
    ];
    for (const mutate of cases) {
      const b = copy(f.bytes);
      mutate(b);
      await sane(b);
    }
  });

  it('a truncated header, a wrong class, a wrong data encoding', async () => {
    const f = fx.elf64le();
    await sane(f.bytes.subarray(0, 20));
    for (const [at, v] of [
      [4, 0],
      [4, 3],
      [5, 0],
      [5, 9],
    ]) {
      const b = copy(f.bytes);
      b[at!] = v!;
      await sane(b);
    }
  });
});

describe('hostile PE headers', () => {
  const f = () => fx.pe32plus();
  const lfanew = 0x80;
  it('e_lfanew past the end, or 2^32-1', async () => {
    for (const v of [0xffffffff, 1 << 30, f().bytes.length - 2]) {
      const b = copy(f().bytes);
      view(b).setUint32(0x3c, v, true);
      const r = await sane(b);
      expect(r.regions.every((x) => x.kind !== 'code')).toBe(true);
    }
  });

  it('NumberOfSections 65535, SizeOfOptionalHeader 65535, raw data past the end or 4 GiB long', async () => {
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => view(b).setUint16(lfanew + 6, 65535, true),
      (b) => view(b).setUint16(lfanew + 20, 65535, true),
      (b) => view(b).setUint32(lfanew + 24 + 240 + 20, 0xfffffff0, true), // .text PointerToRawData
      (b) => view(b).setUint32(lfanew + 24 + 240 + 16, 0xffffffff, true), // .text SizeOfRawData
      (b) => {
        view(b).setUint32(lfanew + 12, b.length - 8, true); // symbol table at the end
        view(b).setUint32(lfanew + 16, 0x7fffffff, true); // with 2^31 symbols
      },
      (b) => b.set(new TextEncoder().encode('/9999999'), lfanew + 24 + 240),
    ];
    for (const mutate of cases) {
      const b = copy(f().bytes);
      mutate(b);
      await sane(b);
    }
  });
});

describe('hostile Mach-O headers', () => {
  it('a zero-length load command (a walk that would never advance)', async () => {
    const m = fx.macho64();
    const b = copy(m.bytes);
    view(b).setUint32(m.hdr + 4, 0, true); // first command's cmdsize
    const r = await sane(b);
    expect(r.notes.join()).toMatch(/impossible size 0/);
  });

  it('ncmds and sizeofcmds of 2^32-1, cmdsize past sizeofcmds, nsects of 2^32-1', async () => {
    const m = fx.macho64();
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => view(b).setUint32(16, 0xffffffff, true),
      (b) => view(b).setUint32(20, 0xffffffff, true),
      (b) => {
        view(b).setUint32(16, 0xffffffff, true);
        view(b).setUint32(20, 0xffffffff, true);
      },
      (b) => view(b).setUint32(m.hdr + 4, 0xfffffff8, true),
      (b) => view(b).setUint32(m.hdr + 72 + 64, 0xffffffff, true), // __TEXT nsects
      (b) => view(b).setUint32(m.hdr + 4, 9, true), // cmdsize not a multiple of 4
    ];
    for (const mutate of cases) {
      const b = copy(m.bytes);
      mutate(b);
      await sane(b);
    }
  });

  it('many tiny load commands: cut at maxLoadCommands', async () => {
    const n = 100_000;
    const b = new Uint8Array(32 + n * 8);
    const dv = view(b);
    dv.setUint32(0, 0xfeedfacf, true);
    dv.setUint32(4, 0x01000007, true);
    dv.setUint32(16, n, true);
    dv.setUint32(20, n * 8, true);
    for (let i = 0; i < n; i++) {
      dv.setUint32(32 + i * 8, 0x2a, true);
      dv.setUint32(32 + i * 8 + 4, 8, true);
    }
    const r = await sane(b);
    expect(r.notes.join()).toMatch(/maxLoadCommands/);
  });

  it('fat slices past the end, overlapping, or pointing at the fat header itself', async () => {
    const f = fx.fatMacho();
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => view(b).setUint32(8 + 8, 0xfffffff0, false),
      (b) => view(b).setUint32(8 + 12, 0xffffffff, false),
      (b) => view(b).setUint32(8 + 20 + 8, f.slices[0].offset, false), // both slices at one place
      (b) => view(b).setUint32(8 + 8, 0, false), // a slice that is the fat file
      (b) => view(b).setUint32(4, 30, false), // 30 slices claimed, 2 there
    ];
    for (const mutate of cases) {
      const b = copy(f.bytes);
      mutate(b);
      await sane(b);
    }
  });
});

describe('hostile containers', () => {
  it('ZIP: entry counts, directory offsets and sizes out of range', async () => {
    const z = fx.zipMixed(true);
    const end = z.bytes.length - 22;
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => view(b).setUint16(end + 10, 65535, true),
      (b) => view(b).setUint32(end + 16, 0xfffffff0, true),
      (b) => view(b).setUint32(end + 12, 0xffffffff, true),
      (b) => {
        // ZIP64 markers with no ZIP64 record.
        view(b).setUint32(end + 16, 0xffffffff, true);
        view(b).setUint16(end + 10, 0xffff, true);
      },
      (b) => {
        // Every central entry's local header offset and size made absurd.
        for (let i = 0; i + 46 < b.length; i++) {
          if (view(b).getUint32(i, true) === 0x02014b50) {
            view(b).setUint32(i + 42, 0xfffffff0, true);
            view(b).setUint32(i + 20, 0xffffffff, true);
          }
        }
      },
    ];
    for (const mutate of cases) {
      const b = copy(z.bytes);
      mutate(b);
      await sane(b);
    }
  });

  it('ZIP: stored entries nested deeper than maxDepth are data', async () => {
    let inner: Uint8Array = fx.zip([{ name: 'leaf.txt', data: new TextEncoder().encode('leaf text\n'.repeat(50)), method: 0 }]).bytes;
    for (let d = 0; d < 6; d++) inner = fx.zip([{ name: `level${d}.zip`, data: inner, method: 0 }]).bytes;
    const r = await sane(inner);
    expect(r.regions.map((x) => x.kind)).toEqual(['data']);
  });

  it('PNG: a chunk length of 2^31-1, a chunk walk that reaches the end, millions of empty chunks cut at maxEntries', async () => {
    const p = fx.png();
    const b = copy(p.bytes);
    view(b).setUint32(8, 0x7fffffff, false);
    await sane(b);
    // 200k empty tEXt-like chunks: cut at the entry limit, within the read budget.
    const n = 200_000;
    const many = new Uint8Array(8 + n * 12);
    many.set(p.bytes.subarray(0, 8));
    for (let i = 0; i < n; i++) many.set([0, 0, 0, 0, 0x74, 0x45, 0x58, 0x74], 8 + i * 12);
    const r = await sane(many);
    expect(r.notes.length).toBeGreaterThan(0);
  });

  it('JPEG: a million fill bytes, a segment length of 0, no end-of-image marker', async () => {
    const fill = new Uint8Array(1 << 20).fill(0xff);
    fill.set([0xff, 0xd8, 0xff]);
    await sane(fill);
    const j = fx.jpeg();
    const b = copy(j.bytes);
    view(b).setUint16(4, 0, false);
    await sane(b);
    const noEnd = j.bytes.subarray(0, j.bytes.length - 2);
    const r = await sane(noEnd);
    expect(r.regions.at(-1)).toMatchObject({ kind: 'compressed' });
    expect(r.regions.at(-1)!.start + r.regions.at(-1)!.length).toBe(noEnd.length);
  });
});

describe('bounded work', () => {
  it('a read budget smaller than the tables: partial hints, never more than the budget', async () => {
    for (const maxBytes of [0, 1, 4096, 8192]) {
      for (const make of [fx.elf64le, fx.zipMixed, fx.png, fx.fatMacho]) {
        const r = await sane(make().bytes, { maxBytes });
        expect(r.bytesRead).toBeLessThanOrEqual(maxBytes);
      }
    }
    for (const maxReads of [0, 1, 2]) await sane(fx.zipMixed().bytes, { maxReads });
  });

  it('maxSections and maxRegions cut the work and the output', async () => {
    const r = await sane(fx.elf64le().bytes, { maxSections: 3 });
    expect(r.pieces.length).toBeLessThanOrEqual(3);
    const s = await sane(fx.elf64le().bytes, { maxRegions: 2 });
    expect(s.regions.length).toBe(2);
  });

  it('a huge ELF section table in a large file: bounded by maxSections and the budget', async () => {
    // 100k section headers, all pointing at one byte: 6.4 MB of table.
    const n = 100_000;
    const b = new Uint8Array(64 + n * 64);
    b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    const dv = view(b);
    dv.setBigUint64(40, 64n, true);
    dv.setUint16(58, 64, true);
    dv.setUint16(60, 0, true); // extended numbering: the count in section 0
    dv.setBigUint64(64 + 32, BigInt(n), true);
    for (let i = 1; i < n; i++) {
      dv.setUint32(64 + i * 64 + 4, 1, true);
      dv.setBigUint64(64 + i * 64 + 8, 6n, true); // SHF_ALLOC | SHF_EXECINSTR
      dv.setBigUint64(64 + i * 64 + 24, BigInt(i * 64), true);
      dv.setBigUint64(64 + i * 64 + 32, 64n, true);
    }
    const t0 = performance.now();
    const r = await sane(b);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.notes.join()).toMatch(/maxSections/);
  });
});

/** Random mutations of a valid file's header bytes (its first and last KiB). */
function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  const b = copy(base);
  const dv = view(b);
  const hot = () => {
    const head = Math.min(1024, b.length);
    const r = rand() % (2 * head);
    return r < head ? r : Math.max(0, b.length - 1 - (r - head));
  };
  const extremes = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, b.length, b.length - 1, b.length + 1, b.length >>> 1];
  const value = () => (rand() & 1 ? extremes[rand() % extremes.length]! : rand());
  const edits = 1 + (rand() % 4);
  for (let e = 0; e < edits; e++) {
    const at = hot();
    switch (rand() % 6) {
      case 0:
        b[at] = rand() & 255;
        break;
      case 1:
        b[at] ^= 1 << (rand() & 7);
        break;
      case 2:
        if (at + 2 <= b.length) dv.setUint16(at & ~1, value() & 0xffff, (rand() & 1) === 0);
        break;
      case 3:
        if ((at & ~3) + 4 <= b.length) dv.setUint32(at & ~3, value() >>> 0, (rand() & 1) === 0);
        break;
      case 4:
        if ((at & ~7) + 8 <= b.length) dv.setBigUint64(at & ~7, (BigInt(value() >>> 0) << 32n) | BigInt(rand() >>> 0), (rand() & 1) === 0);
        break;
      case 5:
        return b.subarray(0, rand() % (b.length + 1)); // truncated
    }
  }
  return b;
}

describe('generated inputs', () => {
  const FIXTURES: [string, () => { bytes: Uint8Array }][] = [
    ['ELF32 BE', fx.elf32be],
    ['ELF64 LE', fx.elf64le],
    ['ELF segments', fx.elf64Segments],
    ['PE32+', fx.pe32plus],
    ['PE32', fx.pe32],
    ['Mach-O 64', () => fx.macho64()],
    ['Mach-O 32 BE', fx.macho32be],
    ['fat', fx.fatMacho],
    ['ZIP', () => fx.zipMixed(true)],
    ['ZIP without directory', () => fx.zipMixed(false)],
    ['PNG', () => fx.png()],
    ['JPEG', fx.jpeg],
  ];
  // PFSC_FUZZ_LONG=1 runs 5,000 a fixture (60,000 in all) instead of 400.
  const PER_FIXTURE = Number(process.env.PFSC_FUZZ_LONG ? 5000 : 400);
  const BOUND_MS = Math.max(10_000, PER_FIXTURE * 5);

  for (const [name, make] of FIXTURES) {
    it(`${PER_FIXTURE} mutations of ${name}: sane regions, bounded reads, under ${BOUND_MS / 1000} s`, async () => {
      const base = make().bytes;
      const rand = prng(0x5eed ^ name.length ^ base.length);
      const t0 = performance.now();
      let withRegions = 0;
      for (let i = 0; i < PER_FIXTURE; i++) {
        const b = mutate(base, rand);
        const src = strictSource(b);
        let r: HintResult;
        try {
          r = await hintsFor(src);
        } catch (e) {
          throw new Error(`mutation ${i} of ${name} threw: ${(e as Error).stack}`);
        }
        expectWellFormed(r.regions, b.length);
        expect(src.bytesRead).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBytes);
        if (r.regions.length > 0) withRegions++;
      }
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(BOUND_MS);
      // Most mutations leave something to find: the test exercises the parsers, not just the sniffing.
      expect(withRegions).toBeGreaterThan(PER_FIXTURE / 4);
    });
  }

  it('random bytes after each magic: never an exception', async () => {
    const rand = prng(42);
    const magics = [
      [0x7f, 0x45, 0x4c, 0x46, 1, 2],
      [0x7f, 0x45, 0x4c, 0x46, 2, 1],
      [0x4d, 0x5a],
      [0xcf, 0xfa, 0xed, 0xfe],
      [0xfe, 0xed, 0xfa, 0xce],
      [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2],
      [0x50, 0x4b, 3, 4],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0xff, 0xd8, 0xff],
    ];
    for (let i = 0; i < 2000; i++) {
      const n = rand() % 2048;
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k++) b[k] = rand() & 255;
      // Small values are likelier to land inside the file.
      for (let k = 0; k + 4 <= n; k += 4) if ((rand() & 3) === 0) view(b).setUint32(k, rand() % (n + 64), (rand() & 1) === 0);
      b.set(magics[i % magics.length]!.slice(0, n));
      await sane(b);
    }
  });
});

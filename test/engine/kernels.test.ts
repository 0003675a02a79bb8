/**
 * Parity of the kernels: the same cases on the JS twins and on the native addon at every
 * SIMD level, each checked against a plain reference written here (and published values).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FNV64_OFFSET, FNV64_PRIME } from '../../src/engine/index.js';
import { hashAt } from '../../src/engine/js/kgram-hash.js';
import { mulberry32 } from '../helpers/random.js';
import { OFFSETS, SIZES, restoreSimd, variants } from './support.js';

const VARIANTS = variants();
afterAll(restoreSimd);

function randomBytes(rand: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** Data kinds: random, one repeated byte, few distinct bytes, and a ramp. */
function datasets(n: number, seed: number): [string, Uint8Array][] {
  const rand = mulberry32(seed);
  const few = new Uint8Array(n).map(() => [0, 0x7f, 0x80, 0xff][Math.floor(rand() * 4)]!);
  return [
    ['random', randomBytes(rand, n)],
    ['zeros', new Uint8Array(n)],
    ['0xff', new Uint8Array(n).fill(0xff)],
    ['few', few],
    ['ramp', new Uint8Array(n).map((_, i) => i & 255)],
  ];
}

/** bytes placed at `offset` inside a larger buffer with guard bytes after it. */
function placed(bytes: Uint8Array, offset: number): { view: Uint8Array; backing: Uint8Array } {
  const backing = new Uint8Array(offset + bytes.length + 9).fill(0xa5);
  backing.set(bytes, offset);
  return { view: backing.subarray(offset, offset + bytes.length), backing };
}

function crcReference(crc: number, bytes: Uint8Array): number {
  let c = ~crc >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

function fnvReference(state: bigint, bytes: Uint8Array): bigint {
  let h = BigInt.asUintN(64, state);
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * FNV64_PRIME);
  return h;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Checks a table against its definition, written out here: entry e is the k-gram at
 * e * step while one fits, bucket hashAt(seq, e * step, k, shift); each bucket lists its
 * entries in increasing order, and the buckets' starts frame them.
 */
function expectTableDefinition(seq: Uint8Array, k: number, step: number, bits: number, shift: number, t: { start: Int32Array; entries: Int32Array; check: Uint8Array; bloom: Uint16Array }, where: string): void {
  const n = seq.length < k ? 0 : Math.floor((seq.length - k) / step) + 1;
  const buckets: number[][] = Array.from({ length: 2 ** bits }, () => []);
  // The check byte: bits shift-8 .. shift-1 of the full hash, zeros below bit 0.
  const checks = new Map<number, number>();
  for (let e = 0; e < n; e++) {
    const full = hashAt(seq, e * step, k, 0);
    buckets[Math.floor(full / 2 ** shift)]!.push(e);
    checks.set(e, Math.floor((full * 256) / 2 ** shift) % 256);
  }
  expect(t.start.length, `start length ${where}`).toBe(2 ** bits + 1);
  expect(t.entries.length, `entries ${where}`).toBe(n);
  expect(t.bloom.length, `bloom length ${where}`).toBe(2 ** bits);
  let at = 0;
  for (let h = 0; h < buckets.length; h++) {
    if (t.start[h] !== at) throw new Error(`start[${h}] ${t.start[h]}, want ${at} (${where})`);
    // The bucket's halfword: bit c % 16 for each check byte c of its entries, nothing else.
    let bloom = 0;
    for (const e of buckets[h]!) {
      if (t.entries[at] !== e) throw new Error(`entries[${at}] ${t.entries[at]}, want ${e} (${where})`);
      if (t.check[at] !== checks.get(e)) throw new Error(`check[${at}] ${t.check[at]}, want ${checks.get(e)} (${where})`);
      bloom |= 2 ** (checks.get(e)! % 16);
      at++;
    }
    if (t.bloom[h] !== bloom) throw new Error(`bloom[${h}] ${t.bloom[h]}, want ${bloom} (${where})`);
  }
  expect(t.start[buckets.length], `last start ${where}`).toBe(n);
}

describe.each(VARIANTS.map((v) => [v.name, v] as const))('%s kernels', (_name, v) => {
  const k = v.kernels;

  it('xorInPlace and addInPlace transform exactly the range, at every size and alignment', () => {
    v.use();
    for (const n of SIZES) {
      for (const [kind, data] of datasets(n, n + 1)) {
        for (const off of OFFSETS) {
          for (const imm of [0, 1, 0x7f, 0x80, 0xff, 0x1234]) {
            for (const [fn, ref] of [
              [k.xorInPlace, (b: number) => b ^ (imm & 255)],
              [k.addInPlace, (b: number) => (b + imm) & 255],
            ] as const) {
              const { view, backing } = placed(data, off);
              const before = backing.slice();
              fn(view, 0, n, imm);
              for (let i = 0; i < backing.length; i++) {
                const inRange = i >= off && i < off + n;
                const want = inRange ? ref(before[i]!) : before[i]!;
                if (backing[i] !== want) throw new Error(`${fn.name} ${kind} n=${n} off=${off} imm=${imm}: byte ${i} is ${backing[i]}, want ${want}`);
              }
            }
          }
        }
      }
    }
  });

  it('xorInPlace and addInPlace leave bytes outside [start, end) alone', () => {
    v.use();
    const rand = mulberry32(5);
    const data = randomBytes(rand, 300);
    for (const [start, end] of [[0, 0], [3, 3], [5, 6], [7, 100], [1, 299], [250, 300]] as const) {
      const x = data.slice();
      k.xorInPlace(x, start, end, 0x5a);
      const y = data.slice();
      k.addInPlace(y, start, end, 200);
      for (let i = 0; i < data.length; i++) {
        const inRange = i >= start && i < end;
        expect(x[i]).toBe(inRange ? data[i]! ^ 0x5a : data[i]);
        expect(y[i]).toBe(inRange ? (data[i]! + 200) & 255 : data[i]);
      }
    }
  });

  it('countEq counts at every size, alignment and edge value', () => {
    v.use();
    for (const n of SIZES) {
      for (const [kind, data] of datasets(n, 7 * n + 3)) {
        for (const off of OFFSETS) {
          const { view } = placed(data, off);
          for (const value of [0, 1, 0x7f, 0x80, 0xff, data[0] ?? 0, 0x100 + 0x7f, -1]) {
            let want = 0;
            for (const b of data) if (b === (value & 255)) want++;
            const got = k.countEq(view, 0, n, value);
            if (got !== want) throw new Error(`countEq ${kind} n=${n} off=${off} value=${value}: ${got}, want ${want}`);
          }
        }
      }
    }
    // Long runs of one byte overflow any 8-bit lane counter that is not flushed in time.
    const long = new Uint8Array(200_000).fill(9);
    expect(k.countEq(long, 0, long.length, 9)).toBe(200_000);
    expect(k.countEq(long, 3, long.length - 1, 9)).toBe(199_996);
  });

  it('crc32c gives the published check values', () => {
    v.use();
    expect(k.crc32c(0, text('123456789'), 0, 9)).toBe(0xe3069283);
    expect(k.crc32c(0, new Uint8Array(0), 0, 0)).toBe(0);
    // RFC 3720 (iSCSI), B.4
    expect(k.crc32c(0, new Uint8Array(32), 0, 32)).toBe(0x8a9136aa);
    expect(k.crc32c(0, new Uint8Array(32).fill(0xff), 0, 32)).toBe(0x62a8ab43);
    expect(k.crc32c(0, new Uint8Array(32).map((_, i) => i), 0, 32)).toBe(0x46dd794e);
    expect(k.crc32c(0, new Uint8Array(32).map((_, i) => 31 - i), 0, 32)).toBe(0x113fdb5c);
  });

  it('crc32c matches a bitwise CRC at every size and alignment, and chains', () => {
    v.use();
    // Past 768 and 24576 bytes the hardware path runs three interleaved streams.
    for (const n of [...SIZES, 3 * 256, 3 * 256 + 1, 3 * 8192 + 5, 65536 + 7]) {
      for (const [kind, data] of datasets(n, 11 * n + 1)) {
        if (n > 5000 && kind !== 'random') continue;
        const want = crcReference(0, data);
        for (const off of n > 5000 ? [0, 3] : OFFSETS) {
          const { view } = placed(data, off);
          const got = k.crc32c(0, view, 0, n);
          if (got !== want) throw new Error(`crc32c ${kind} n=${n} off=${off}: ${got.toString(16)}, want ${want.toString(16)}`);
        }
        const cut = Math.floor(n / 3);
        expect(k.crc32c(k.crc32c(0, data, 0, cut), data, cut, n)).toBe(want);
        expect(k.crc32c(0x12345678, data, 0, n)).toBe(crcReference(0x12345678, data));
      }
    }
  });

  it('crc32cCombine joins CRCs of consecutive parts', () => {
    v.use();
    const data = randomBytes(mulberry32(3), 5000);
    for (const cut of [0, 1, 7, 64, 1000, 4999, 5000]) {
      const a = k.crc32c(0, data, 0, cut);
      const b = k.crc32c(0, data, cut, data.length);
      expect(k.crc32cCombine(a, b, data.length - cut)).toBe(crcReference(0, data));
    }
    // Zero bytes appended: the CRC of zeros is a known function of the length only.
    const big = 3 * 2 ** 33 + 5; // past 32 bits
    expect(k.crc32cCombine(0, 0, big)).toBe(0);
    const z = new Uint8Array(1 << 16);
    expect(k.crc32cCombine(k.crc32c(0, data, 0, 100), k.crc32c(0, z, 0, z.length), z.length)).toBe(
      k.crc32c(k.crc32c(0, data, 0, 100), z, 0, z.length),
    );
  });

  it('fnv1a64 gives the published test vectors', () => {
    v.use();
    const fnv = (s: string): bigint => k.fnv1a64(FNV64_OFFSET, text(s), 0, text(s).length);
    expect(fnv('')).toBe(0xcbf29ce484222325n);
    expect(fnv('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv('foobar')).toBe(0x85944171f73967e8n);
    expect(fnv('chongo was here!\n')).toBe(0x46810940eff5f915n);
  });

  it('fnv1a64 matches a BigInt reference at every size and alignment, and chains', () => {
    v.use();
    for (const n of SIZES) {
      for (const [kind, data] of datasets(n, 13 * n + 5)) {
        const want = fnvReference(FNV64_OFFSET, data);
        for (const off of OFFSETS) {
          const { view } = placed(data, off);
          const got = k.fnv1a64(FNV64_OFFSET, view, 0, n);
          if (got !== want) throw new Error(`fnv1a64 ${kind} n=${n} off=${off}: ${got.toString(16)}, want ${want.toString(16)}`);
        }
        const cut = n >> 1;
        expect(k.fnv1a64(k.fnv1a64(FNV64_OFFSET, data, 0, cut), data, cut, n)).toBe(want);
      }
    }
    // States at the edges of 64 bits, and beyond them (only the low 64 bits count).
    const d = text('edge');
    for (const s of [0n, 1n, 0xffffffffn, 0x100000000n, 2n ** 64n - 1n, 2n ** 64n + 5n, -1n]) {
      expect(k.fnv1a64(s, d, 0, d.length)).toBe(fnvReference(s, d));
      expect(k.fnv1a64(s, d, 0, 0)).toBe(BigInt.asUintN(64, s));
    }
  });

  it('matchForward and matchBackward find the first difference at every size and alignment', () => {
    v.use();
    const rand = mulberry32(17);
    for (const n of SIZES) {
      const a = randomBytes(rand, n);
      for (const diff of [...new Set([0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, n >> 1, n - 1, n])].filter((d) => d >= 0 && d <= n)) {
        const b = a.slice();
        if (diff < n) b[diff] = b[diff]! ^ 0x10;
        for (const offA of [0, 1, 3, 7]) {
          for (const offB of [0, 2, 5]) {
            const pa = placed(a, offA).view;
            const pb = placed(b, offB).view;
            for (const max of [n, n + 10, diff, Math.max(0, diff - 1), 5, 0]) {
              const fwd = k.matchForward(pa, 0, pb, 0, max);
              const wantF = Math.min(diff, max, n);
              if (fwd !== wantF) throw new Error(`matchForward n=${n} diff=${diff} max=${max} offs ${offA}/${offB}: ${fwd}, want ${wantF}`);
              // Backward from the end: the difference is n - 1 - diff bytes back.
              const back = k.matchBackward(pa, n, pb, n, max);
              const wantB = Math.min(diff < n ? n - 1 - diff : n, max, n);
              if (back !== wantB) throw new Error(`matchBackward n=${n} diff=${diff} max=${max} offs ${offA}/${offB}: ${back}, want ${wantB}`);
            }
          }
        }
      }
    }
  });

  it('matchForward and matchBackward clamp max to what both arrays hold', () => {
    v.use();
    const a = new Uint8Array(100).fill(1);
    const b = new Uint8Array(40).fill(1);
    expect(k.matchForward(a, 10, b, 5, 1000)).toBe(35);
    expect(k.matchForward(a, 100, b, 0, 1000)).toBe(0);
    expect(k.matchForward(a, 0, b, 0, -3)).toBe(0);
    expect(k.matchForward(a, 0, b, 0, 7.9)).toBe(7);
    expect(k.matchForward(a, 0, b, 0, Number.NaN)).toBe(40);
    expect(k.matchBackward(a, 90, b, 30, 1000)).toBe(30);
    expect(k.matchBackward(a, 0, b, 30, 1000)).toBe(0);
    expect(k.matchBackward(a, 90, b, 30, 12)).toBe(12);
  });

  it('executeCopy copies and transforms, also within one buffer', () => {
    v.use();
    const rand = mulberry32(23);
    for (const n of SIZES) {
      const src = randomBytes(rand, n + 8);
      for (const op of [1, 2, 3]) {
        for (const imm of [0, 0x80, 0xff, 0x13]) {
          const f = (b: number): number => (op === 2 ? b ^ imm : op === 3 ? (b + imm) & 255 : b);
          // Output starts across a 64-byte line: the kernels align their stores to it.
          for (const [so, oo] of [[0, 0], [1, 3], [7, 2], [5, 29], [3, 45], [2, 63]] as const) {
            const out = new Uint8Array(n + 80).fill(0x3c);
            k.executeCopy(out, oo, src, so, n, op, imm);
            for (let i = 0; i < out.length; i++) {
              const want = i >= oo && i < oo + n ? f(src[so + i - oo]!) : 0x3c;
              if (out[i] !== want) throw new Error(`executeCopy op=${op} imm=${imm} n=${n} offs ${so}/${oo}: byte ${i}`);
            }
          }
          // Within one buffer: a copy from earlier output (no overlap), and overlapping both ways.
          for (const [from, to] of [[0, n + 3], [5, 2], [2, 5], [4, 4]] as const) {
            const buf = new Uint8Array(2 * n + 16);
            buf.set(src);
            const before = buf.slice();
            k.executeCopy(buf, to, buf, from, n, op, imm);
            const want = before.slice();
            for (let i = 0; i < n; i++) want[to + i] = f(before[from + i]!);
            expect(Buffer.compare(buf, want), `same buffer op=${op} n=${n} ${from}->${to}`).toBe(0);
          }
        }
      }
    }
  });

  it('buildKgramTable gives the same table on random and repetitive data', async () => {
    v.use();
    const rand = mulberry32(29);
    const inputs: [string, Uint8Array][] = [
      ['random', randomBytes(rand, 20_000)],
      ['repetitive', new Uint8Array(20_000).map((_, i) => (i % 37 < 30 ? 7 : i & 255))],
      ['short', randomBytes(rand, 9)],
      ['empty', new Uint8Array(0)],
    ];
    const js = VARIANTS[0]!.kernels;
    for (const [kind, seq] of inputs) {
      for (const kk of [8, 16]) {
        for (const step of [1, 2, 8, 16]) {
          for (const [bits, shift] of [[10, undefined], [12, undefined], [16, 20], [14, 18]] as const) {
            const want = js.buildKgramTable(seq, kk, step, bits, shift);
            const got = k.buildKgramTable(seq, kk, step, bits, shift);
            const where = `${kind} k=${kk} step=${step} bits=${bits} shift=${shift}`;
            if (v === VARIANTS[0]) expectTableDefinition(seq, kk, step, bits, shift ?? 32 - bits, want, where);
            expect(Buffer.compare(new Uint8Array(got.start.buffer), new Uint8Array(want.start.buffer)), `start ${where}`).toBe(0);
            expect(Buffer.compare(new Uint8Array(got.entries.buffer), new Uint8Array(want.entries.buffer)), `entries ${where}`).toBe(0);
            expect(Buffer.compare(got.check, want.check), `check ${where}`).toBe(0);
            expect(Buffer.compare(new Uint8Array(got.bloom.buffer, got.bloom.byteOffset, got.bloom.byteLength), new Uint8Array(want.bloom.buffer, want.bloom.byteOffset, want.bloom.byteLength)), `bloom ${where}`).toBe(0);
          }
        }
      }
      const a = await k.buildKgramTableAsync(seq, 8, 1, 12);
      const w = js.buildKgramTable(seq, 8, 1, 12);
      expect([...a.start]).toEqual([...w.start]);
      expect([...a.entries]).toEqual([...w.entries]);
      expect([...a.check]).toEqual([...w.check]);
      expect([...a.bloom]).toEqual([...w.bloom]);
    }
  });

  it('buildKgramTable gives the same table on inputs large enough for two threads, chained partitions and every lane width', async () => {
    v.use();
    const rand = mulberry32(31);
    // Large first, then smaller: a later build reuses the earlier one's scratch, stale bytes and all.
    const inputs: [string, Uint8Array][] = [
      ['random', randomBytes(rand, 400_003)],
      // One bucket holds nearly every entry: its partition outgrows the local sort buffer.
      ['zeros', new Uint8Array(300_001)],
      ['runs', new Uint8Array(150_007).map((_, i) => (i % 4099 < 4000 ? 0x41 : Math.floor(rand() * 256)))],
      ['small random', randomBytes(rand, 70_001)],
    ];
    const js = VARIANTS[0]!.kernels;
    for (const [kind, seq] of inputs) {
      for (const kk of [8, 16]) {
        for (const step of [1, 2, 3, 4, 5, 7, 8, 9, 16]) {
          const n = Math.floor((seq.length - kk) / step) + 1;
          const bits = Math.max(10, Math.ceil(Math.log2(n / 4)));
          const want = js.buildKgramTable(seq, kk, step, bits);
          const where = `${kind} k=${kk} step=${step} bits=${bits}`;
          const builds = [
            ['sync', k.buildKgramTable(seq, kk, step, bits)],
            ['async', await k.buildKgramTableAsync(seq, kk, step, bits)],
            ['async on one thread', await k.buildKgramTableAsync(seq, kk, step, bits, 32 - bits, 1)],
          ] as const;
          for (const [how, got] of builds) {
            expect(Buffer.compare(new Uint8Array(got.start.buffer), new Uint8Array(want.start.buffer)), `start ${where} ${how}`).toBe(0);
            expect(Buffer.compare(new Uint8Array(got.entries.buffer), new Uint8Array(want.entries.buffer)), `entries ${where} ${how}`).toBe(0);
            expect(Buffer.compare(got.check, want.check), `check ${where} ${how}`).toBe(0);
            expect([...got.bloom].every((x, i) => x === want.bloom[i]) && got.bloom.length === want.bloom.length, `bloom ${where} ${how}`).toBe(true);
          }
        }
      }
    }
  });

  it('xorDeltas and addDeltas match the byte definitions at every size and alignment', () => {
    v.use();
    for (const n of SIZES) {
      for (const [kind, data] of datasets(n, 19 * n + 7)) {
        for (const off of OFFSETS) {
          const { view } = placed(data, off);
          for (const [s, e] of [[0, n], [Math.min(1, n), n], [0, Math.max(0, n - 3)]] as const) {
            const x = k.xorDeltas(view, s, e);
            const a = k.addDeltas(view, s, e);
            const len = Math.max(0, e - s - 1);
            expect(x.length).toBe(len);
            expect(a.length).toBe(len);
            for (let i = 0; i < len; i++) {
              const xw = data[s + i]! ^ data[s + i + 1]!;
              const aw = (data[s + i + 1]! - data[s + i]!) & 255;
              if (x[i] !== xw || a[i] !== aw) throw new Error(`deltas ${kind} n=${n} off=${off} [${s}, ${e}) at ${i}: ${x[i]}/${a[i]}, want ${xw}/${aw}`);
            }
          }
        }
      }
    }
  });

  it('mapFile gives the file bytes, an empty file, and fs-style errors', () => {
    v.use();
    const dir = mkdtempSync(join(tmpdir(), 'pfsc-map-'));
    try {
      const data = randomBytes(mulberry32(31), 70_001);
      writeFileSync(join(dir, 'f.bin'), data);
      writeFileSync(join(dir, 'empty.bin'), new Uint8Array(0));
      const m = k.mapFile(join(dir, 'f.bin'));
      expect(m).toBeInstanceOf(ArrayBuffer);
      expect(Buffer.compare(new Uint8Array(m), data)).toBe(0);
      expect(k.mapFile(join(dir, 'empty.bin')).byteLength).toBe(0);
      expect(() => k.mapFile(join(dir, 'missing.bin'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => k.mapFile(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('readFile gives the bytes and SHA-256 of files around its 1 MiB chunks, and coded errors', async () => {
    v.use();
    const dir = mkdtempSync(join(tmpdir(), 'pfsc-read-'));
    try {
      const rand = mulberry32(37);
      for (const n of [0, 1, 15, 64, 4097, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5]) {
        const data = randomBytes(rand, n);
        const file = join(dir, `f${n}.bin`);
        writeFileSync(file, data);
        const got = await k.readFile(file, n);
        expect(Buffer.compare(got.bytes, data), `bytes of ${n}`).toBe(0);
        expect(Buffer.from(got.sha256).toString('hex'), `sha256 of ${n}`).toBe(createHash('sha256').update(data).digest('hex'));
      }
      // Published value: SHA-256("abc").
      writeFileSync(join(dir, 'abc'), 'abc');
      expect(Buffer.from((await k.readFile(join(dir, 'abc'), 3)).sha256).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      await expect(k.readFile(join(dir, 'missing.bin'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(k.readFile(dir, 10)).rejects.toMatchObject({ code: 'ENOTREG' });
      await expect(k.readFile(join(dir, 'abc'), 2)).rejects.toMatchObject({ code: 'EFBIG' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allocBytes gives zero-filled arrays of every size, small and huge-page sized', () => {
    v.use();
    for (const n of [0, 1, 4095, 4096, (2 << 20) - 1, 2 << 20, (2 << 20) + 1, 9_000_001]) {
      const a = k.allocBytes(n);
      expect(a).toBeInstanceOf(Uint8Array);
      expect(a.length).toBe(n);
      expect(a.findIndex((b) => b !== 0), `allocBytes(${n}) has a nonzero byte`).toBe(-1);
      if (n > 0) {
        a[n - 1] = 7;
        expect(a[n - 1]).toBe(7);
      }
    }
    expect(() => k.allocBytes(-1)).toThrow(RangeError);
  });

  it('addDiff adds differences mod 256 at every size and alignment, also within one buffer', () => {
    v.use();
    const rand = mulberry32(31);
    for (const n of SIZES) {
      for (const off of OFFSETS) {
        const diff = randomBytes(rand, n + off);
        // The output's start moves across a 64-byte line too (the kernels align their stores to it).
        const at = 3 + ((off * 9) % 64);
        const base = randomBytes(rand, n + 84);
        const out = base.slice();
        k.addDiff(out, at, diff, off, n);
        for (let i = 0; i < out.length; i++) {
          const want = i >= at && i < at + n ? (base[i]! + diff[off + i - at]!) % 256 : base[i]!;
          if (out[i] !== want) throw new Error(`addDiff n=${n} off=${off}: byte ${i} is ${out[i]}, want ${want}`);
        }
      }
      // Overlapping ranges of one buffer: the differences are read as they were.
      for (const [at, from] of [[0, 2], [2, 0], [5, 5]] as const) {
        const buf = randomBytes(rand, n + 8);
        const before = buf.slice();
        k.addDiff(buf, at, buf, from, n);
        for (let i = 0; i < n; i++) {
          const want = (before[at + i]! + before[from + i]!) % 256;
          if (buf[at + i] !== want) throw new Error(`addDiff in place n=${n} ${from}->${at}: byte ${i}`);
        }
      }
    }
    const b = new Uint8Array(10);
    expect(() => k.addDiff(b, 5, b, 0, 6)).toThrow(RangeError);
    expect(() => k.addDiff(b, 0, b, 6, 5)).toThrow(RangeError);
    expect(() => k.addDiff(b, 0, b, 0, -1)).toThrow(RangeError);
  });

  it('refuses ranges outside the array with a RangeError, touching nothing', () => {
    v.use();
    const b = new Uint8Array(10).fill(4);
    for (const [s, e] of [[-1, 3], [0, 11], [5, 4], [1.5, 3], [0, Number.NaN]] as const) {
      expect(() => k.xorInPlace(b, s, e, 1)).toThrow(RangeError);
      expect(() => k.addInPlace(b, s, e, 1)).toThrow(RangeError);
      expect(() => k.countEq(b, s, e, 1)).toThrow(RangeError);
      expect(() => k.crc32c(0, b, s, e)).toThrow(RangeError);
      expect(() => k.fnv1a64(0n, b, s, e)).toThrow(RangeError);
      expect(() => k.xorDeltas(b, s, e)).toThrow(RangeError);
      expect(() => k.addDeltas(b, s, e)).toThrow(RangeError);
    }
    expect([...b]).toEqual(new Array(10).fill(4));
    expect(() => k.matchForward(b, 11, b, 0, 1)).toThrow(RangeError);
    expect(() => k.matchBackward(b, 0, b, -1, 1)).toThrow(RangeError);
    expect(() => k.executeCopy(b, 8, b, 0, 3, 1, 0)).toThrow(RangeError);
    expect(() => k.executeCopy(b, 0, b, 8, 3, 1, 0)).toThrow(RangeError);
    expect(() => k.executeCopy(b, 0, b, 0, 3, 4, 0)).toThrow(RangeError);
    expect(() => k.executeCopy(b, 0, b, 0, -1, 1, 0)).toThrow(RangeError);
    expect(() => k.crc32cCombine(0, 0, -1)).toThrow(RangeError);
    expect(() => k.buildKgramTable(b, 9, 1, 10)).toThrow(RangeError);
    expect(() => k.buildKgramTable(b, 8, 0, 10)).toThrow(RangeError);
    expect(() => k.buildKgramTable(b, 8, 1, 10, 21)).toThrow(RangeError);
    return expect(k.buildKgramTableAsync(b, 8, 1, 31)).rejects.toThrow(RangeError);
  });
});

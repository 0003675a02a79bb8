/**
 * Each generator against bytes worked out by hand from docs/MANIFEST.md, not from the code
 * under test: a change to a generator's bytes shows up here before it reaches a Blob_ID.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PfscError } from '../../src/errors.js';
import {
  defaultRegistry,
  generateBank,
  isMaximalLfsr,
  randomBankKey,
  validateManifest,
  type BankParams,
  type BankSpec,
} from '../../src/blob/index.js';

const registry = defaultRegistry();

function bank(kind: string, size: number, params: BankParams, name = 'b'): Uint8Array {
  const spec: BankSpec = { name, kind, version: 1, size, params };
  registry.get(kind).validate(params, size);
  return generateBank(spec, 'seed-1', registry);
}

const hex = (s: string) => [...Buffer.from(s.replace(/\s+/g, ''), 'hex')];
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

describe('const', () => {
  it('makes runs of each byte value', () => {
    expect([...bank('const', 8, { run: 3 })]).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
  });
  it('wraps after 0xff', () => {
    const b = bank('const', 258, { run: 1 });
    expect(b[255]).toBe(255);
    expect([b[256], b[257]]).toEqual([0, 1]);
  });
});

describe('ramp', () => {
  it('bytes with strides 1 and 255 (downwards), cycled', () => {
    expect([...bank('ramp', 10, { width: 1, segment: 4, strides: '1,255' })]).toEqual([0, 1, 2, 3, 0, 255, 254, 253, 0, 1]);
  });
  it('16-bit little-endian words', () => {
    expect([...bank('ramp', 8, { width: 2, segment: 4, strides: '1,65535' })]).toEqual(hex('0000 0100 0000 ffff'));
  });
  it('32-bit words wrap modulo 2^32', () => {
    expect([...bank('ramp', 12, { width: 4, segment: 12, strides: '2147483648' })]).toEqual(hex('00000000 00000080 00000000'));
    expect([...bank('ramp', 8, { width: 4, segment: 8, strides: '4294967295' })]).toEqual(hex('00000000 ffffffff'));
  });
});

describe('gray', () => {
  it('8-bit: 0,1,3,2,6,7,5,4 and wraps at 256', () => {
    const b = bank('gray', 260, { width: 1 });
    expect([...b.subarray(0, 8)]).toEqual([0, 1, 3, 2, 6, 7, 5, 4]);
    expect(b[255]).toBe(0x80); // g(255) = 255 ^ 127
    expect([...b.subarray(256, 260)]).toEqual([0, 1, 3, 2]);
  });
  it('16-bit little-endian words', () => {
    const b = bank('gray', 514, { width: 2 });
    expect([...b.subarray(0, 8)]).toEqual(hex('0000 0100 0300 0200'));
    expect([...b.subarray(512, 514)]).toEqual(hex('8001')); // g(256) = 0x180
  });
  it('32-bit words, cut mid-word at the end of the bank', () => {
    expect([...bank('gray', 11, { width: 4 })]).toEqual(hex('00000000 01000000 030000'));
  });
});

describe('lfsr', () => {
  it('degree 3, mask 6: the 7-bit cycle 1011100, first bit in the low bit', () => {
    // states 1,6,3,7,5,4,2 output 1,0,1,1,1,0,0; bytes 1011100 1 and 011100 10 (LSB first)
    expect([...bank('lfsr', 2, { taps: '6', tile: 2 })]).toEqual([0x9d, 0x4e]);
  });
  it('tiles per mask, each from state 1, cycled', () => {
    // mask 3 (degree 2): bits 1,1,0 repeating -> 11011011 LSB first = 0xdb
    expect([...bank('lfsr', 3, { taps: '3,6', tile: 1 })]).toEqual([0xdb, 0x9d, 0xdb]);
  });
  it('accepts only maximal-length masks', () => {
    // brute force over all masks of degree 2..10
    for (let m = 3; m < 1024; m++) {
      const n = 32 - Math.clz32(m);
      let s = 1;
      let period = 0;
      do {
        s = (s >>> 1) ^ (s & 1 ? m : 0);
        period++;
      } while (s !== 1 && period <= 1 << n);
      expect(isMaximalLfsr(m), `mask ${m.toString(16)}`).toBe(period === 2 ** n - 1);
    }
    // and over seeded masks of degree 14..20, by running each register round its cycle
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let t = 0; t < 40; t++) {
      const n = 14 + (t % 7);
      const m = ((1 << (n - 1)) | (next() & ((1 << (n - 1)) - 1))) >>> 0;
      let s = 1;
      let period = 0;
      do {
        s = (s >>> 1) ^ (s & 1 ? m : 0);
        period++;
      } while (s !== 1 && period <= 2 ** n);
      expect(isMaximalLfsr(m), `mask ${m.toString(16)}`).toBe(period === 2 ** n - 1);
    }
    for (const m of [0xb8, 0xd008, 0xe10000, 0x80200003]) expect(isMaximalLfsr(m)).toBe(true);
    expect(isMaximalLfsr(0x80000000)).toBe(false);
    expect(() => bank('lfsr', 4, { taps: '4', tile: 4 })).toThrow(/not a maximal-length/);
  });
});

describe('debruijn', () => {
  it('B(2,3) = 00010111', () => {
    expect([...bank('debruijn', 8, { k: 2, n: 3, offset: 0 })]).toEqual([0, 0, 0, 1, 0, 1, 1, 1]);
    expect([...bank('debruijn', 8, { k: 2, n: 3, offset: 48 })]).toEqual(ascii('00010111'));
  });
  it('B(3,2) = 001021122 (Lyndon words 0 01 02 1 12 2) and B(2,4) = 0000100110101111', () => {
    expect([...bank('debruijn', 9, { k: 3, n: 2, offset: 48 })]).toEqual(ascii('001021122'));
    expect([...bank('debruijn', 16, { k: 2, n: 4, offset: 48 })]).toEqual(ascii('0000100110101111'));
  });
  it('repeats cyclically past k^n', () => {
    expect([...bank('debruijn', 11, { k: 2, n: 3, offset: 48 })]).toEqual(ascii('00010111000'));
  });
  it('B(256,2): 65536 bytes holding every byte pair once, cyclically', () => {
    const b = bank('debruijn', 65536, { k: 256, n: 2, offset: 0 });
    expect([...b.subarray(0, 6)]).toEqual([0, 0, 1, 0, 2, 0]); // 0, 01, 02, ...
    const seen = new Uint8Array(65536);
    for (let i = 0; i < 65536; i++) seen[(b[i] as number) * 256 + (b[(i + 1) % 65536] as number)]++;
    expect(seen.every((c) => c === 1)).toBe(true);
  });
});

describe('random', () => {
  it('is AES-128 of the block counter under a key from seed and bank name', () => {
    const got = bank('random', 40, {}, 'tail');
    const key = createHash('sha256').update('pfsc-random-v1\nseed-1\ntail').digest().subarray(0, 16);
    expect(randomBankKey('seed-1', 'tail')).toEqual(key);
    // Independent of CTR mode: encrypt the counter blocks 0, 1, 2 with ECB.
    const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    const blocks = Buffer.alloc(48);
    blocks[15] = 0;
    blocks[31] = 1;
    blocks[47] = 2;
    const want = ecb.update(blocks);
    expect(Buffer.from(got)).toEqual(want.subarray(0, 40));
  });
  it('depends on the seed and the bank name', () => {
    const a = bank('random', 32, {}, 'tail');
    expect(Buffer.from(generateBank({ name: 'tail2', kind: 'random', version: 1, size: 32, params: {} }, 'seed-1'))).not.toEqual(Buffer.from(a));
    expect(Buffer.from(generateBank({ name: 'tail', kind: 'random', version: 1, size: 32, params: {} }, 'seed-2'))).not.toEqual(Buffer.from(a));
  });
  it('a long bank is one continuous keystream', () => {
    const long = bank('random', (1 << 17) + 5, {}, 'tail');
    const key = randomBankKey('seed-1', 'tail');
    const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    const block = Buffer.alloc(16);
    block.writeUInt32BE((1 << 17) / 16, 12);
    expect(Buffer.from(long.subarray(1 << 17))).toEqual(ecb.update(block).subarray(0, 5));
  });
});

describe('parameter checks', () => {
  const cases: [string, BankParams, RegExp][] = [
    ['const', {}, /params\.run is missing/],
    ['const', { run: 0 }, /params\.run must be an integer from 1/],
    ['const', { run: 4, extra: 1 }, /params\.extra is not a parameter of kind const/],
    ['ramp', { width: 3, segment: 4, strides: '1' }, /params\.width must be one of 1, 2, 4/],
    ['ramp', { width: 2, segment: 5, strides: '1' }, /params\.segment must be a multiple of width/],
    ['ramp', { width: 1, segment: 4, strides: '1, 2' }, /params\.strides must be a string/],
    ['ramp', { width: 1, segment: 4, strides: '01' }, /params\.strides/],
    ['ramp', { width: 1, segment: 4, strides: '1,1' }, /params\.strides/],
    ['ramp', { width: 1, segment: 4, strides: '256' }, /params\.strides/],
    ['lfsr', { taps: 'B8', tile: 4 }, /params\.taps/],
    ['lfsr', { taps: 'b8', tile: 0 }, /params\.tile/],
    ['debruijn', { k: 256, n: 4, offset: 0 }, /params\.n makes k\^n/],
    ['debruijn', { k: 1, n: 4, offset: 0 }, /params\.k/],
    ['random', { x: 1 }, /params\.x is not a parameter of kind random; it takes no parameters/],
  ];
  it.each(cases)('%s %j', (kind, params, msg) => {
    try {
      registry.get(kind).validate(params, 64);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PfscError);
      expect((e as PfscError).code).toBe('PFSC_MANIFEST_INVALID');
      expect((e as PfscError).message).toMatch(msg);
    }
  });
  it('a manifest names the bank in front of the parameter', () => {
    const m = { format: 1, profile: 'p', seed: 's', refs: [], banks: [{ name: 'a', kind: 'const', version: 1, size: 4, params: { run: -1 } }] };
    expect(() => validateManifest(m)).toThrow(/^banks\[0\]\.params\.run must be an integer/);
  });
});

/**
 * Hostile bank files: every limit of docs/BANKS.md section 7 is checked before anything is
 * allocated in proportion to it, so each refusal below is fast, and none is a crash.
 */
import { describe, expect, it } from 'vitest';
import { compileBank, DEFAULT_BANK_LIMIT, MAX_BANK_OUTPUT, MAX_BANK_TEXT, parseBank } from '../../src/banks/index.js';
import { bankErrorOf } from './support.js';

/** Runs f, which must throw PFSC_BANK_INVALID within `ms`; returns the message. */
function refusedFast(f: () => unknown, ms = 2000): string {
  const t0 = performance.now();
  const e = bankErrorOf(f);
  expect(performance.now() - t0, e.message).toBeLessThan(ms);
  return e.message;
}

describe('output size', () => {
  it('nested repeats whose product passes 2^30 are refused at the repeat that passes it', () => {
    expect(refusedFast(() => parseBank('bank 1 (0x00 * 1000000) * 1000000'))).toBe('bank line 1, column 25: this repeat makes 1000000000000 bytes; an item may make at most 2^30');
    expect(refusedFast(() => parseBank('bank 1 0 * 1073741824 * 2'))).toMatch(/column 23: this repeat makes 2147483648 bytes/);
    expect(refusedFast(() => parseBank('bank 1 ((((0 * 1024) * 1024) * 1024) * 1024) * 1024'))).toMatch(/column 38: this repeat makes 1099511627776 bytes/);
    expect(refusedFast(() => parseBank(`bank 1 "ab" ${'* 1073741824 '.repeat(1000)}`))).toMatch(/column 13: this repeat makes 2147483648 bytes/);
    expect(refusedFast(() => parseBank('bank 1 (random count 1073741824 seed "a") * 1073741824'))).toMatch(/this repeat makes 1152921504606846976 bytes/);
  });
  it('a sequence that passes 2^30 is refused at the item that passes it', () => {
    expect(refusedFast(() => parseBank('bank 1 (0 * 1073741824 1)'))).toBe('bank line 1, column 24: a group makes more than 2^30 bytes by the end of this item (1073741825 bytes)');
    expect(refusedFast(() => parseBank('bank 1 0 * 1073741824 1'))).toMatch(/column 23: the bank makes more than 2\^30 bytes by the end of this item/);
    expect(refusedFast(() => parseBank('bank 1 ((0 * 1073741824) (0 * 1073741824)) * 0'))).toMatch(/a group makes more than 2\^30 bytes/);
    expect(refusedFast(() => parseBank('bank 1 (u64le count 134217728) 0'))).toMatch(/the bank makes more than/);
  });
  it('the caller\'s limit: 256 MiB for compileBank unless told, checked before allocating', () => {
    expect(DEFAULT_BANK_LIMIT).toBe(256 * 2 ** 20);
    expect(parseBank('bank 1 0 * 1073741824').length).toBe(MAX_BANK_OUTPUT);
    expect(refusedFast(() => compileBank('bank 1 0 * 268435457'))).toBe('bank line 1, column 8: the bank makes more than 268435456 bytes by the end of this item (268435457 bytes)');
    expect(refusedFast(() => compileBank('bank 1 "abc" "de"', { limit: 4 }))).toBe('bank line 1, column 14: the bank makes more than 4 bytes by the end of this item (5 bytes)');
    expect(compileBank('bank 1 "abc" "d"', { limit: 4 })).toHaveLength(4);
    expect(refusedFast(() => compileBank('bank 1 random count 100000000 seed "a"', { limit: 1 << 20 }))).toMatch(/more than 1048576 bytes/);
    expect(refusedFast(() => compileBank('bank 1 debruijn order 26 over "01"', { limit: 1 << 20 }))).toMatch(/more than 1048576 bytes/);
  });
  it('a bad limit is a usage error', () => {
    for (const limit of [0, -1, 1.5, 2 ** 30 + 1, Number.NaN]) {
      expect(bankErrorOf(() => compileBank('bank 1 0', { limit }), 'PFSC_USAGE').message).toMatch(/a bank's limit must be an integer from 1 to 1073741824/);
    }
    expect(bankErrorOf(() => parseBank(7 as unknown as string), 'PFSC_USAGE').message).toMatch(/must be a string/);
  });
  it('de Bruijn sequences are bounded by k^n before any work', () => {
    expect(refusedFast(() => parseBank('bank 1 debruijn order 26 over 0x00..0xff'))).toMatch(/order 26 over 256 bytes has \d{60,} bytes; at most 2\^26 are allowed/);
    expect(refusedFast(() => parseBank('bank 1 debruijn order 10 over "abcdefg"'))).toMatch(/has 282475249 bytes; at most 2\^26/);
    expect(parseBank('bank 1 debruijn order 9 over "abcdefg"').length).toBe(7 ** 9);
  });
});

describe('text', () => {
  it('is at most 1 MiB of UTF-8', () => {
    const big = `bank 1 0 #${'x'.repeat(MAX_BANK_TEXT)}`;
    expect(refusedFast(() => parseBank(big))).toBe(`bank line 1, column 1: the text has ${MAX_BANK_TEXT + 10} bytes of UTF-8; a bank file may have at most ${MAX_BANK_TEXT}`);
    const wide = `bank 1 0 #${'é'.repeat(MAX_BANK_TEXT / 2)}`;
    expect(refusedFast(() => parseBank(wide))).toMatch(/the text has 1048586 bytes of UTF-8/);
    expect(parseBank(`bank 1 0 #${'x'.repeat(MAX_BANK_TEXT - 10)}`).length).toBe(1);
  });
  it('groups nest at most 64 deep, and deeper nesting is refused without recursion', () => {
    expect(compileBank(`bank 1 ${'('.repeat(64)}7${')'.repeat(64)}`)).toEqual(Uint8Array.of(7));
    expect(refusedFast(() => parseBank(`bank 1 ${'('.repeat(65)}7${')'.repeat(65)}`))).toBe('bank line 1, column 72: groups are nested more than 64 deep');
    expect(refusedFast(() => parseBank(`bank 1 ${'('.repeat(500000)}`), 2000)).toMatch(/groups are nested more than 64 deep/);
    expect(refusedFast(() => parseBank(`bank 1 ${'('.repeat(3)}${')'.repeat(5)}`))).toMatch(/got "\)"/);
  });
  it('long flat texts take time in proportion to their length', () => {
    const t0 = performance.now();
    expect(parseBank(`bank 1 0 ${'* 1 '.repeat(200000)}`).length).toBe(1);
    expect(parseBank(`bank 1 ${'(1 2) '.repeat(100000)}`).length).toBe(200000);
    expect(compileBank(`bank 1 ${'"ab" 0x10..0x20 '.repeat(40000)}`)).toHaveLength(40000 * 19);
    expect(performance.now() - t0).toBeLessThan(15000);
  });
  it('number literals are at most 64 characters, so no huge BigInt is parsed', () => {
    expect(refusedFast(() => parseBank(`bank 1 0 * ${'9'.repeat(100000)}`))).toMatch(/is longer than 64 characters/);
    expect(refusedFast(() => parseBank(`bank 1 u64le from 0x${'f'.repeat(62)} count 1`))).toMatch(/from of u64le must be from -2\^63 to \(2\^64 - 1\)/);
  });
  it('a huge string is bounded by the text', () => {
    const s = 'a'.repeat(MAX_BANK_TEXT - 20);
    expect(compileBank(`bank 1 "${s}"`)).toHaveLength(s.length);
  });
});
